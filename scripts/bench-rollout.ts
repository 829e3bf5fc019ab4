// `npm run bench:rollout [-- --size 2000 --baseline 200 --bulk]`: a fleet rollout of N services in four waves (a
// canary of 5, then ~25 %, 25 % and 50 %, each advancing by itself) on one worker, the emulator and a dev server,
// all as processes, started by the real CLI (`rollout start --manifest`). Measures: each wave's time until all its
// members wait in REPLICATION; history events per member start (sampled); the rollout's history (every run, so
// across continue-as-new); Metastore API requests per second per project against the worker's budget (the
// emulator's request log); the worker's peak RSS. With --bulk, `rollout complete --wave middle` (the third wave):
// its time, per member the time from the decision sent to its migration ended SUCCEEDED (p50/p95), and refusals.
// Beside it, the baseline a user has today: `metastore-migrator start` per service in a shell loop (--baseline B
// calls; with B < N the per-call time is measured at B and N calls are extrapolated, said so in the table).
// Prints a markdown table, appends it to bench/results.md and ends with one JSON line (the reduced CI run reads it).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { stringify } from 'yaml';
import type { RequestLogEntry } from '../src/emulator/stats';
import { workflowIdFor } from '../src/migration/names';
import type { RolloutStatus } from '../src/workflows/rollout/messages';
import { rolloutWorkflowId, statusQuery } from '../src/workflows/rollout/messages';
import { admin } from '../test/helpers/emulator';
import {
  SOURCE_NOT_REACHED_FLAGS,
  migrationExecutionRequest,
  serviceSeed,
  snakeCaseConfigYaml,
  waitFor,
} from '../test/helpers/migration';
import { startStack } from '../test/helpers/stack';
import { startDevServer } from '../test/helpers/temporal';
import { pool } from './lib/pool';
import { sampleProcess } from './lib/proc-stats';
import { removeOnExit } from './lib/reaper';
import { type ProjectRates, projectRates } from './lib/request-rates';
import { benchFleet, benchManifest, fleetServices } from './lib/rollout-manifest';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '2000' },
    /** CLI starts in the shell-loop baseline (default: --size); 0 skips it. */
    baseline: { type: 'string' },
    /** Bulk `rollout complete` of the third wave after the start. */
    bulk: { type: 'boolean', default: false },
    /** Services per project (Google allows 20 per region per project). */
    'per-project': { type: 'string', default: '20' },
    /** Members of one project in progress at once (policies.perProject.maxParallel). */
    'per-project-parallel': { type: 'string', default: '4' },
    reconcile: { type: 'string', default: '5s' },
    'operation-ms': { type: 'string', default: '300' },
    'timeout-minutes': { type: 'string', default: '90' },
    out: { type: 'string', default: join(__dirname, '..', 'bench', 'results.md') },
  },
});
const n = Number(values.size);
const baselineCalls = values.baseline === undefined ? n : Number(values.baseline);
const perProject = Number(values['per-project']);
const timeoutMs = Number(values['timeout-minutes']) * 60_000;
/** The worker's default per-project API budget (METASTORE_MIGRATOR_API_BUDGET), which the bench leaves as it is. */
const API_BUDGET = 3;
/**
 * The worker's bucket holds 3 tokens (budget.ts: a poll's two reads and one for control calls, or the rate if
 * larger): over w seconds a project may see 3 + 3·w requests, i.e. the budget plus 3/w per second.
 */
const BUCKET_BURST = 3;
/** Poll options of every member, the rollout's and the baseline's: a 5-minute steady poll, as examples/ suggest. */
const POLL_INTERVAL_SECONDS = 300;
const root = join(__dirname, '..');
const node = process.execPath;
const say = (line: string) => console.log(`[bench:rollout ${new Date().toISOString().slice(11, 19)}] ${line}`);
const seconds = (ms: number) => ms / 1000;

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
};

interface WaveTiming {
  name: string;
  size: number;
  reached: number;
  failed: number;
  /** Seconds from the rollout's start until the wave was seen running, and until all its members had settled. */
  beganAt: number;
  settledAt: number;
}

interface BulkFigures {
  wave: string;
  members: number;
  seconds: number;
  counts: Record<string, number>;
  refusals: number;
  /** Decision sent → the member's migration closed (cut over), seconds. */
  memberP50: number;
  memberP95: number;
  /** Decision sent → completeMigration received by the API, ms. */
  reactionP95Ms: number;
  /** Members whose migration had not closed when the bench stopped waiting. */
  notClosed: number;
  rates: ProjectRates;
}

