// `npm run bench [-- --sizes 20,200,2000 --window 120]`: the orchestrator against the naive baseline (one loop per
// migration describing it every 60 s, as users script with gcloud), side by side on one dev server + emulator per
// size. Per size: time for all to reach REPLICATION; complete reaction (update sent → the emulator receives
// completeMigration); external FAILED detection (console FAILED → the next read of that execution); API calls and
// history events per migration-day in steady state; worker and Temporal server CPU and memory; activities
// running while the fleet waits. Prints a table, writes bench/results.md and ends with one JSON line.
// `--temporal ADDRESS [--namespace NS]` (or METASTORE_MIGRATOR_TEST_TEMPORAL_ADDRESS/_NAMESPACE) runs it on an
// existing server instead of a dev server per size: the worker on a task queue of its own, the services (so the
// workflow ids) named with a per-run token, and the server's CPU not measured (not our process).
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { RequestLogEntry } from '../src/emulator/stats';
import { WORKFLOW_TYPE, workflowIdFor } from '../src/migration/names';
import { requestCompleteUpdate } from '../src/workflows/messages';
import { TASK_QUEUE } from '../src/config';
import { existingTemporal, isolatedTaskQueue } from './lib/existing-temporal';
import { admin } from '../test/helpers/emulator';
import { terminateLeftovers } from '../test/helpers/temporal';
import {
  SECRET_ENV,
  SECRET_POLICY_ENV,
  migrationExecutionRequest,
  serviceSeed,
  waitFor,
  COMPLETE_UNREACHED,
} from '../test/helpers/migration';
import { NaivePoller } from './lib/naive-poller';
import { pool } from './lib/pool';
import { freePort } from './lib/ports';
import { cpuPercent, sampleProcess } from './lib/proc-stats';
import type { ProcSample } from './lib/proc-stats';
import { spawnService } from './lib/services';
import { localTemporalEnv } from './lib/temporal-profile';
import { EMULATOR_MIN_INTERVALS_ENV } from './lib/min-intervals';
import { devServerArgs, devServerEnv, ensureTemporalCli } from './temporal-cli';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '20,200,2000' },
    /** Steady-state measurement window, seconds. */
    window: { type: 'string', default: '120' },
    /** fastPollForSeconds for the run (default option: 600); steady state starts after it. */
    'fast-for': { type: 'string', default: '60' },
    'operation-ms': { type: 'string', default: '300' },
    out: { type: 'string', default: join(__dirname, '..', 'bench', 'results.md') },
    /** Measure the mass start only (all in REPLICATION, CPU while starting), skipping the steady-state window. */
    'start-only': { type: 'boolean', default: false },
    /** Services per project (Google allows 20 per region); 0 puts the whole fleet in one project's API budget. */
    'per-project': { type: 'string', default: '20' },
    /** An existing Temporal (host:port on loopback) instead of a dev server per size. */
    temporal: { type: 'string' },
    /** Its namespace (default: default). */
    namespace: { type: 'string' },
  },
});
const existing = existingTemporal(process.env, { address: values.temporal, namespace: values.namespace });
/** Names of this run's services: unique on an existing server, which keeps earlier runs' workflows. */
const RUN = existing ? `-${isolatedTaskQueue().slice('mm-test-'.length, 'mm-test-'.length + 6)}` : '';
const sizes = values.sizes.split(',').map(Number);
const windowSeconds = Number(values.window);
const fastForSeconds = Number(values['fast-for']);
const STEADY_INTERVAL_SECONDS = 60;
/** Google allows 20 services per region per project: the fleet spreads over projects as a real one does. */
const SERVICES_PER_PROJECT = Number(values['per-project']) || Infinity;
const root = join(__dirname, '..');
const node = process.execPath;
const say = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface Side {
  reachReplicationSeconds: number;
  completeP50Ms: number;
  completeP95Ms: number;
  detectP50Seconds: number;
  detectP95Seconds: number;
  apiCallsPerMigrationDay: number;
  historyEventsPerMigrationDay?: number;
  /** The orchestrator only: the first migration in REPLICATION, and the history a start wrote (events/workflow). */
  firstReplicationSeconds?: number;
  historyEventsPerStart?: number;
}

interface SizeResult {
  n: number;
  orchestrator: Side;
  naive: Side;
  workerCpuPercent: number;
  workerRssMiB: number;
  workerPeakRssMiB: number;
  temporalCpuPercent: number;
  /** Sampled migrations with an activity attempt running at that instant (a held slot), of those sampled. */
  runningActivitiesWhileWaiting: string;
}

