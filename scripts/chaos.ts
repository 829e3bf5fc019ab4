// `npm run chaos`: many migrations under everything at once. The worker is SIGKILLed and restarted every
// 10-30 s (sometimes leaving no worker for a few seconds), the Temporal dev server stops and starts once on its
// SQLite file, every API method answers 20 % of requests 429 or 503 and lets 5 % hang until the client gives up,
// some executions fail or are cancelled from outside, and engineers' completes and cancels arrive at random
// times through the CLI. At the end every migration is checked against the emulator's own state.
//
//   npm run chaos -- [--migrations 100] [--seed N] [--decision-window 60] [--json-only]
//
// Prints a table and, last, one JSON line; exits 1 on any loss (a migration not at its expected end, a
// duplicate execution, backups not restored, an accepted decision lost) or if the run does not settle in time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TASK_QUEUE } from '../src/config';
import { randomSeed } from '../src/emulator/rng';
import { WORKFLOW_TYPE, workflowIdFor } from '../src/migration/names';
import { statusQuery } from '../src/workflows/messages';
import type { MigrationResult } from '../src/migration/state';
import { admin } from '../test/helpers/emulator';
import {
  ORIGINAL_BACKUP,
  migrationExecutionRequest,
  serviceSeed,
  SOURCE_NOT_REACHED_FLAGS,
} from '../test/helpers/migration';
import { startStack } from '../test/helpers/stack';
import type { Stack } from '../test/helpers/stack';
import { startDevServer } from '../test/helpers/temporal';
import type { DevServer } from '../test/helpers/temporal';
import { drawPlan } from './chaos/plan';
import type { ChaosPlan, MigrationPlan } from './chaos/plan';
import { judge, pollingAgainSeconds } from './chaos/verdict';
import type { MigrationFacts } from './chaos/verdict';
import { pool } from './lib/pool';
import { freePort } from './lib/ports';
import type { ServiceProcess } from './lib/services';