interface BaselineFigures {
  calls: number;
  loopSeconds: number;
  perCallSeconds: number;
  failedCalls: number;
  allReplicationSeconds: number;
}

interface Figures {
  n: number;
  projects: number;
  commit: string;
  startCliSeconds: number;
  waves: WaveTiming[];
  allReplicationSeconds: number;
  eventsPerStart: { mean: number; max: number; sampled: number };
  rolloutHistory: { runs: number; events: number; bytes: number; maxRunEvents: number };
  apiRequestsPerStart: number;
  rates: ProjectRates;
  /** The peak over 60-s windows, where the bucket's burst weighs a twentieth of the rate. */
  peak60: number;
  workerRssMiB: number;
  workerPeakRssMiB: number;
  bulk?: BulkFigures;
  baseline?: BaselineFigures;
}

async function gitCommit(): Promise<string> {
  const child = spawn('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.once('close', resolve));
  return out.trim() || 'unknown';
}

async function main(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rollout-'));
  removeOnExit(dir);
  say(`N=${n}: starting dev server, emulator (operations ${values['operation-ms']} ms) and worker`);
  const devServer = await startDevServer();
  // Thousands of services: a Thrift listener each would measure nothing this bench is about.
  const stack = await startStack(devServer, ['--operation-delay-ms', values['operation-ms'], '--no-hive-thrift']);
  const connection = await Connection.connect({ address: devServer.address });
  try {
    const worker = await stack.startWorker();
    const client = new Client({ connection });
    const emulator = { url: stack.emulatorUrl };
    const requestLog = async (since: number) =>
      (await admin<{ requests: RequestLogEntry[] }>(emulator, `requests?since=${since}`)).requests;

    const fleet = benchFleet(n, perProject);
    const name = `bench-${n}-${process.pid}`;
    await pool(fleet.services, 20, (service) => admin(emulator, 'services', serviceSeed(service)));
    const manifestFile = join(dir, 'rollout.yaml');
    const manifest = benchManifest(fleet, {
      name,
      template: {
        kind: 'incoming',
        migrationExecution: migrationExecutionRequest(),
        // The fast polls after REPLICATION last a minute (default 10): a project's reached members would otherwise
        // spend its budget on reads while the next wave's starts wait for tokens.
        options: { pollIntervalSeconds: POLL_INTERVAL_SECONDS, fastPollForSeconds: 60 },
      },
      perProjectParallel: Number(values['per-project-parallel']),
      reconcileInterval: values.reconcile,
    });
    writeFileSync(manifestFile, stringify(manifest));
    say(`${n} services in ${fleet.projects} projects; waves ${fleet.waves.map((w) => w.services.length).join(' / ')}`);

    // ---- the start: rollout start (a CLI process), then the rollout followed through its status query ----------
    const t0 = Date.now();
    const started = await stack.cli('rollout', 'start', '--manifest', manifestFile, '--yes', '--json');
    if (started.code !== 0)
      throw new Error(`rollout start: exit ${started.code}\n${started.stdout}\n${started.stderr}`);
    const startCliSeconds = seconds(Date.now() - t0);
    const handle = client.workflow.getHandle(rolloutWorkflowId(name));
    const began = new Map<number, number>();
    const settled = new Map<number, number>();
    let status: RolloutStatus | undefined;
    let lastLine = '';
    await waitFor(
      'the rollout to finish its waves',
      async () => {
        status = await handle.query(statusQuery);
        const now = Date.now();
        for (const wave of status.waves) {
          if (wave.state !== 'waiting' && !began.has(wave.wave)) began.set(wave.wave, now);
          const done = wave.counts.reached + wave.counts.failed + wave.counts.skipped;
          if (done === wave.size && !settled.has(wave.wave)) settled.set(wave.wave, now);
        }
        const current = status.waves[status.currentWave - 1];
        const line = current
          ? `wave ${current.wave} ${current.name}: ${current.counts.reached}/${current.size} reached, ${current.counts.inProgress} in progress`
          : status.gate;
        if (line !== lastLine) say(line);
        lastLine = line;
        // A pause (the failure budget) ends the bench too: nothing would advance without an engineer.
        return (status.gate === 'finished' || status.paused) && status;
      },
      { timeoutMs, intervalMs: 1000 },
    );
    if (status?.paused) throw new Error(`the rollout paused: ${status.paused.reason}\n${JSON.stringify(status.waves)}`);
    const allReplication = Date.now();
    // The CLI's own view of the finished rollout, as an engineer reads it.
    const cliStatus = await stack.cli('rollout', 'status', '--rollout', name, '--json');
    if (cliStatus.code !== 0) throw new Error(`rollout status: exit ${cliStatus.code}\n${cliStatus.stderr}`);
    const finished = JSON.parse(cliStatus.stdout) as RolloutStatus;
    const waves: WaveTiming[] = finished.waves.map((wave) => ({
      name: wave.name,
      size: wave.size,
      reached: wave.counts.reached,
      failed: wave.counts.failed,
      beganAt: seconds((began.get(wave.wave) ?? t0) - t0),
      settledAt: seconds((settled.get(wave.wave) ?? allReplication) - t0),
    }));
    const startLog = await requestLog(t0);
    const rates = projectRates(startLog, t0, allReplication);
    // A 60-s window says something only if the start lasted longer.
    const rates60 = allReplication - t0 >= 60_000 ? projectRates(startLog, t0, allReplication, 60).peak : NaN;
    const apiRequestsPerStart =
      startLog.filter((e) => e.at <= allReplication && e.resource.startsWith('projects/bench-rollout-')).length / n;

    // Each sampled member waits in REPLICATION: its history so far is what its start cost (the join included).
    const stride = Math.max(1, Math.floor(n / 20));
    const sample = fleet.services.filter((_, i) => i % stride === 0).slice(0, 20);
    const lengths = await pool(sample, 10, async (service) => {
      return (await client.workflow.getHandle(workflowIdFor(service)).describe()).historyLength;
    });
    const eventsPerStart = {
      mean: lengths.reduce((a, b) => a + b, 0) / lengths.length,
      max: Math.max(...lengths),
      sampled: lengths.length,
    };
    const rolloutHistory = await historySize(client, rolloutWorkflowId(name));
    const afterStart = sampleProcess(worker.pid);
    say(
      `all ${n} in REPLICATION after ${seconds(allReplication - t0).toFixed(1)} s; ${eventsPerStart.mean.toFixed(1)} events per start; ` +
        `rollout history ${rolloutHistory.events} events in ${rolloutHistory.runs} run(s); peak ${rates.peak.toFixed(2)} req/s per project`,
    );

    const figures: Figures = {
      n,
      projects: fleet.projects,
      commit: await gitCommit(),
      startCliSeconds,
      waves,
      allReplicationSeconds: seconds(allReplication - t0),
      eventsPerStart,
      rolloutHistory,
      apiRequestsPerStart,
      rates,
      peak60: rates60,
      workerRssMiB: afterStart.rssMiB,
      workerPeakRssMiB: afterStart.peakRssMiB,
    };

    if (values.bulk) figures.bulk = await bulkComplete(stack, client, name, manifestFile, fleet.waves[2]!, requestLog);
    if (baselineCalls > 0) figures.baseline = await baseline(stack, client, dir, emulator);
    figures.workerPeakRssMiB = sampleProcess(worker.pid).peakRssMiB;
    return figures;
  } finally {
    await connection.close();
    await Promise.allSettled([stack.close(), devServer.close()]);
  }
}

/** Every run of the workflow (continue-as-new makes several): events and encoded bytes of each history, summed. */
async function historySize(client: Client, workflowId: string) {
  let runs = 0;
  let events = 0;
  let bytes = 0;
  let maxRunEvents = 0;
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    runs += 1;
    const count = history.events?.length ?? 0;
    events += count;
    maxRunEvents = Math.max(maxRunEvents, count);
    bytes += temporal.api.history.v1.History.encode(history).finish().length;
  }
  return { runs, events, bytes, maxRunEvents };
}

