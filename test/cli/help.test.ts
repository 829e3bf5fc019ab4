// Per-command help, `help COMMAND`, did-you-mean for commands and enum flag values, and bad flags as usage errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '../../src/cli/args';
import { commands } from '../../src/cli/commands';
import { HelpRequested, UsageError } from '../../src/cli/errors';
import { COMMANDS, USAGE, commandUsage, enumFlag } from '../../src/cli/help';
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

describe('help', () => {
  it('knows every command the CLI runs, and has usage for each', () => {
    assert.deepEqual([...COMMANDS].sort(), Object.keys(commands).sort());
    for (const command of COMMANDS)
      assert.match(commandUsage(command) ?? '', new RegExp(`^usage: metastore-migrator ${command} `));
  });

  it("COMMAND --help and help COMMAND print that command's entries only", () => {
    for (const argv of [
      ['start', '--help'],
      ['help', 'start'],
      ['start', '-h', ...SERVICE],
    ]) {
      const err = thrown(argv);
      assert.ok(err instanceof HelpRequested, argv.join(' '));
      assert.equal(err.message, commandUsage('start'));
      assert.match(err.message, /--migration-id ID/);
      assert.match(err.message, /--adopt --config FILE/, 'both of start’s entries');
      assert.doesNotMatch(err.message, /^ {2}plan /m);
      assert.match(err.message, /^environment: /m);
    }
    assert.equal(thrown(['help']).message, USAGE);
    assert.equal(thrown(['--help']).message, USAGE);
    assert.match(commandUsage('list-workflows') ?? '', /^usage: metastore-migrator list-workflows \[options\]/);
  });

  it('suggests the nearest command for a typo, before asking for --service', () => {
    const err = thrown(['stauts']);
    assert.ok(err instanceof UsageError);
    assert.match(err.message, /^unknown command: stauts \(did you mean status\?\)/);
    assert.match(thrown(['help', 'complte']).message, /unknown command: complte \(did you mean complete\?\)/);
    assert.match(thrown(['frobnicate', ...SERVICE]).message, /^unknown command: frobnicate\n/);
  });

  it('makes an unknown flag or a missing value a usage error pointing at the command’s help', () => {
    const unknown = thrown(['status', '--bogus', ...SERVICE]);
    assert.ok(unknown instanceof UsageError);
    assert.match(unknown.message, /Unknown option '--bogus'.*see metastore-migrator status --help/);
    assert.ok(thrown(['status', ...SERVICE, '--interval']) instanceof UsageError);
  });
});

describe('enum flag values', () => {
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
