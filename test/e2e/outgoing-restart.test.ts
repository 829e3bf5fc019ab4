// An outgoing migration (DPMS → Lakehouse) through crashes, with every program a process: the worker SIGKILLed
// mid-backfill and in the rollback window, and the emulator (Google's side) SIGKILLed mid-backfill and started
// again from its state file. Each time a new process takes over and the migration ends as it should: one
// execution, one rollback. What reached the API is the emulator's own log and state.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MigrationResult, MigrationStatus } from '../../src/migration/state';
import type { ServiceProcess } from '../../scripts/lib/services';
import { getResource } from '../helpers/emulator';
import { waitFor } from '../helpers/migration';
import {
  type OutgoingService,
  executionsOf,
  realExecutionsOf,
  requestsTo,
  seedOutgoingService,
  slowTheRealBackfill,
  spawnEmulator,
  startOutgoingCli,
} from '../helpers/outgoing-processes';
import { type Stack, startStack } from '../helpers/stack';
import { type DevServer, startDevServer } from '../helpers/temporal';

/**
 * The real backfill's duration: time to see it RUNNING, confirm the workflow waits in BACKFILL through the CLI
 * and kill a process, with the backfill still running after the kill (asserted, not assumed).
 */
const BACKFILL_MS = 7000;
/**
 * The workers' API budget, above the default 3 req/s per project: after a transition an outgoing poll (the
 * execution and the service) is turned away by the budget and tries again within its attempt, and an attempt
 * lost with its worker comes back only after its start-to-close timeout (30 s). This test is about crashes, not
 * pacing: with room in the budget each attempt is one read and the new worker takes over at the next poll.
 */
const startWorker = () => stack.startWorker({ METASTORE_MIGRATOR_API_BUDGET: '50' });
/** Long enough never to end by itself during the test: the rollback ends it. */
const ROLLBACK_WINDOW_SECONDS = 300;

let temporal: DevServer;
let stack: Stack;
let workDir: string;
let stateFile: string;
/** The emulator started again from its state file (case c), stopped with the rest. */
let restartedEmulator: ServiceProcess | undefined;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-outgoing-restart-'));
  stateFile = join(workDir, 'emulator-state.json');
  temporal = await startDevServer();
  stack = await startStack(temporal, ['--state-file', stateFile]);
});

