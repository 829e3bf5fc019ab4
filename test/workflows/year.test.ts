// A year of waiting, compressed: the watcher's quiet period (maxQuietSeconds, a day in production) is 50 ms
// here, so each quiet watcher return stands for one migration-day. Every 30 simulated days the execution
// flaps to AWAITING_USER_ACTION and back; history is capped low so the run continues as new several times;
// then the engineer completes. Reports events per run and per simulated day.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { requestCompleteUpdate } from '../../src/workflows/messages';
import { admin } from '../helpers/emulator';
import { waitFor, COMPLETE_UNREACHED } from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

const DAYS = 365;
const FLAP_EVERY_DAYS = 30;
/** The budget for steady-state waiting. */
const MAX_EVENTS_PER_DAY = 200;

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(async () => {
  await h?.close();
});

describe('a year of waiting', () => {
  it(
    `waits ${DAYS} simulated days with flapping state and continue-as-new, then completes`,
    { timeout: 240_000 },
    async () => {
      const service = await h.seedService();
      await h.withWorker(async (taskQueue) => {
        const handle = await h.start(service, taskQueue, {
          maxQuietSeconds: 0.05,
          pollIntervalSeconds: 0.1,
          fastPollForSeconds: 0,
          maxHistoryEvents: 1000,
        });
        const replicating = await h.waitForStage(service, 'REPLICATION');
        const execution = replicating.execution!.name;
        let nextFlap = FLAP_EVERY_DAYS;
        let awaiting = false;
        let flaps = 0;
        const maxRunLengths: number[] = [];
        for (;;) {
          const status = await h.status(service);
          maxRunLengths[status.continuedAsNew] = Math.max(
            maxRunLengths[status.continuedAsNew] ?? 0,
            status.historyLength,
          );
          const days = status.watcherReturns.quiet;
          if (days >= DAYS) break;
          if (days >= nextFlap) {
            // The state flips outside the workflow; the workflow must see it and keep waiting.
            if (awaiting) await admin(h.emulator, 'executions:resume', { name: execution });
            else
              await admin(h.emulator, 'executions:awaitUserAction', {
                name: execution,
                stateMessage: 'grant REPLICATION CLIENT',
              });
            awaiting = !awaiting;
            flaps += 1;
            nextFlap += FLAP_EVERY_DAYS;
            const wanted = awaiting ? 'AWAITING_USER_ACTION' : 'RUNNING';
            await waitFor(
              `the workflow to see ${wanted}`,
              async () => (await h.status(service)).execution?.state === wanted,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 20)); // pacing of this observer, not synchronisation
        }
        if (awaiting) {
          await admin(h.emulator, 'executions:resume', { name: execution });
          await waitFor('RUNNING again', async () => (await h.status(service)).execution?.state === 'RUNNING');
        }
        const beforeComplete = await h.status(service);
        await handle.executeUpdate(requestCompleteUpdate, { args: [{ ...COMPLETE_UNREACHED, by: 'year-end' }] });
        const result = await h.env.client.workflow.getHandle(handle.workflowId).result();
        assert.equal(result.outcome, 'SUCCEEDED');
        assert.equal(result.backupsRestored, true);

        const final = await h.status(service);
        const totalEvents = final.eventsInEarlierRuns + final.historyLength;
        const waitingEvents = beforeComplete.eventsInEarlierRuns + beforeComplete.historyLength;
        const days = beforeComplete.watcherReturns.quiet;
        const report = {
          simulatedDays: days,
          runs: final.continuedAsNew + 1,
          flaps,
          changedReturns: beforeComplete.watcherReturns.changed,
          totalEvents,
          eventsPerSimulatedDay: Number((waitingEvents / days).toFixed(2)),
          maxEventsPerRun: Math.max(...maxRunLengths.filter((n) => n !== undefined)),
        };
        console.log(`year report: ${JSON.stringify(report)}`);
        assert.ok(days >= DAYS);
        assert.ok(final.continuedAsNew >= 1, 'continued as new at least once');
        assert.ok(report.eventsPerSimulatedDay <= MAX_EVENTS_PER_DAY, `${report.eventsPerSimulatedDay} events per day`);
        assert.ok(report.maxEventsPerRun <= 1000 + 50, 'no run grows far past the cap');
        assert.ok(beforeComplete.watcherReturns.changed >= flaps, 'every flap was seen');
      });
    },
  );
});
