// `npm run bench:history [-- --days 200 --poll-interval 60]`: what a waiting migration costs, measured on a
// real dev server against the emulator. Prints a line per phase and, last, one JSON object.
//   eventsPerMigrationDay  history events per quiet day. A day is compressed to one watcher quiet period
//                          (maxQuietSeconds, a day in production), so the figure counts what a day costs.
//   maxEventsPerRun        the longest run seen while continue-as-new keeps runs under the bench's cap
//   apiCallsPerMigrationDay  Metastore API calls per day at the steady poll interval, from the calls
//                          per poll measured against the emulator
//   detectionSeconds       time from an external FAILED to the workflow's outcome at the steady interval
import { parseArgs } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import { admin } from '../test/helpers/emulator';
import { waitFor } from '../test/helpers/migration';
import { createHarness } from '../test/helpers/workflow-harness';
import type { Harness } from '../test/helpers/workflow-harness';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '200' },
    'poll-interval': { type: 'string', default: '60' },
    'history-cap': { type: 'string', default: '500' },
  },
});
const days = Number(values.days);
const pollIntervalSeconds = Number(values['poll-interval']);
const historyCap = Number(values['history-cap']);

async function requests(h: Harness): Promise<number> {
  const stats = await admin<{ requests: Record<string, number> }>(h.emulator, 'stats');
  return Object.values(stats.requests).reduce((sum, n) => sum + n, 0);
}

/** Compressed days: each quiet watcher return stands for one production day. */
async function steadyState(h: Harness, taskQueue: string) {
  const service = await h.seedService();
  const handle = await h.start(service, taskQueue, {
    maxQuietSeconds: 0.05,
    pollIntervalSeconds: 0.1,
    fastPollForSeconds: 0,
    maxHistoryEvents: historyCap,
  });
  const start = await h.waitForStage(service, 'REPLICATION');
  let maxEventsPerRun = start.historyLength;
  const end = await waitFor(
    `${days} simulated days`,
    async () => {
      const status = await h.status(service);
      maxEventsPerRun = Math.max(maxEventsPerRun, status.historyLength);
      return status.watcherReturns.quiet - start.watcherReturns.quiet >= days ? status : undefined;
    },
    { timeoutMs: days * 2000, intervalMs: 20 },
  );
  const events = end.eventsInEarlierRuns + end.historyLength - (start.eventsInEarlierRuns + start.historyLength);
  const simulated = end.watcherReturns.quiet - start.watcherReturns.quiet;
  await handle.signal('cancel');
  await handle.result();
  return {
    eventsPerMigrationDay: events / simulated,
    maxEventsPerRun,
    simulatedDays: simulated,
    runs: end.continuedAsNew + 1,
  };
}

/** Real time at a 1 s interval: API calls per poll, scaled to a day at the steady interval. */
async function apiCalls(h: Harness, taskQueue: string) {
  const service = await h.seedService();
  const handle = await h.start(service, taskQueue, { pollIntervalSeconds: 1, fastPollForSeconds: 0 });
  await h.waitForStage(service, 'REPLICATION');
  const before = await requests(h);
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 10_000)); // the measurement window itself
  const calls = (await requests(h)) - before;
  const polls = (Date.now() - startedAt) / 1000;
  await handle.signal('cancel');
  await handle.result();
  const callsPerPoll = calls / polls;
  return { callsPerPoll, apiCallsPerMigrationDay: callsPerPoll * (86_400 / pollIntervalSeconds) };
}

/** An external FAILED at the steady interval: how long until the workflow has reacted. */
async function detection(h: Harness, taskQueue: string) {
  const service = await h.seedService();
  const handle = await h.start(service, taskQueue, { pollIntervalSeconds, fastPollForSeconds: 0 });
  const status = await h.waitForStage(service, 'REPLICATION');
  // Fail at an arbitrary point of the poll cycle, not right after a poll.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * pollIntervalSeconds * 1000));
  const failedAt = Date.now();
  await admin(h.emulator, 'executions:fail', { name: status.execution!.name, stateMessage: 'bench' });
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WorkflowFailedError)) throw new Error('the workflow did not fail on an external FAILED');
  const outcome = await h.status(service);
  const reactedAt = Date.parse(outcome.stageHistory.find((s) => s.stage === 'RESTORING_BACKUPS')?.at ?? '');
  return { detectionSeconds: (reactedAt - failedAt) / 1000 };
}

async function main(): Promise<void> {
  const h = await createHarness();
  try {
    const steady = await h.withWorker((q) => steadyState(h, q));
    console.log(
      `steady state: ${steady.eventsPerMigrationDay.toFixed(2)} events/day over ${steady.simulatedDays} days, ${steady.runs} runs`,
    );
    const calls = await h.withWorker((q) => apiCalls(h, q));
    console.log(`api calls: ${calls.callsPerPoll.toFixed(2)} per poll`);
    console.log(`detection: waiting for an external FAILED at a ${pollIntervalSeconds} s poll interval…`);
    const detected = await h.withWorker((q) => detection(h, q));
    console.log(
      JSON.stringify({
        eventsPerMigrationDay: Number(steady.eventsPerMigrationDay.toFixed(2)),
        maxEventsPerRun: steady.maxEventsPerRun,
        historyCap,
        apiCallsPerMigrationDay: Math.round(calls.apiCallsPerMigrationDay),
        pollIntervalSeconds,
        detectionSeconds: Number(detected.detectionSeconds.toFixed(1)),
        simulatedDays: steady.simulatedDays,
      }),
    );
  } finally {
    await h.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