/** A reaction not seen within the window (NaN) counts as slower than any seen. */
const quantile = (values: number[], q: number) => {
  const sorted = values.map((v) => (Number.isNaN(v) ? Infinity : v)).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
};

async function startStack() {
  const [temporalPort, emulatorPort] = [await freePort(), await freePort()];
  const server = existing
    ? undefined
    : spawnService({
        name: 'temporal',
        command: await ensureTemporalCli({ log: say }),
        args: devServerArgs({ port: temporalPort }),
        env: devServerEnv(),
      });
  const namespace = existing?.namespace ?? 'default';
  // Beside other runs on a shared server: a queue of its own, so no other worker serves these migrations.
  const taskQueue = existing ? isolatedTaskQueue() : TASK_QUEUE;
  const emulator = spawnService({
    name: 'emulator',
    command: node,
    args: [
      '--import',
      'tsx',
      'src/emulator/main.ts',
      '--port',
      String(emulatorPort),
      '--operation-delay-ms',
      values['operation-ms'],
      // Thousands of services: a Thrift listener each would measure nothing this bench is about.
      '--no-hive-thrift',
    ],
    cwd: root,
  });
  await emulator.waitForOutput(/listening on/);
  const address = existing?.address ?? `127.0.0.1:${temporalPort}`;
  const connection = await waitFor('the Temporal server', () => Connection.connect({ address }), { timeoutMs: 60_000 });
  const worker = spawnService({
    name: 'worker',
    command: node,
    args: ['--import', 'tsx', 'src/worker.ts'],
    cwd: root,
    env: {
      ...localTemporalEnv(address, {}, namespace),
      TEMPORAL_TASK_QUEUE: taskQueue,
      ...SECRET_ENV,
      ...SECRET_POLICY_ENV,
      // The lab opt-out, stated: the bench's sources are unreachable addresses, never connected to.
      METASTORE_MIGRATOR_SOURCE_TLS: 'off',
      METASTORE_EMULATOR_HOST: `127.0.0.1:${emulatorPort}`,
      ...EMULATOR_MIN_INTERVALS_ENV,
    },
  });
  await worker.waitForOutput(/worker polling/, 60_000);
  const client = new Client({ connection, namespace });
  const stop = async () => {
    // A shared server keeps what this run left running (the whole fleet, waiting for decisions): ended here.
    if (existing) say(`ended ${await terminateLeftovers(client, [taskQueue])} migration(s) left running`);
    await connection.close();
    for (const p of [worker, emulator, server]) await p?.stop();
  };
  return {
    server,
    emulator,
    worker,
    taskQueue,
    client,
    url: `http://127.0.0.1:${emulatorPort}`,
    stop,
  };
}
type Stack = Awaited<ReturnType<typeof startStack>>;

/** The dev server's CPU and memory; an existing server's are not ours to read (its CPU is reported n/a). */
function serverSample(stack: Stack): ProcSample {
  return stack.server
    ? sampleProcess(stack.server.pid)
    : { at: Date.now(), cpuSeconds: NaN, rssMiB: NaN, peakRssMiB: NaN };
}

function serviceNames(kind: string, n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => `projects/${kind}${RUN}-${Math.floor(i / SERVICES_PER_PROJECT)}/locations/us-central1/services/svc-${i}`,
  );
}

async function requestLog(stack: Stack, query: Record<string, string | number>): Promise<RequestLogEntry[]> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return (await admin<{ requests: RequestLogEntry[] }>(stack, `requests?${params}`)).requests;
}

async function replicatingCount(stack: Stack): Promise<number> {
  // This run's queue only: an existing server may hold other runs' migrations in REPLICATION.
  const query = `TaskQueue = '${stack.taskQueue}' AND MigrationStage = 'REPLICATION' AND ExecutionStatus = 'Running'`;
  return (await stack.client.workflow.count(query)).count;
}

async function historyLengths(stack: Stack, services: string[]): Promise<number> {
  const lengths = await pool(services, 20, async (service) => {
    const description = await stack.client.workflow.getHandle(workflowIdFor(service)).describe();
    return description.historyLength;
  });
  return lengths.reduce((sum, n) => sum + n, 0);
}

