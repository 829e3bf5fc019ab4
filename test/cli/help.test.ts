// Per-command help, `help COMMAND`, did-you-mean for commands, flags and enum flag values, bad flags as usage
// errors, and the fleet-wide forms: the parser (commander, built from the table in src/cli/spec.ts) as it is called.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '../../src/cli/args';
import { commands } from '../../src/cli/commands';
import { HelpRequested, UsageError } from '../../src/cli/errors';
import { enumFlag } from '../../src/cli/help';
import { COMMAND_TABLE } from '../../src/cli/spec';
import { STAGES } from '../../src/migration/state';

const SERVICE = ['--service', 'projects/p-123456/locations/us-central1/services/hms'];

/** What parse() throws for these arguments. */
function thrown(argv: string[]): Error {
  try {
    parse(argv);
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  assert.fail(`parse(${argv.join(' ')}) did not throw`);
}

function usageError(argv: string[]): string {
  const err = thrown(argv);
  assert.ok(err instanceof UsageError, `${argv.join(' ')}: ${err.message}`);
  return err.message;
}

describe('help', () => {
  it('has a command function for every command of the table but completion, and no other', () => {
    // A group's sub-commands are commands of their own ('rollout lint'); the group itself is none.
    const table = Object.entries(COMMAND_TABLE)
      .flatMap(([name, spec]) =>
        spec.subcommands ? Object.keys(spec.subcommands).map((sub) => `${name} ${sub}`) : [name],
      )
      .filter((name) => name !== 'completion');
    assert.deepEqual(table.sort(), Object.keys(commands).sort());
    for (const command of Object.keys(COMMAND_TABLE)) {
      const help = thrown([command, '--help']);
      assert.ok(help instanceof HelpRequested, command);
      assert.match(help.message, new RegExp(`^Usage: metastore-migrator ${command} `));
    }
  });

  it("COMMAND --help and help COMMAND print that command's help only", () => {
    const help = thrown(['start', '--help']).message;
    for (const argv of [
      ['help', 'start'],
      ['start', '-h', ...SERVICE],
    ]) {
      const err = thrown(argv);
      assert.ok(err instanceof HelpRequested, argv.join(' '));
      assert.equal(err.message, help);
    }
    assert.match(help, /^Usage: metastore-migrator start --service projects\/P\/locations\/L\/services\/S /);
    assert.match(help, /--migration-id <ID>/);
    assert.match(help, /With --adopt: take over/, 'the adoption form is described too');
    assert.doesNotMatch(help, /--stage/, 'no other command’s flags');
    assert.match(help, /^environment: /m);
    const general = thrown(['help']);
    assert.ok(general instanceof HelpRequested);
    assert.equal(thrown(['--help']).message, general.message);
    for (const command of Object.keys(COMMAND_TABLE))
      assert.match(general.message, new RegExp(`^ {2}${command} `, 'm'));
    assert.match(thrown(['help', 'list-workflows']).message, /^Usage: metastore-migrator list-workflows \[options\]/);
    assert.match(thrown(['help', 'list-workflows']).message, /--stage <STAGE> .*\(choices: "PRECHECK",/s);
  });

  it('suggests the nearest command for a typo, before asking for --service', () => {
    assert.match(
      usageError(['stauts']),
      /^unknown command 'stauts' \(did you mean status\?\); see metastore-migrator --help$/,
    );
    assert.match(usageError(['help', 'complte']), /^unknown command 'complte' \(did you mean complete\?\)/);
    assert.match(usageError(['frobnicate', ...SERVICE]), /^unknown command 'frobnicate'; /);
  });

  it('makes an unknown flag, a missing value or an extra argument a usage error pointing at the command’s help', () => {
    assert.match(
      usageError(['status', '--bogus', ...SERVICE]),
      /^unknown option '--bogus'; see metastore-migrator status --help$/,
    );
    assert.match(usageError(['status', '--servce', 'x']), /^unknown option '--servce' \(did you mean --service\?\)/);
    assert.match(
      usageError(['watch', ...SERVICE, '--interval']),
      /'--interval <S>' argument missing; see metastore-migrator watch --help/,
    );
    assert.match(usageError(['status', 'extra', ...SERVICE]), /too many arguments/);
    assert.match(
      usageError(['list-workflows', ...SERVICE]),
      /^unknown option '--service'/,
      'list-workflows is about the fleet',
    );
    assert.match(usageError([]), /^Usage: metastore-migrator <command>/, 'no command: the usage, as an error');
  });

  it('refuses a command without a flag it needs, naming the flag and the help', () => {
    // start needs --config or the outgoing kind's flags instead: buildRequest says so (test/cli/outgoing-flags).
    assert.match(usageError(['describe', ...SERVICE]), /^required option '--migration <ID>' not specified; /);
    assert.match(thrown(['describe', '--help']).message, /--migration <ID> +a migration execution id .*\(required\)/s);
  });

  it('checks --service, except for the fleet-wide forms', () => {
    assert.equal(usageError(['status']), '--service: is required; see metastore-migrator status --help');
    assert.match(usageError(['status', '--service', 'demo']), /^--service: must be a service resource name/);
    assert.equal(parse(['status', ...SERVICE]).options.service, SERVICE[1]);
    for (const argv of [['status', '--all'], ['watch'], ['list-workflows', '--all']]) {
      const { command, options } = parse(argv);
      assert.equal(command, argv[0]);
      assert.equal(options.service, '', argv.join(' '));
    }
    assert.equal(parse(['watch', ...SERVICE]).options.service, SERVICE[1]);
  });

  it('gives the commands their values by flag name: repeatable flags as lists, switches false when absent', () => {
    const { options } = parse([
      'start',
      ...SERVICE,
      '--config',
      'c.yaml',
      '--migration-id',
      'm-1',
      '--override',
      'A',
      '--notify',
      'worker',
      '--override',
      'B',
      '--json',
    ]);
    assert.equal(options.json, true);
    assert.equal(options.values.config, 'c.yaml');
    assert.equal(options.values['migration-id'], 'm-1');
    assert.deepEqual(options.values.override, ['A', 'B']);
    assert.deepEqual(options.values.notify, ['worker']);
    assert.equal(options.values.adopt, false);
    assert.equal(options.values['poll-interval'], undefined);
    for (const yes of ['-y', '--yes']) assert.equal(parse(['cancel', ...SERVICE, yes]).options.values.yes, true);
    assert.equal(parse(['cancel', ...SERVICE]).options.values.yes, false);
    assert.deepEqual(parse(['completion', 'bash']), {
      command: 'completion',
      options: { service: '', json: false, values: { json: false, shell: 'bash' } },
    });
    assert.match(
      usageError(['completion', 'fish']),
      /value 'fish' is invalid for argument 'shell'\. Allowed choices are bash, zsh; see metastore-migrator completion --help$/,
    );
  });
});

describe('enum flag values', () => {
  it('are refused on the command line with the valid values and the nearest one', () => {
    assert.match(
      usageError(['list-workflows', '--stage', 'REPLICATON']),
      /^--stage: unknown value "REPLICATON" \(did you mean REPLICATION\?\); expected one of PRECHECK, /,
    );
    assert.match(usageError(['list-workflows', '--state', 'RUNING']), /^--state: .*did you mean RUNNING\?/);
    assert.equal(parse(['list-workflows', '--stage', 'REPLICATION']).options.values.stage, 'REPLICATION');
  });

  it('accepts a known value and refuses others, listing them with the nearest', () => {
    assert.equal(enumFlag('stage', 'REPLICATION', STAGES), 'REPLICATION');
    assert.throws(() => enumFlag('stage', 'REPLICATON', STAGES), {
      message: /^--stage: unknown value "REPLICATON" \(did you mean REPLICATION\?\); expected one of PRECHECK, /,
    });
    assert.throws(
      () => enumFlag('stage', 'BOGUS', STAGES),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.doesNotMatch(err.message, /did you mean/);
        assert.match(err.message, /expected one of PRECHECK, .*REPLICATION.*DONE$/);
        return true;
      },
    );
  });
});