const { values } = parseArgs({
  options: {
    migrations: { type: 'string', default: '100' },
    seed: { type: 'string' },
    'decision-from': { type: 'string', default: '40' },
    'decision-window': { type: 'string', default: '90' },
    'kill-every': { type: 'string', default: '10-30' },
    /** How long the fleet may take to settle once chaos ends. */
    'settle-minutes': { type: 'string', default: '15' },
    'json-only': { type: 'boolean', default: false },
  },
});
const seed = values.seed === undefined ? randomSeed() : Number(values.seed);
const [killLow, killHigh] = values['kill-every'].split('-').map(Number) as [number, number];
const plan = drawPlan({
  seed,
  migrations: Number(values.migrations),
  decisionFromSeconds: Number(values['decision-from']),
  decisionWindowSeconds: Number(values['decision-window']),
  killEverySeconds: [killLow, killHigh],
  // The API budget is per project: 5 services share one, as they would in a real fleet spread over projects.
  servicesPerProject: 5,
});
const t0 = Date.now();
const say = (line: string) => {
  if (!values['json-only']) console.log(`[chaos +${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}`);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every request sees: 10 % 429 (Retry-After 1 s), 10 % 503, 5 % no answer until the client's timeout. */
const FAULTS = [
  { method: '*', rate: 0.1, error: { status: 'RESOURCE_EXHAUSTED', retryAfterSeconds: 1 } },
  { method: '*', rate: 0.1 / 0.9, error: { status: 'UNAVAILABLE' } },
  { method: '*', rate: 0.05, hang: true },
];
/** Short polls and timeouts, so a run of minutes shows what a year would. */
const OPTIONS = {
  pollIntervalSeconds: 10,
  fastPollSeconds: 2,
  fastPollForSeconds: 10,
  operationPollSeconds: 1,
  apiTimeoutSeconds: 6,
};
const WORKER_ENV = { METASTORE_REQUEST_TIMEOUT_MS: '4000' };
const CLI_LANES = 3;
const verbose = process.env.CHAOS_VERBOSE === '1';
/** The run's emulator, for the admin API and reads through the faulty API; set once it is up. */
const fleetEmulator = { url: '' };

interface Fleet {
  plan: ChaosPlan;
  stack: Stack;
  workDir: string;
  temporal: DevServer;
  dbFilename: string;
  client: Client;
  worker?: ServiceProcess;
  /** Epoch ms at which each worker after the first was up (printed "worker polling"). */
  restarts: number[];
  kills: number;
  serverRestarts: number;
  /** Set while no worker process is alive. */
  noWorker: boolean;
  chaosOver: boolean;
  decisions: Map<string, { accepted: boolean; attempts: number; sentWhileNoWorker: boolean }>;
  outsideActions: Map<string, boolean>;
}

/** The emulator must outlive the run: if it exits first, say how (two runs saw it gone when the report began). */
function watchEmulator(fleet: Fleet, run: { over: boolean }): void {
  void fleet.stack.emulator.exited.then((code) => {
    if (!run.over)
      console.error(`emulator exited (${code}) during the run:\n${fleet.stack.emulator.output().slice(-3000)}`);
  });
}

async function main(): Promise<number> {
  say(
    `seed ${seed}: ${plan.migrations.length} migrations (${fatesSummary(plan)}), worker killed every ${killLow}-${killHigh} s`,
  );
  const fleet = await startFleet();
  const whole = { over: false };
  watchEmulator(fleet, whole);
  try {
    await startMigrations(fleet);
    const runOver = { over: false };
    const keeper = keepWorkerAlive(fleet, runOver);
    const chaos = Promise.all([killWorkers(fleet), restartServerOnce(fleet)]);
    await pool(plan.migrations, plan.migrations.length, (migration) => act(fleet, migration));
    fleet.chaosOver = true;
    await chaos;
    say(`every decision and outside action is in; waiting for the fleet to settle (faults stay on)`);
    const settled = await settle(fleet, Number(values['settle-minutes']) * 60_000);
    runOver.over = true;
    await keeper;
    await adminCall('faults', undefined, 'DELETE');
    const facts = await gatherFacts(fleet);
    // Awaited: a bare `return` would run the finally (which stops the emulator) while the report still reads it.
    return await report(fleet, facts, settled);
  } finally {
    whole.over = true;
    await fleet.stack.close();
    await fleet.temporal.close();
    await rm(fleet.workDir, { recursive: true, force: true });
  }
}

async function startFleet(): Promise<Fleet> {
  const workDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-chaos-'));
  const dbFilename = join(workDir, 'temporal.sqlite');
  const port = await freePort();
  const temporal = await startDevServer({ port, dbFilename });
  const stack = await startStack(temporal, ['--seed', String(seed), '--operation-delay-ms', '300']);
  fleetEmulator.url = stack.emulatorUrl;
  const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  const fleet: Fleet = {
    plan,
    stack,
    workDir,
    temporal,
    dbFilename,
    client,
    restarts: [],
    kills: 0,
    serverRestarts: 0,
    noWorker: false,
    chaosOver: false,
    decisions: new Map(),
    outsideActions: new Map(),
  };
  await startWorker(fleet);
  await pool(plan.migrations, 20, ({ service }) => admin({ url: stack.emulatorUrl }, 'services', serviceSeed(service)));
  for (const fault of FAULTS) await admin({ url: stack.emulatorUrl }, 'faults', fault);
  return fleet;
}

async function startMigrations(fleet: Fleet): Promise<void> {
  say(`starting ${fleet.plan.migrations.length} migrations together; faults on`);
  await pool(fleet.plan.migrations, 20, ({ service }) =>
    fleet.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUE,
      workflowId: workflowIdFor(service),
      args: [{ request: { service, migrationExecution: migrationExecutionRequest(), options: OPTIONS } }],
    }),
  );
}

/** SIGKILL, sometimes a few seconds without any worker, a new worker; until every decision is in. */
async function killWorkers(fleet: Fleet): Promise<void> {
  for (const death of fleet.plan.deaths) {
    await sleepUnlessOver(fleet, death.afterSeconds * 1000);
    if (fleet.chaosOver) return;
    fleet.noWorker = true;
    await fleet.worker?.kill('SIGKILL');
    fleet.kills++;
    if (death.downSeconds > 0) await sleep(death.downSeconds * 1000);
    await startWorker(fleet);
    fleet.restarts.push(Date.now());
    say(
      `worker killed (${fleet.kills}), ${death.downSeconds > 0 ? `${death.downSeconds} s without one, ` : ''}new one up`,
    );
  }
}

