// The CLI saying what to do next, as processes an engineer runs: no worker (fails at once, naming the task queue),
// the commands after a start, did-you-mean, per-command help, structured config errors, and complete/cancel off a
// terminal (no question asked; --yes accepted).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type E2e, startE2e } from '../helpers/e2e';
import { SOURCE_NOT_REACHED_FLAGS, waitFor } from '../helpers/migration';

let e2e: E2e;
before(async () => {
  e2e = await startE2e('next-steps');
});
after(async () => {
  await e2e?.close();
});

const cli = (...args: string[]) => e2e.stack.cli(...args);
const UI = 'http://127.0.0.1:8233';

describe('CLI next steps', () => {
  it('plan, start, complete and cancel fail at once when no worker polls the task queue', async () => {
    const service = await e2e.stack.seedService();
    for (const args of [
      ['plan', '--service', service, '--config', e2e.configFile],
      ['start', '--service', service, '--config', e2e.configFile],
      ['complete', '--service', service, '--dry-run'],
      ['cancel', '--service', service],
    ]) {
      const began = Date.now();
      const run = await cli(...args);
      assert.equal(run.code, 1, `${args[0]}: ${run.stderr}`);
      // The stack's own queue and namespace (the defaults on a dev server of its own; not on an existing one).
      const { taskQueue, namespace } = e2e.stack;
      assert.ok(
        run.stderr.startsWith(`NoWorker: no worker polls task queue "${taskQueue}" in namespace "${namespace}" at `),
      );
      assert.match(
        run.stderr,
        new RegExp(`TEMPORAL_TASK_QUEUE=${taskQueue} TEMPORAL_NAMESPACE=${namespace} .*npm run worker`),
      );
      // Before this, plan and start waited ~40 s on a workflow task nobody picked up.
      assert.ok(Date.now() - began < 20_000, `${args[0]} took ${Date.now() - began} ms`);
    }
    const json = await cli('plan', '--service', service, '--config', e2e.configFile, '--json');
    assert.equal((JSON.parse(json.stderr) as { error: { type: string } }).error.type, 'NoWorker');
    assert.equal((await cli('status', '--service', service)).code, 1, 'no workflow was started');
  });

  it('start prints the next commands and the Web UI link; cancel off a terminal asks nothing', async () => {
    await e2e.stack.startWorker();
    const service = await e2e.stack.seedService();
    const started = await e2e.stack.cliWithEnv(
      { METASTORE_MIGRATOR_TEMPORAL_UI: UI },
      ...['start', '--service', service, '--config', e2e.configFile, '--poll-interval', '1'],
    );
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, new RegExp(`^ {2}metastore-migrator watch --service ${service} +# `, 'm'));
    assert.match(
      started.stdout,
      new RegExp(`^ {2}metastore-migrator complete --service ${service} --dry-run +# `, 'm'),
    );
    const link = `${UI}/namespaces/default/workflows/${encodeURIComponent(`migration/${service}`)}`;
    assert.ok(started.stdout.includes(`Web UI: ${link}\n`), started.stdout);

    const again = await cli('start', '--service', service, '--config', e2e.configFile);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`^AlreadyRunning: .*see 'metastore-migrator status --service ${service}'`));

    // The test's stdin and stdout are pipes: no question, the cancel goes through.
    const cancelled = await cli('cancel', '--service', service, '--by', 'erin');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.doesNotMatch(cancelled.stdout, /\[y\/N\]/);
    assert.match(cancelled.stdout, /cancel accepted/);
  });

  it('complete --yes goes through without a question', async () => {
    const service = await e2e.stack.seedService();
    assert.equal((await e2e.start(service)).code, 0);
    await waitFor('REPLICATION', async () => {
      const status = await cli('status', '--service', service, '--json');
      return status.code === 0 && (JSON.parse(status.stdout) as { stage: string }).stage === 'REPLICATION';
    });
    const dryRun = await cli('complete', '--service', service, '--dry-run');
    assert.doesNotMatch(dryRun.stdout, /\[y\/N\]/);
    const completed = await cli('complete', '--service', service, '--yes', ...SOURCE_NOT_REACHED_FLAGS);
    assert.equal(completed.code, 0, completed.stderr);
    assert.doesNotMatch(completed.stdout, /\[y\/N\]/);
    assert.match(completed.stdout, /complete accepted/);
  });

  it('suggests the command meant, and checks stage and state values', async () => {
    const typo = await cli('stauts');
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /^unknown command 'stauts' \(did you mean status\?\)/);
    const stage = await cli('list-workflows', '--stage', 'BOGUS');
    assert.equal(stage.code, 2, stage.stderr);
    assert.match(stage.stderr, /^--stage: unknown value "BOGUS"; expected one of PRECHECK, .*REPLICATION/);
    const state = await cli('list-workflows', '--state', 'RUNING', '--json');
    assert.equal(state.code, 2, state.stderr);
    const error = (JSON.parse(state.stderr) as { error: { type: string; message: string } }).error;
    assert.equal(error.type, 'Usage');
    assert.match(error.message, /did you mean RUNNING\?/);
    const flag = await cli('status', '--servce', 'x');
    assert.equal(flag.code, 2, 'an unknown flag is a usage error');
  });

  it('prints one command’s help for COMMAND --help and help COMMAND', async () => {
    for (const args of [
      ['start', '--help'],
      ['help', 'start'],
    ]) {
      const run = await cli(...args);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage: metastore-migrator start --service /);
      assert.doesNotMatch(run.stdout, /^ {2}verify /m);
    }
    const unknown = await cli('help', 'stauts');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /did you mean status\?/);
  });

  it('reports a config typo once, cause first, and as structured JSON with --json', async () => {
    const service = await e2e.stack.seedService();
    const file = join(__dirname, '..', 'fixtures', 'bad-configs', 'unknown-field-typo.yaml');
    const text = await cli('start', '--service', service, '--config', file);
    assert.equal(text.code, 1);
    const lines = text.stderr.trim().split('\n');
    assert.equal(lines.length, 2, text.stderr);
    assert.match(
      lines[1]!,
      /^cloudSqlMigrationConfig\.cloudSqlConnectionConfig: unknown field "ipAdress" \(did you mean "ipAddress"\?\)$/,
    );
    const json = await cli('start', '--service', service, '--config', file, '--json');
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stderr), {
      error: {
        type: 'MigrationConfigError',
        message: `${file}: invalid migration config`,
        issues: [
          {
            path: 'cloudSqlMigrationConfig.cloudSqlConnectionConfig',
            message: 'unknown field "ipAdress" (did you mean "ipAddress"?)',
          },
        ],
      },
    });
  });
});
