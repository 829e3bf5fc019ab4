// What one start costs, read from the workflow's own history on a real dev server with the emulator: how soon a
// short Google operation is seen done, and how many activities the prechecks take.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { Finding } from '../../src/migration/findings';
import type { planMigration } from '../../src/workflows';
import { admin } from '../helpers/emulator';
import { FAST_OPTIONS, migrationExecutionRequest, waitFor } from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let h: Harness;

before(async () => {
  // Every operation takes 300 ms, as in `npm run bench`.
  h = await createHarness({ operationDelayMs: 300 });
});
after(async () => {
  await h?.close();
});

const timeOf = (event: HistoryEvent) =>
  Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;

/** Each activity of `type` in the history: from scheduled to completed (server time), and its last attempt. */
function activitySpans(events: HistoryEvent[], type: string): { ms: number; attempt: number }[] {
  const byId = new Map(events.map((event) => [Number(event.eventId), event]));
  return events.flatMap((event) => {
    const completed = event.activityTaskCompletedEventAttributes;
    if (!completed) return [];
    const scheduled = byId.get(Number(completed.scheduledEventId));
    if (scheduled?.activityTaskScheduledEventAttributes?.activityType?.name !== type) return [];
    const started = byId.get(Number(completed.startedEventId));
    return [
      { ms: timeOf(event) - timeOf(scheduled), attempt: started?.activityTaskStartedEventAttributes?.attempt ?? 0 },
    ];
  });
}