/** A new worker, again until one comes up (it cannot while the dev server is down). */
async function startWorker(fleet: Fleet): Promise<void> {
  for (;;) {
    try {
      fleet.worker = await fleet.stack.startWorker(WORKER_ENV);
      fleet.noWorker = false;
      return;
    } catch {
      await sleep(1000);
    }
  }
}

/** A worker that exits on its own (not killed by the run) is replaced: the run must not stall on it. */
async function keepWorkerAlive(fleet: Fleet, until: { over: boolean }): Promise<void> {
  while (!until.over) {
    const worker = fleet.worker;
    const exited = await Promise.race([worker?.exited.then(() => true) ?? false, sleep(1000).then(() => false)]);
    if (!exited) continue;
    if (!fleet.noWorker && fleet.worker === worker && !until.over) {
      say('the worker exited on its own; starting another');
      fleet.noWorker = true;
      await startWorker(fleet);
    } else await sleep(1000); // killed by the run, which starts the next one
  }
}

async function restartServerOnce(fleet: Fleet): Promise<void> {
  await sleepUnlessOver(fleet, fleet.plan.serverRestartAtSeconds * 1000 - (Date.now() - t0));
  say('stopping the Temporal dev server');
  await fleet.temporal.close();
  await sleep(3000);
  fleet.temporal = await startDevServer({ port: fleet.temporal.port, dbFilename: fleet.dbFilename });
  fleet.serverRestarts++;
  const old = fleet.client.connection;
  fleet.client = new Client({ connection: await Connection.connect({ address: fleet.temporal.address }) });
  await old.close().catch(() => undefined);
  say('Temporal dev server started again on the same SQLite file');
}

async function sleepUnlessOver(fleet: Fleet, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!fleet.chaosOver && Date.now() < until) await sleep(Math.min(500, until - Date.now()));
}

/** At the planned time: the engineer's decision through the CLI, or the outside failure or cancel. */
async function act(fleet: Fleet, migration: MigrationPlan): Promise<void> {
  await sleep(Math.max(0, t0 + migration.actAtSeconds * 1000 - Date.now()));
  if (migration.fate === 'complete' || migration.fate === 'cancel') await decide(fleet, migration);
  else await actFromOutside(fleet, migration);
}

const cliLanes = { free: CLI_LANES, waiting: [] as (() => void)[] };
async function withCliLane<T>(run: () => Promise<T>): Promise<T> {
  if (cliLanes.free === 0) await new Promise<void>((resolve) => cliLanes.waiting.push(resolve));
  else cliLanes.free--;
  try {
    return await run();
  } finally {
    const next = cliLanes.waiting.shift();
    if (next) next();
    else cliLanes.free++;
  }
}

/** `metastore-migrator complete|cancel`, again every few seconds until accepted (refused before REPLICATION). */
async function decide(fleet: Fleet, migration: MigrationPlan): Promise<void> {
  const decision = { accepted: false, attempts: 0, sentWhileNoWorker: false };
  fleet.decisions.set(migration.service, decision);
  const deadline = Date.now() + 10 * 60_000;
  while (!decision.accepted && Date.now() < deadline) {
    decision.attempts++;
    const run = await withCliLane(() => {
      decision.sentWhileNoWorker ||= fleet.noWorker;
      return fleet.stack.cli(
        migration.fate,
        '--service',
        migration.service,
        '--by',
        'chaos',
        '--json',
        ...(migration.fate === 'complete' ? SOURCE_NOT_REACHED_FLAGS : []),
      );
    });
    decision.accepted = run.code === 0 && acceptedIn(run.stdout);
    if (!decision.accepted) {
      if (verbose) say(`${migration.fate} ${shortName(migration.service)} not accepted: ${firstLine(run.stderr)}`);
      await sleep(3000);
    }
  }
  say(
    `${migration.fate} ${shortName(migration.service)}: ` +
      (decision.accepted ? `accepted after ${decision.attempts} CLI run(s)` : 'never accepted'),
  );
}

const shortName = (service: string) => service.split('/').at(-1) ?? service;
const firstLine = (text: string) => text.trim().split('\n')[0]?.slice(0, 160) ?? '';

/** The emulator's admin API, again on a dropped keep-alive connection (the run outlasts many of those). */
async function adminCall<T>(path: string, body?: unknown, method?: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin<T>(fleetEmulator, path, body, method);
    } catch (err) {
      if (attempt >= 5 || !(err instanceof TypeError)) throw err;
      await sleep(200);
    }
  }
}