after(async () => {
  await Promise.allSettled([stack?.close(), restartedEmulator?.stop(), temporal?.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function statusOf(service: string): Promise<MigrationStatus | undefined> {
  const run = await stack.cli('status', '--service', service, '--json');
  return run.code === 0 ? (JSON.parse(run.stdout) as MigrationStatus) : undefined;
}

function inStage(service: string, stage: string, timeoutMs = 60_000): Promise<MigrationStatus> {
  return waitFor(
    `${service} in ${stage}`,
    async () => {
      const status = await statusOf(service);
      return status?.stage === stage ? status : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** Starts the migration and returns its one real execution once the emulator has it RUNNING (backfilling). */
async function startAndAwaitBackfill(migration: OutgoingService, rollbackWindowSeconds: number): Promise<string> {
  const { service } = migration;
  const started = startOutgoingCli(stack, migration, rollbackWindowSeconds);
  await slowTheRealBackfill(stack.emulatorUrl, service, BACKFILL_MS);
  const startRun = await started;
  assert.equal(startRun.code, 0, `${startRun.stdout}\n${startRun.stderr}`);
  return waitFor(
    'the real execution RUNNING',
    async () => {
      const [real] = await realExecutionsOf(stack.emulatorUrl, service);
      return real?.state === 'RUNNING' ? (real.name as string) : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 10 },
  );
}

async function assertStillBackfilling(execution: string, when: string): Promise<void> {
  const read = await getResource({ url: stack.emulatorUrl }, execution);
  assert.equal(read.state, 'RUNNING', `${when}: the execution is no longer running the backfill`);
  assert.equal(read.biglakeMetastoreMigrationConfig.backfillStatus.state, 'RUNNING', when);
}

describe('an outgoing migration through crashes', () => {
  let migration: OutgoingService;
  let execution: string;

  it('a) survives a worker SIGKILL mid-backfill: one execution, the rollback window, the verification', async () => {
    let worker = await startWorker();
    migration = await seedOutgoingService(stack);
    const { service } = migration;
    execution = await startAndAwaitBackfill(migration, ROLLBACK_WINDOW_SECONDS);
    const waiting = await inStage(service, 'BACKFILL', BACKFILL_MS);
    assert.equal(waiting.execution?.name, execution);

    await worker.kill('SIGKILL');
    assert.throws(() => process.kill(worker.pid, 0), { code: 'ESRCH' }, 'the worker is really gone');
    await assertStillBackfilling(execution, 'right after the kill');
    worker = await startWorker();

    const window = await inStage(service, 'ROLLBACK_WINDOW');
    // One start: the new worker picked the run up where it was, it did not start the migration again.
    assert.deepEqual(
      (await realExecutionsOf(stack.emulatorUrl, service)).map((e) => [e.name, e.state]),
      [[execution, 'SUCCEEDED']],
    );
    const starts = await requestsTo(stack.emulatorUrl, 'services.startMigration', service);
    assert.equal(starts.length, 2, 'one startMigration for the dry run, one for the migration');
    assert.equal((await executionsOf(stack.emulatorUrl, service)).length, 2);
    const stages = window.stageHistory.map((entry) => entry.stage);
    assert.deepEqual(stages, ['PRECHECK', 'STARTING', 'BACKFILL', 'ROLLBACK_WINDOW']);
    assert.equal(window.execution?.name, execution);
    assert.equal(window.backfill?.state, 'SUCCEEDED');
    assert.equal(window.verification?.status, 'ok', JSON.stringify(window.verification));
    assert.equal(window.verification?.report?.compared, 'lakehouse');
    assert.equal((await getResource({ url: stack.emulatorUrl }, service)).state, 'PROXY');
  });

  it('b) survives a worker SIGKILL in the rollback window: the rollback asked then happens once', async () => {
    assert.ok(execution, 'needs the migration of a) in its rollback window');
    const { service } = migration;
    const [worker] = stack.workers.slice(-1);
    await worker!.kill('SIGKILL');
    assert.throws(() => process.kill(worker!.pid, 0), { code: 'ESRCH' }, 'the worker is really gone');

    // The rollback is asked while no worker runs (the dead one polled a moment ago, so the CLI does not refuse);
    // whichever reaches the server first, the new worker replays the run and takes the decision.
    const rollback = stack.cli('rollback', '--service', service, '--by', 'restart-test', '--reason', 'crash drill');
    await startWorker();
    const asked = await rollback;
    assert.equal(asked.code, 0, `${asked.stdout}\n${asked.stderr}`);
    assert.match(asked.stdout, /rollback accepted for \S+ by restart-test in stage ROLLBACK_WINDOW/);

    const waited = await stack.cli('wait', '--service', service, '--json');
    assert.equal(waited.code, 0, waited.stderr);
    const result = JSON.parse(waited.stdout) as MigrationResult;
    assert.equal(result.outcome, 'ROLLED_BACK', result.message);
    assert.equal((await getResource({ url: stack.emulatorUrl }, execution)).state, 'ROLLED_BACK');
    assert.equal((await getResource({ url: stack.emulatorUrl }, service)).state, 'ACTIVE');
    const cancels = await requestsTo(stack.emulatorUrl, 'services.cancelMigration', service);
    assert.equal(cancels.length, 1, 'one cancelMigration: the rollback, once');
    assert.equal((await realExecutionsOf(stack.emulatorUrl, service)).length, 1);
  });

  it('c) survives the emulator SIGKILLed mid-backfill and started again from its state file', async () => {
    const next = await seedOutgoingService(stack);
    const { service } = next;
    const running = await startAndAwaitBackfill(next, 0);
    // The crash must find the backfill saved as running: read the file the emulator restarts from.
    await waitFor('the state file holding the execution RUNNING', async () => {
      const saved = JSON.parse(await readFile(stateFile, 'utf8')) as {
        store: { executions: { execution: { name: string; state: string } }[] };
      };
      return saved.store.executions.some((r) => r.execution.name === running && r.execution.state === 'RUNNING');
    });
    const port = Number(new URL(stack.emulatorUrl).port);
    await stack.emulator.kill('SIGKILL');
    restartedEmulator = await spawnEmulator(port, stateFile);
    await assertStillBackfilling(running, 'after the emulator restart');

    const waited = await stack.cli('wait', '--service', service, '--json');
    assert.equal(waited.code, 0, waited.stderr);
    const result = JSON.parse(waited.stdout) as MigrationResult;
    assert.equal(result.outcome, 'SUCCEEDED', result.message);
    assert.equal(result.execution?.name, running);
    assert.equal(result.verification?.status, 'ok', JSON.stringify(result.verification));
    assert.deepEqual(
      (await realExecutionsOf(stack.emulatorUrl, service)).map((e) => [e.name, e.state]),
      [[running, 'SUCCEEDED']],
    );
    assert.equal((await getResource({ url: stack.emulatorUrl }, service)).state, 'PROXY');
  });
});