/** How many activities of each type the history scheduled. */
function activityCounts(events: HistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) {
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/** A plan of `service` on `taskQueue`: its report and its history. */
async function plan(service: string, taskQueue: string): Promise<{ findings: Finding[]; events: HistoryEvent[] }> {
  const handle = await h.env.client.workflow.start<typeof planMigration>('planMigration', {
    taskQueue,
    workflowId: `plan/${service}/${randomUUID()}`,
    args: [{ request: { service, migrationExecution: migrationExecutionRequest(), options: FAST_OPTIONS } }],
  });
  const report = await handle.result();
  return { findings: report.findings, events: (await handle.fetchHistory()).events ?? [] };
}

const SINGLE_CHECKS = ['checkService', 'checkPermissions', 'checkSecrets', 'checkSource'];

/**
 * What an uncontended start writes up to REPLICATION (`npm run bench -- --start-only --per-project 1` counts the
 * same): 80 events before lean-start, 49 since (docs/fleet.md, "What one start costs"). Raise it only knowingly.
 */
const EVENTS_PER_START = 49;

/** The events up to the workflow task that scheduled the wait in REPLICATION (pollMigrationChange), inclusive. */
function startEvents(events: HistoryEvent[]): HistoryEvent[] {
  const waitAt = events.findIndex(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'pollMigrationChange',
  );
  const end = events.findIndex((event, i) => i > waitAt && !event.activityTaskScheduledEventAttributes);
  return waitAt < 0 ? [] : events.slice(0, end < 0 ? events.length : end);
}

describe('the cost of a start', () => {
  it('sees each 300 ms operation done well within the operation poll interval', async () => {
    const service = await h.seedService({ scheduledBackup: { enabled: true, cronSchedule: '0 3 * * *' } });
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue, { operationPollSeconds: 5 });
      try {
        await h.waitForStage(service, 'REPLICATION');
        const events = (await handle.fetchHistory()).events ?? [];
        const checks = activitySpans(events, 'checkOperation');
        // Disabling the scheduled backups, then the start: two operations of 300 ms each.
        assert.equal(checks.length, 2, `checkOperation ran ${checks.length} times`);
        for (const check of checks) {
          // A first check a whole interval later would take 5 s: a short first check sees it done within one
          // attempt (or two, if the server's clock and the worker's disagree), in about twice its length.
          assert.ok(check.ms < 2500, `an operation of 300 ms was seen done after ${check.ms} ms`);
          assert.ok(check.attempt <= 2, `seen done at attempt ${check.attempt}`);
        }
      } finally {
        await handle.terminate('test finished');
      }
    });
  });

  it(`writes at most ${EVENTS_PER_START} history events up to REPLICATION, with one patch marker`, async () => {
    const service = await h.seedService({ scheduledBackup: { enabled: true, cronSchedule: '0 3 * * *' } });
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      try {
        await h.waitForStage(service, 'REPLICATION');
        const events = await waitFor('the wait in REPLICATION scheduled', async () => {
          const start = startEvents((await handle.fetchHistory()).events ?? []);
          return start.length > 0 && start;
        });
        const markers = events.filter((event) => event.markerRecordedEventAttributes);
        const counts = activityCounts(events);
        const summary = JSON.stringify({ events: events.length, markers: markers.length, counts });
        assert.ok(events.length <= EVENTS_PER_START, summary);
        // lean-start stands for every patch before it; the request check ran the prechecks that read; the start
        // operation's last check read the migration.
        assert.equal(markers.length, 1, summary);
        assert.equal(counts.checkRequest, 1, summary);
        assert.equal(counts.checkBeforeStart, undefined, summary);
        assert.equal(counts.pollMigration, undefined, summary);
        assert.equal(counts.checkOperation, 2, summary);
      } finally {
        await handle.terminate('test finished');
      }
    });
  });

  it('runs the prechecks that read as one activity, with the findings the single checks gave', async () => {
    const service = await h.seedService();
    const { findings, events } = await h.withWorker((taskQueue) => plan(service, taskQueue));
    const counts = activityCounts(events);
    assert.equal(counts.checkBeforeStart, 1);
    for (const single of SINGLE_CHECKS) assert.equal(counts[single], undefined, `${single} ran alone`);
    const levels = Object.fromEntries(findings.map((f) => [f.check, f.level]));
    for (const check of ['service.state', 'service.migrationInFlight', 'permissions', 'secrets']) {
      assert.equal(levels[check], 'ok', `${check}: ${JSON.stringify(findings)}`);
    }
    // The bench's sources are unreachable: the source check ran (in the batch) and says it could not connect.
    assert.ok(
      findings.some((f) => f.check.startsWith('hive.') || f.check === 'source'),
      JSON.stringify(findings),
    );
  });

  it('runs a check the batch could not settle (a 503) alone, as before', async () => {
    const service = await h.seedService();
    await admin(h.emulator, 'faults', {
      method: 'services.testIamPermissions',
      error: { status: 'UNAVAILABLE' },
      count: 1,
    });
    try {
      const { findings, events } = await h.withWorker((taskQueue) => plan(service, taskQueue));
      const counts = activityCounts(events);
      assert.equal(counts.checkBeforeStart, 1);
      assert.equal(counts.checkPermissions, 1, 'the permissions check ran again alone');
      assert.equal(counts.checkService, undefined, 'the settled checks did not');
      assert.equal(findings.find((f) => f.check === 'permissions')?.level, 'ok', JSON.stringify(findings));
    } finally {
      await admin(h.emulator, 'faults', undefined, 'DELETE');
    }
  });

  it("turns a check's failure for good into its error finding with the API's status, not running it again", async () => {
    const service = await h.seedService();
    await admin(h.emulator, 'faults', {
      method: 'services.testIamPermissions',
      error: { status: 'PERMISSION_DENIED' },
      count: 1,
    });
    try {
      const { findings, events } = await h.withWorker((taskQueue) => plan(service, taskQueue));
      assert.equal(activityCounts(events).checkPermissions, undefined);
      const permissions = findings.find((f) => f.check === 'permissions');
      assert.equal(permissions?.level, 'error');
      assert.match(permissions?.message ?? '', /^PERMISSION_DENIED: /);
    } finally {
      await admin(h.emulator, 'faults', undefined, 'DELETE');
    }
  });
});
