// The Temporal server itself stops while a migration waits in REPLICATION and starts again on the same
// SQLite file: the worker reconnects, the workflow picks up where it was, and the engineer's complete still
// brings the migration to SUCCEEDED.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { snakeCaseConfigYaml, SOURCE_NOT_REACHED_FLAGS, waitFor } from '../helpers/migration';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { startDevServer, requiresOwnTemporal } from '../helpers/temporal';
import type { DevServer } from '../helpers/temporal';

let temporal: DevServer;
let stack: Stack;
let workDir: string;

const ownTemporal = requiresOwnTemporal('it stops its server and starts it again on the same SQLite file');

before(async () => {
  if (ownTemporal) return;
  workDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-restart-'));
  temporal = await startDevServer({ dbFilename: join(workDir, 'temporal.sqlite') });
  stack = await startStack(temporal);
  await writeFile(join(workDir, 'migration.yaml'), snakeCaseConfigYaml());
});

after(async () => {
  await Promise.allSettled([stack?.close(), temporal?.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('Temporal server restart', { skip: ownTemporal }, () => {
  it('completes a migration whose server was stopped and started again mid-wait', async () => {
    const service = await stack.seedService();
    await stack.startWorker();
    const config = join(workDir, 'migration.yaml');
    const started = await stack.cli(
      'start',
      '--service',
      service,
      '--config',
      config,
      '--poll-interval',
      '1',
      '--operation-poll',
      '0.2',
    );
    assert.equal(started.code, 0, started.stderr);
    const stageOf = async () => {
      const run = await stack.cli('status', '--service', service, '--json');
      return run.code === 0 ? (JSON.parse(run.stdout) as { stage: string; runId: string }) : undefined;
    };
    const waiting = await waitFor('REPLICATION', async () => {
      const status = await stageOf();
      return status?.stage === 'REPLICATION' ? status : undefined;
    });

    const port = temporal.port;
    await temporal.close();
    assert.notEqual((await stack.cli('status', '--service', service)).code, 0, 'the server is really down');
    temporal = await startDevServer({ port, dbFilename: join(workDir, 'temporal.sqlite') });

    const after = await waitFor('the same run after the restart', stageOf, { timeoutMs: 60_000 });
    assert.equal(after.runId, waiting.runId);
    assert.equal(after.stage, 'REPLICATION');
    const completed = await waitFor(
      'complete accepted by the reconnected worker',
      async () => {
        const run = await stack.cli('complete', '--service', service, ...SOURCE_NOT_REACHED_FLAGS, '--by', 'gina');
        return run.code === 0 ? run : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.match(completed.stdout, /complete accepted/);
    const waited = await stack.cli('wait', '--service', service, '--json');
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal((JSON.parse(waited.stdout) as { outcome: string }).outcome, 'SUCCEEDED');
  });
});