function acceptedIn(stdout: string): boolean {
  try {
    return (JSON.parse(stdout) as { accepted?: boolean }).accepted === true;
  } catch {
    return false;
  }
}

/** As in the console: fail the execution, or press Cancel; once it is RUNNING. */
async function actFromOutside(fleet: Fleet, migration: MigrationPlan): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    const running = (await executionsOf(migration.service)).find((e) => e.state === 'RUNNING');
    if (running) {
      const action = migration.fate === 'external-fail' ? 'executions:fail' : 'executions:cancel';
      const body =
        migration.fate === 'external-fail' ? { name: running.name, stateMessage: 'chaos' } : { name: running.name };
      await adminCall(action, body);
      fleet.outsideActions.set(migration.service, true);
      return;
    }
    await sleep(2000);
  }
  fleet.outsideActions.set(migration.service, false);
}

/** A resource read through the faulty API as anyone would: again until it answers (a hung read gives up at 5 s). */
async function readApi<T>(path: string): Promise<T> {
  for (;;) {
    const response = await fetch(`${fleetEmulator.url}${path}`, { signal: AbortSignal.timeout(5000) }).catch(
      () => undefined,
    );
    if (response?.status === 200) return (await response.json()) as T;
    await sleep(500);
  }
}

async function executionsOf(service: string): Promise<{ name: string; state: string }[]> {
  const page = await readApi<{ migrationExecutions?: { name: string; state: string }[] }>(
    `/v1/${service}/migrationExecutions`,
  );
  return page.migrationExecutions ?? [];
}

/** Until no migration workflow is open, or the deadline; every 30 s, where the open ones are. */
async function settle(fleet: Fleet, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let nextReport = Date.now() + 30_000;
  for (;;) {
    const open = await fleet.client.workflow
      .count(`WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`)
      .then((answer) => answer.count)
      .catch(() => Number.NaN);
    if (open === 0) return true;
    if (Date.now() > deadline) {
      say(`${open} migrations still open after ${timeoutMs / 60_000} min`);
      await describeOpen(fleet);
      return false;
    }
    if (Date.now() > nextReport) {
      nextReport = Date.now() + 30_000;
      say(`${open} migrations still open`);
      await describeOpen(fleet);
    }
    await sleep(2000);
  }
}

