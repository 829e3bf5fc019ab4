// What one start costs, read from the workflow's own history on a real dev server with the emulator: how soon a
// short Google operation is seen done, and how many activities the prechecks take.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { temporal } from '@temporalio/proto';
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
});