/** Sampled workflows whose pending activity is running an attempt right now (it holds a worker slot). */
async function runningActivities(stack: Stack, services: string[]): Promise<number> {
  const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
  const running = await pool(services, 20, async (service) => {
    const { raw } = await stack.client.workflow.getHandle(workflowIdFor(service)).describe();
    return (raw.pendingActivities ?? []).some((pending) => pending.state === STARTED);
  });
  return running.filter(Boolean).length;
}

/** Sends `act` for each target at random times within `spreadMs`; resolves with each target's send time. */
async function spread<T>(targets: T[], spreadMs: number, act: (target: T) => Promise<unknown>): Promise<number[]> {
  return Promise.all(
    targets.map(async (target) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * spreadMs));
      const at = Date.now();
      await act(target);
      return at;
    }),
  );
}

/** First request of `method` on `resource` at or after each send time: its delay in ms. */
function reactions(log: RequestLogEntry[], sends: { resource: string; at: number }[], method: string): number[] {
  return sends.map(({ resource, at }) => {
    const hit = log.find((entry) => entry.method === method && entry.resource === resource && entry.at >= at);
    return hit ? hit.at - at : NaN;
  });
}

async function runSize(n: number): Promise<SizeResult> {
  say(
    `N=${n}: starting ${existing ? `(on ${existing.address}, namespace ${existing.namespace}) ` : 'dev server, '}emulator and worker`,
  );
  const stack = await startStack();
  try {
    const orch = serviceNames('orch', n);
    const naive = serviceNames('naive', n);
    await pool([...orch, ...naive], 20, (name) => admin(stack, 'services', serviceSeed(name)));
    const options = { pollIntervalSeconds: STEADY_INTERVAL_SECONDS, fastPollForSeconds: fastForSeconds };
    say(`N=${n}: starting ${n} migrations and ${n} naive loops together`);
    const t0 = Date.now();
    const procAtStart: ProcSample[] = [sampleProcess(stack.worker.pid), serverSample(stack)];
    const pollers = naive.map((service) => new NaivePoller(stack.url, service, STEADY_INTERVAL_SECONDS * 1000));
    const naiveStarted = pool(pollers, 50, (poller) => poller.start()).then(() => Date.now());
    await pool(orch, 50, (service) =>
      stack.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: stack.taskQueue,
        workflowId: workflowIdFor(service),
        args: [{ request: { service, migrationExecution: migrationExecutionRequest(), options } }],
      }),
    );
    // The first to arrive as well as the last: a budget serving the fleet in order lets the first replicate within
    // seconds even when the last must wait for the project's API budget.
    let firstReady: number | undefined;
    const orchReady = await waitFor(
      'every migration in REPLICATION',
      async () => {
        const count = await replicatingCount(stack);
        if (count > 0) firstReady ??= Date.now();
        return count >= n && Date.now();
      },
      { timeoutMs: 30 * 60_000, intervalMs: 1000 },
    );
    // Every workflow stops at REPLICATION waiting for a decision: its history so far is what the start cost.
    const eventsPerStart = (await historyLengths(stack, orch)) / n;
    const naiveReady = await naiveStarted;
    const procAtReady: ProcSample[] = [sampleProcess(stack.worker.pid), serverSample(stack)];
    const startCpu = {
      worker: cpuPercent(procAtStart[0]!, procAtReady[0]!),
      temporal: cpuPercent(procAtStart[1]!, procAtReady[1]!),
    };
    say(
      `N=${n}: first in REPLICATION after ${(((firstReady ?? orchReady) - t0) / 1000).toFixed(1)} s, ` +
        `all after ${((orchReady - t0) / 1000).toFixed(1)} s (naive ${((naiveReady - t0) / 1000).toFixed(1)} s); ` +
        `${eventsPerStart.toFixed(1)} history events per start; ` +
        `CPU while starting: worker ${startCpu.worker.toFixed(0)} %, Temporal server ${Number.isNaN(startCpu.temporal) ? 'n/a (existing)' : `${startCpu.temporal.toFixed(0)} %`}, RSS ${procAtReady[0]!.rssMiB.toFixed(0)} MiB`,
    );
    if (values['start-only']) {
      await stack.stop();
      process.exit(0);
    }

    // Steady state: after fast polling ends for the last migration to arrive, and after the one shorter interval
    // (half to the whole interval) that spreads migrations leaving fast polling together (activities/polling.ts).
    const steadyAt = orchReady + (fastForSeconds + STEADY_INTERVAL_SECONDS) * 1000 + 5000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, steadyAt - Date.now())));
    const samples = Math.min(20, Math.max(5, Math.floor(n / 10)));
    // Samples spread evenly over the fleet (so over its projects), as engineers' decisions and outside
    // failures would be; the rest stay quiet and are what calls and events per migration-day are counted on.
    const stride = Math.floor(n / (2 * samples));
    const completeAt = Array.from({ length: samples }, (_, i) => 2 * i * stride);
    const failAt = completeAt.map((i) => i + stride);
    const sampled = new Set([...completeAt, ...failAt]);
    const pick = <T>(items: T[], at: number[]) => at.map((i) => items[i]!);
    const [completeOrch, failOrch, quietOrch] = [
      pick(orch, completeAt),
      pick(orch, failAt),
      orch.filter((_, i) => !sampled.has(i)),
    ];
    const [completeNaive, failNaive] = [pick(pollers, completeAt), pick(pollers, failAt)];
    const quietNaive = naive.filter((_, i) => !sampled.has(i));
    const historySample = quietOrch.slice(0, 200);
    const windowStart = Date.now();
    const procStart: ProcSample[] = [sampleProcess(stack.worker.pid), serverSample(stack)];
    const eventsBefore = await historyLengths(stack, historySample);
    say(`N=${n}: steady-state window of ${windowSeconds} s`);

    const executionOf = async (service: string) =>
      (
        (await stack.client.workflow.getHandle(workflowIdFor(service)).query('status')) as {
          execution?: { name: string };
        }
      ).execution!.name;
    const failTargets = [
      ...(await Promise.all(failOrch.map(executionOf))),
      ...failNaive.map((poller) => poller.execution!),
    ];
    const spreadMs = (windowSeconds - STEADY_INTERVAL_SECONDS - 10) * 1000;
    const [failedAt, completedOrchAt, completedNaiveAt] = await Promise.all([
      spread(failTargets, spreadMs, (name) => admin(stack, 'executions:fail', { name, stateMessage: 'bench' })),
      spread(completeOrch, spreadMs, (service) =>
        stack.client.workflow
          .getHandle(workflowIdFor(service))
          .executeUpdate(requestCompleteUpdate, { args: [{ ...COMPLETE_UNREACHED, by: 'bench' }] }),
      ),
      spread(completeNaive, spreadMs, (poller) => poller.complete()),
    ]);
    const running = await runningActivities(stack, quietOrch.slice(0, 100));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowStart + windowSeconds * 1000 - Date.now())));
    const procEnd: ProcSample[] = [sampleProcess(stack.worker.pid), serverSample(stack)];
    const eventsAfter = await historyLengths(stack, historySample);
    const windowEnd = Date.now();
    const log = await requestLog(stack, { since: windowStart });
    for (const poller of pollers) poller.stop();

    const windowDays = (windowEnd - windowStart) / 86_400_000;
    // Requests on a service or anything below it (its executions, operations) count for that migration.
    const serviceOf = (entry: RequestLogEntry) => entry.resource.split('/').slice(0, 6).join('/');
    const countFor = (names: string[]) => {
      const wanted = new Set(names);
      return log.filter((entry) => wanted.has(serviceOf(entry))).length;
    };
    const failSends = failTargets.map((resource, i) => ({ resource, at: failedAt[i]! }));
    const detect = reactions(log, failSends, 'services.migrationExecutions.get').map((ms) => ms / 1000);
    const completeReaction = (services: string[], at: number[]) =>
      reactions(
        log,
        services.map((resource, i) => ({ resource, at: at[i]! })),
        'services.completeMigration',
      );
    const orchComplete = completeReaction(completeOrch, completedOrchAt);
    const naiveComplete = completeReaction(
      completeNaive.map((p) => p.service),
      completedNaiveAt,
    );
    const side = (readyAt: number, complete: number[], detected: number[], callsPerDay: number): Side => ({
      reachReplicationSeconds: (readyAt - t0) / 1000,
      completeP50Ms: quantile(complete, 0.5),
      completeP95Ms: quantile(complete, 0.95),
      detectP50Seconds: quantile(detected, 0.5),
      detectP95Seconds: quantile(detected, 0.95),
      apiCallsPerMigrationDay: callsPerDay,
    });
    const orchDetect = detect.slice(0, failOrch.length);
    const naiveDetect = detect.slice(failOrch.length);
    return {
      n,
      orchestrator: {
        ...side(orchReady, orchComplete, orchDetect, countFor(quietOrch) / quietOrch.length / windowDays),
        historyEventsPerMigrationDay: (eventsAfter - eventsBefore) / historySample.length / windowDays,
        firstReplicationSeconds: ((firstReady ?? orchReady) - t0) / 1000,
        historyEventsPerStart: eventsPerStart,
      },
      naive: side(naiveReady, naiveComplete, naiveDetect, countFor(quietNaive) / quietNaive.length / windowDays),
      workerCpuPercent: cpuPercent(procStart[0]!, procEnd[0]!),
      workerRssMiB: procEnd[0]!.rssMiB,
      workerPeakRssMiB: procEnd[0]!.peakRssMiB,
      temporalCpuPercent: cpuPercent(procStart[1]!, procEnd[1]!),
      runningActivitiesWhileWaiting: `${running}/${Math.min(100, quietOrch.length)}`,
    };
  } finally {
    await stack.stop();
  }
}

