// A command group is an entry of the table, not parser code: the CLI's own `rollout lint|plan`, and a table whose
// `rollout status|pause` are given other flags than the CLI's own (test/cli/rollout-run-commands.test.ts has those),
// given to the same parser and completion generator the CLI uses, get sub-commands with their own flags, help,
// did-you-mean and completion.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parse } from '../../src/cli/args';
import { completionScript } from '../../src/cli/completion';
import { HelpRequested, UsageError } from '../../src/cli/errors';
import { buildProgram } from '../../src/cli/program';
import { COMMAND_TABLE, type CommandSpec } from '../../src/cli/spec';

const ROLLOUT = COMMAND_TABLE.rollout;
assert.ok(ROLLOUT?.subcommands, 'the CLI has the rollout group');
const TABLE: Readonly<Record<string, CommandSpec>> = {
  ...COMMAND_TABLE,
  rollout: {
    ...ROLLOUT,
    subcommands: {
      ...ROLLOUT.subcommands,
      status: { summary: 'where the rollout is', service: 'fleet-without' },
      pause: { summary: 'pause the rollout', options: ['reason', 'yes'], service: 'required' },
    },
  },
};
const SERVICE = ['--service', 'projects/p-123456/locations/us-central1/services/hms'];

function thrown(argv: string[]): Error {
  try {
    parse(argv, TABLE);
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  assert.fail(`parse(${argv.join(' ')}) did not throw`);
}

describe('a command group from the table', () => {
  it('parses a sub-command with its own flags into the path and Options', () => {
    const { command, options } = parse(['rollout', 'pause', ...SERVICE, '--reason', 'night', '-y'], TABLE);
    assert.equal(command, 'rollout pause');
    assert.equal(options.service, SERVICE[1]);
    assert.equal(options.values.reason, 'night');
    assert.equal(options.values.yes, true);
    assert.equal(parse(['rollout', 'status'], TABLE).options.service, '', 'fleet-wide without --service');
  });

  it("parses the CLI's own rollout lint and plan, --manifest required", () => {
    for (const sub of ['lint', 'plan']) {
      const { command, options } = parse(['rollout', sub, '--manifest', 'fleet.yaml', '--json']);
      assert.equal(command, `rollout ${sub}`);
      assert.equal(options.values.manifest, 'fleet.yaml');
      assert.equal(options.json, true);
      assert.equal(options.service, '', 'about a manifest, not one service');
      let missing: unknown;
      try {
        parse(['rollout', sub]);
      } catch (err) {
        missing = err;
      }
      assert.ok(missing instanceof UsageError);
      assert.match(missing.message, /required option '--manifest <FILE>' not specified/);
    }
    const typo = thrown(['rollout', 'lnt']);
    assert.match(typo.message, /did you mean lint\?/);
  });

  it('gives the group and each sub-command help, suggestions and usage errors', () => {
    const group = thrown(['rollout', '--help']);
    assert.ok(group instanceof HelpRequested);
    assert.match(group.message, /^ {2}pause .*pause the rollout/m);
    assert.match(group.message, /^ {2}lint .*check a manifest offline/m);
    const sub = thrown(['help', 'rollout', 'pause']);
    assert.ok(sub instanceof HelpRequested);
    assert.match(sub.message, /^Usage: metastore-migrator rollout pause --service /);
    assert.match(sub.message, /--reason <TEXT>/);
    const typo = thrown(['rollout', 'paus']);
    assert.ok(typo instanceof UsageError);
    assert.match(
      typo.message,
      /^unknown command 'paus' \(did you mean pause\?\); see metastore-migrator rollout --help$/,
    );
    assert.match(thrown(['help', 'rollout', 'paus']).message, /did you mean pause\?/);
    assert.match(thrown(['rollout', 'pause', ...SERVICE, '--stage', 'DONE']).message, /^unknown option '--stage'/);
    assert.ok(thrown(['rollout']) instanceof UsageError, 'a group alone is a usage error');
  });

  it('completes its sub-commands and their flags in bash', () => {
    const script = completionScript(
      'bash',
      buildProgram(() => undefined, TABLE),
    );
    const complete = (...words: string[]) =>
      execFileSync(
        'bash',
        [
          '--norc',
          '-c',
          `${script}\nCOMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _metastore_migrator; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'bash',
          ...words,
        ],
        { encoding: 'utf8' },
      )
        .split('\n')
        .filter((line) => line !== '');
    assert.deepEqual(complete('metastore-migrator', 'rollout', 'p').sort(), ['pause', 'plan']);
    assert.deepEqual(complete('metastore-migrator', 'rollout', 'l'), ['lint']);
    assert.deepEqual(complete('metastore-migrator', 'rollout', 'lint', '--m'), ['--manifest']);
    assert.deepEqual(complete('metastore-migrator', 'rollout', 'pause', '--r'), ['--reason']);
    assert.deepEqual(complete('metastore-migrator', 'help', 'rollo'), ['rollout']);
  });
});