interface BulkReportJson {
  counts: Record<string, number>;
  members: { service: string; result: string; at: string; reason?: string }[];
}

async function bulkComplete(
  stack: Awaited<ReturnType<typeof startStack>>,
  client: Client,
  name: string,
  manifestFile: string,
  wave: { name: string; services: string[] },
  requestLog: (since: number) => Promise<RequestLogEntry[]>,
): Promise<BulkFigures> {
  say(`bulk complete of wave ${wave.name} (${wave.services.length} members)`);
  const t0 = Date.now();
  // The bench's sources are unreachable addresses: the cutover checks that read them are accepted by name, as
  // an engineer would with `complete --override` in this lab.
  const run = await stack.cli(
    ...['rollout', 'complete', '--manifest', manifestFile, '--wave', wave.name, '--yes', '--json'],
    ...['--reason', 'bench: bulk cutover', '--by', 'bench', ...SOURCE_NOT_REACHED_FLAGS],
  );
  const bulkSeconds = seconds(Date.now() - t0);
  if (run.code === null || run.code > 1) throw new Error(`rollout complete: exit ${run.code}\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as BulkReportJson;
  const accepted = report.members.filter((m) => m.result === 'accepted');
  // Each accepted member cuts over on its own: wait (bounded) until its migration has closed.
  const query = `RolloutId = '${name}' AND RolloutWave = 3 AND ExecutionStatus = 'Completed'`;
  await waitFor(
    'the accepted members to cut over',
    async () => (await client.workflow.count(query)).count >= accepted.length,
    { timeoutMs: 15 * 60_000, intervalMs: 1000 },
  ).catch((err: unknown) => say(String(err)));
  const doneAt = Date.now();
  const closed = await pool(accepted, 10, async (member) => {
    const description = await client.workflow.getHandle(workflowIdFor(member.service)).describe();
    return description.closeTime ? description.closeTime.getTime() - Date.parse(member.at) : undefined;
  });
  const closedSeconds = closed.filter((ms): ms is number => ms !== undefined).map(seconds);
  const log = await requestLog(t0);
  const completes = new Map<string, number>();
  for (const entry of log)
    if (entry.method === 'services.completeMigration' && !completes.has(entry.resource))
      completes.set(entry.resource, entry.at);
  const reactions = accepted
    .map((m) => (completes.get(m.service) ?? NaN) - Date.parse(m.at))
    .filter((ms) => Number.isFinite(ms));
  const refusals = report.members.length - accepted.length - (report.counts.alreadyDone ?? 0);
  return {
    wave: wave.name,
    members: wave.services.length,
    seconds: bulkSeconds,
    counts: report.counts,
    refusals,
    memberP50: quantile(closedSeconds, 0.5),
    memberP95: quantile(closedSeconds, 0.95),
    reactionP95Ms: quantile(reactions, 0.95),
    notClosed: accepted.length - closedSeconds.length,
    rates: projectRates(log, t0, doneAt),
  };
}

/** `metastore-migrator start` once per service in a bash loop, as a user scripts it today; then until all replicate. */
async function baseline(
  stack: Awaited<ReturnType<typeof startStack>>,
  client: Client,
  dir: string,
  emulator: { url: string },
): Promise<BaselineFigures> {
  const services = fleetServices(baselineCalls, perProject, 'bench-baseline');
  await pool(services, 20, (service) => admin(emulator, 'services', serviceSeed(service)));
  const list = join(dir, 'services.txt');
  const config = join(dir, 'migration.yaml');
  const failed = join(dir, 'failed.txt');
  writeFileSync(list, services.join('\n') + '\n');
  writeFileSync(config, snakeCaseConfigYaml());
  writeFileSync(failed, '');
  const script = [
    'while read -r service; do',
    `  "${node}" --import tsx src/client.ts start --service "$service" --config "${config}" --poll-interval ${POLL_INTERVAL_SECONDS} >/dev/null 2>&1 || echo "$service" >> "${failed}"`,
    `done < "${list}"`,
  ].join('\n');
  say(`baseline: ${baselineCalls} CLI starts in a shell loop`);
  const t0 = Date.now();
  const child = spawn('bash', ['-c', script], { cwd: root, env: stack.env, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const loopMs = Date.now() - t0;
  if (code !== 0) throw new Error(`the baseline loop exited ${code}`);
  const failedCalls = readFileSync(failed, 'utf8').split('\n').filter(Boolean).length;
  // The baseline's migrations belong to no rollout: those waiting in REPLICATION are its own.
  const query = `MigrationStage = 'REPLICATION' AND ExecutionStatus = 'Running' AND RolloutId IS NULL`;
  const ready = await waitFor(
    'the baseline migrations in REPLICATION',
    async () => (await client.workflow.count(query)).count >= baselineCalls - failedCalls && Date.now(),
    { timeoutMs: 15 * 60_000, intervalMs: 1000 },
  );
  return {
    calls: baselineCalls,
    loopSeconds: seconds(loopMs),
    perCallSeconds: seconds(loopMs) / baselineCalls,
    failedCalls,
    allReplicationSeconds: seconds(ready - t0),
  };
}

function table(f: Figures): string {
  const x = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
  const rows: [string, string][] = [
    ['services / projects', `${f.n} / ${f.projects} (${perProject} per project, one region)`],
    ['`rollout start` (CLI process, s)', x(f.startCliSeconds)],
    ...f.waves.map((w, i): [string, string] => [
      `wave ${i + 1} ${w.name} (${w.size}): to REPLICATION (s)`,
      `${x(w.settledAt - w.beganAt)} (began at ${x(w.beganAt)}, done at ${x(w.settledAt)}; ${w.reached} reached, ${w.failed} failed)`,
    ]),
    ['all in REPLICATION (s)', x(f.allReplicationSeconds)],
    [
      'history events per member start (sampled)',
      `${x(f.eventsPerStart.mean)} mean, ${f.eventsPerStart.max} max of ${f.eventsPerStart.sampled}`,
    ],
    [
      'rollout history (all runs)',
      `${f.rolloutHistory.events} events, ${x(f.rolloutHistory.bytes / 1024, 0)} KiB in ${f.rolloutHistory.runs} run(s); longest run ${f.rolloutHistory.maxRunEvents} events`,
    ],
    ['API requests per member until all in REPLICATION (its start, then its polls)', x(f.apiRequestsPerStart)],
    [
      'API req/s per project (budget 3)',
      `peak ${x(f.rates.peak, 2)} over ${f.rates.windowSeconds} s (the bucket allows ${x(API_BUDGET + BUCKET_BURST / f.rates.windowSeconds, 2)}), ` +
        `${x(f.peak60, 2)} over 60 s; busiest project's mean ${x(f.rates.meanMax, 2)}, mean ${x(f.rates.meanAll, 2)} over ${f.rates.projects} projects`,
    ],
    ['worker RSS after the start / peak (MiB)', `${x(f.workerRssMiB, 0)} / ${x(f.workerPeakRssMiB, 0)}`],
  ];
  if (f.bulk) {
    const b = f.bulk;
    const counts = Object.entries(b.counts)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    rows.push(
      [
        `bulk complete of wave ${b.wave} (${b.members}): CLI (s)`,
        `${x(b.seconds)} — ${counts}; ${b.refusals} refusals`,
      ],
      [
        'per member: decision sent → cut over (s)',
        `p50 ${x(b.memberP50)}, p95 ${x(b.memberP95)}${b.notClosed ? `; ${b.notClosed} not closed when the bench stopped waiting` : ''}`,
      ],
      ['per member: decision sent → completeMigration p95 (ms)', x(b.reactionP95Ms, 0)],
      [
        'API req/s per project during the bulk',
        `peak ${x(b.rates.peak, 2)} over ${b.rates.windowSeconds} s, busiest mean ${x(b.rates.meanMax, 2)} (decisions may borrow: budget.ts)`,
      ],
    );
  }
  if (f.baseline) {
    const b = f.baseline;
    const measuredAt =
      b.calls === f.n ? '' : ` — measured at ${b.calls}; ${f.n} extrapolated: ${x(b.perCallSeconds * f.n, 0)} s`;
    rows.push(
      [
        `baseline: ${b.calls} \`start\` CLI calls in a shell loop (s)`,
        `${x(b.loopSeconds)} (${x(b.perCallSeconds, 2)} s per call)${measuredAt}`,
      ],
      [
        'baseline: all of them in REPLICATION (s)',
        `${x(b.allReplicationSeconds)}${b.failedCalls ? `; ${b.failedCalls} calls failed` : ''}`,
      ],
    );
  }
  return ['| rollout of N services | measured |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

main()
  .then((figures) => {
    const text = table(figures);
    const note =
      `Measured ${new Date().toISOString()} on ${figures.commit}, ${process.platform}, ${cpus().length} cores; dev server, ` +
      `emulator (operations ${values['operation-ms']} ms), one worker (API budget ${API_BUDGET} req/s per project) and ` +
      `the CLI share the machine. Waves auto-advance with no soak, reconcile every ${values.reconcile}, ` +
      `${values['per-project-parallel']} members per project in progress.`;
    appendFileSync(
      values.out,
      `\n# npm run bench:rollout -- ${process.argv.slice(2).join(' ')}\n\n${note}\n\n${text}\n`,
    );
    console.log(text);
    console.log(JSON.stringify(figures));
    process.exit(0);
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