function table(results: SizeResult[]): string {
  const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : x === Infinity ? 'missed' : 'n/a');
  const rows: [string, (r: SizeResult) => string][] = [
    [
      'all in REPLICATION (s)',
      (r) => `${f(r.orchestrator.reachReplicationSeconds)} / ${f(r.naive.reachReplicationSeconds)}`,
    ],
    ['first in REPLICATION (s)', (r) => `${f(r.orchestrator.firstReplicationSeconds ?? NaN)} / –`],
    ['history events per start', (r) => `${f(r.orchestrator.historyEventsPerStart ?? NaN)} / –`],
    ['complete reaction p50 (ms)', (r) => `${f(r.orchestrator.completeP50Ms, 0)} / ${f(r.naive.completeP50Ms, 0)}`],
    ['complete reaction p95 (ms)', (r) => `${f(r.orchestrator.completeP95Ms, 0)} / ${f(r.naive.completeP95Ms, 0)}`],
    ['FAILED detection p50 (s)', (r) => `${f(r.orchestrator.detectP50Seconds)} / ${f(r.naive.detectP50Seconds)}`],
    ['FAILED detection p95 (s)', (r) => `${f(r.orchestrator.detectP95Seconds)} / ${f(r.naive.detectP95Seconds)}`],
    [
      'API calls per migration-day',
      (r) => `${f(r.orchestrator.apiCallsPerMigrationDay, 0)} / ${f(r.naive.apiCallsPerMigrationDay, 0)}`,
    ],
    ['history events per migration-day', (r) => `${f(r.orchestrator.historyEventsPerMigrationDay ?? NaN)} / –`],
    ['worker CPU (% of a core)', (r) => f(r.workerCpuPercent)],
    ['worker RSS / peak (MiB)', (r) => `${f(r.workerRssMiB, 0)} / ${f(r.workerPeakRssMiB, 0)}`],
    ['Temporal server CPU (% of a core)', (r) => f(r.temporalCpuPercent)],
    ['activities running while waiting (sampled)', (r) => r.runningActivitiesWhileWaiting],
  ];
  const header = `| orchestrator / naive | ${results.map((r) => `N = ${r.n}`).join(' | ')} |`;
  const rule = `|---|${results.map(() => '---').join('|')}|`;
  return [header, rule, ...rows.map(([name, cell]) => `| ${name} | ${results.map(cell).join(' | ')} |`)].join('\n');
}

function writeResults(results: SizeResult[]): string {
  const text = table(results);
  const note =
    `Measured ${new Date().toISOString()} on ${process.platform}, ${cpus().length} cores; ` +
    `${existing ? `the existing Temporal at ${existing.address} (namespace ${existing.namespace}), ` : 'dev server, '}` +
    `emulator (operations ${values['operation-ms']} ms), worker and the naive loops share the machine. Steady interval ` +
    `${STEADY_INTERVAL_SECONDS} s, fast polling for ${fastForSeconds} s after each transition and one spreading interval, then a window of ${windowSeconds} s. ` +
    'Times and CPU depend on the machine; calls and events per migration-day do not. "missed": not seen before ' +
    'the window closed.';
  writeFileSync(values.out, `# npm run bench -- --sizes ${values.sizes}\n\n${note}\n\n${text}\n`);
  return text;
}

async function main(): Promise<void> {
  const results: SizeResult[] = [];
  // Written after every size: a long run that is stopped keeps what it measured.
  for (const n of sizes) {
    results.push(await runSize(n));
    writeResults(results);
  }
  console.log(writeResults(results));
  console.log(JSON.stringify({ sizes: results }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