/** Stage and last error of a few open migrations, from their status query. */
async function describeOpen(fleet: Fleet): Promise<void> {
  try {
    const query = `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
    let shown = 0;
    for await (const execution of fleet.client.workflow.list({ query })) {
      if (shown++ >= 5) break;
      const status = await fleet.client.workflow.getHandle(execution.workflowId).query(statusQuery);
      const error = status.lastError && !status.lastError.resolvedAt ? `; last error ${status.lastError.type}` : '';
      say(`  ${shortName(status.service)}: ${status.stage}${error}`);
    }
  } catch (err) {
    say(`  (could not describe the open migrations: ${err instanceof Error ? err.message : String(err)})`);
  }
}

async function gatherFacts(fleet: Fleet): Promise<MigrationFacts[]> {
  // A client on the restarted server (the first one's connection may still point at the old process).
  const client = new Client({ connection: await Connection.connect({ address: fleet.temporal.address }) });
  try {
    return await pool(fleet.plan.migrations, 10, async (migration) => {
      const handle = client.workflow.getHandle<() => Promise<MigrationResult>>(workflowIdFor(migration.service));
      const status = (await handle.describe()).status.name;
      const workflow: MigrationFacts['workflow'] = { status };
      if (status === 'COMPLETED') workflow.outcome = (await handle.result()).outcome;
      if (status === 'FAILED') {
        const failure = await handle.result().then(
          () => undefined,
          (err: unknown) => (err instanceof WorkflowFailedError ? err.cause : undefined),
        );
        workflow.failureType = failure instanceof ApplicationFailure ? (failure.type ?? undefined) : undefined;
        workflow.failureMessage = failure?.message.slice(0, 300);
      }
      const service = await readApi<{ state?: string; scheduledBackup?: Record<string, unknown> }>(
        `/v1/${migration.service}`,
      );
      return {
        service: migration.service,
        fate: migration.fate,
        decision: fleet.decisions.get(migration.service),
        outsideActionTaken: fleet.outsideActions.get(migration.service),
        workflow,
        executions: await executionsOf(migration.service),
        serviceState: service.state,
        scheduledBackup: service.scheduledBackup,
      };
    });
  } finally {
    await client.connection.close();
  }
}

async function report(fleet: Fleet, facts: MigrationFacts[], settled: boolean): Promise<number> {
  const verdict = judge(facts, ORIGINAL_BACKUP);
  const stats = await adminCall<{ faultsByKind: Record<string, number> }>('stats');
  const { requests } = await adminCall<{ requests: { at: number; resource: string }[] }>(
    `requests?since=${t0}&method=services.migrationExecutions.get`,
  );
  const polls = requests.map(({ at, resource }) => ({ at, service: resource.split('/migrationExecutions/')[0]! }));
  const pollingAgain = pollingAgainSeconds(fleet.restarts, polls);
  const absorbed = {
    tooManyRequests: stats.faultsByKind.RESOURCE_EXHAUSTED ?? 0,
    unavailable: stats.faultsByKind.UNAVAILABLE ?? 0,
    hangs: stats.faultsByKind.hang ?? 0,
  };
  const percent = (count: number) => Math.round((1000 * count) / Math.max(1, verdict.migrations)) / 10;
  const figures = {
    seed,
    migrations: verdict.migrations,
    expectedEndPercent: percent(verdict.reachedExpectedEnd),
    duplicateExecutions: verdict.duplicateExecutions,
    backupsRestoredPercent: percent(verdict.backupsRestored),
    decisionsAccepted: verdict.decisionsAccepted,
    decisionsAcceptedWhileNoWorker: verdict.decisionsAcceptedWhileNoWorker,
    acceptedDecisionsLost: verdict.acceptedDecisionsLost,
    workerKills: fleet.kills,
    serverRestarts: fleet.serverRestarts,
    longestRestartToAllPollingSeconds: Math.max(0, ...pollingAgain),
    apiCallsAbsorbed: absorbed.tooManyRequests + absorbed.unavailable + absorbed.hangs,
    absorbed,
    settled,
    durationSeconds: Math.round((Date.now() - t0) / 1000),
  };
  const loss =
    !settled ||
    verdict.reachedExpectedEnd < verdict.migrations ||
    verdict.duplicateExecutions > 0 ||
    verdict.backupsRestored < verdict.migrations ||
    verdict.acceptedDecisionsLost > 0;
  if (!values['json-only']) {
    for (const problem of verdict.problems) console.log(`  ✗ ${problem}`);
    const rows: [string, string][] = [
      ['seed', String(seed)],
      ['migrations', String(figures.migrations)],
      ['reached the expected end state', `${verdict.reachedExpectedEnd} (${figures.expectedEndPercent} %)`],
      ['duplicate migration executions', String(figures.duplicateExecutions)],
      [
        'scheduled backups restored to their saved setting',
        `${verdict.backupsRestored} (${figures.backupsRestoredPercent} %)`,
      ],
      [
        'decisions accepted (while no worker was alive)',
        `${figures.decisionsAccepted} (${figures.decisionsAcceptedWhileNoWorker})`,
      ],
      ['accepted decisions lost', String(figures.acceptedDecisionsLost)],
      ['worker SIGKILLs · dev server restarts', `${figures.workerKills} · ${figures.serverRestarts}`],
      [
        'longest worker restart → all migrations polling again',
        `${figures.longestRestartToAllPollingSeconds.toFixed(1)} s`,
      ],
      [
        'API calls absorbed as retries (429 · 503 · hang)',
        `${figures.apiCallsAbsorbed} (${absorbed.tooManyRequests} · ${absorbed.unavailable} · ${absorbed.hangs})`,
      ],
      ['duration', `${figures.durationSeconds} s`],
    ];
    console.log('');
    console.log('| chaos run | |\n|---|---|');
    for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
    console.log(loss ? '\nLOSS: see the lines marked ✗ above' : '\nno loss');
  }
  console.log(JSON.stringify({ chaos: figures }));
  return loss ? 1 : 0;
}

function fatesSummary(chaosPlan: ChaosPlan): string {
  const counts = new Map<string, number>();
  for (const { fate } of chaosPlan.migrations) counts.set(fate, (counts.get(fate) ?? 0) + 1);
  return [...counts].map(([fate, count]) => `${count} ${fate}`).join(', ');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
