// Many migrations on few worker slots, and the fleet's API budget, on a real dev server with the emulator.
// What reached the API is read from the emulator's own request log, never from workflow state.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { ApiBudget } from '../../src/metastore/budget';
import type { RequestLogEntry } from '../../src/emulator/stats';
import { requestCompleteUpdate } from '../../src/workflows/messages';
import { admin } from '../helpers/emulator';
import { serviceSeed, waitFor, COMPLETE_UNREACHED } from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;

before(async () => {
  h = await createHarness({ operationDelayMs: 100 });
});
after(async () => {
  await h?.close();
});

/** Services in a project of their own, so the request log can be read per project. */
async function seedProject(count: number): Promise<{ project: string; services: string[] }> {
  const project = `fleet-${randomUUID().slice(0, 8)}`;
  const services: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `projects/${project}/locations/us-central1/services/svc-${i}`;
    await admin(h.emulator, 'services', serviceSeed(name));
    services.push(name);
  }
  return { project, services };
}

async function requestLog(query: Record<string, string | number>): Promise<RequestLogEntry[]> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return (await admin<{ requests: RequestLogEntry[] }>(h.emulator, `requests?${params}`)).requests;
}

/** The most requests that arrived in any window of `windowMs`. */
function busiestWindow(entries: RequestLogEntry[], windowMs: number): number {
  const times = entries.map((entry) => entry.at).sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

async function stopAll(handles: WorkflowHandle[]): Promise<void> {
  await Promise.allSettled(handles.map((handle) => handle.terminate('test finished')));
}

describe('fleet: waiting migrations and the control path', () => {
  it('brings more migrations than activity slots to REPLICATION and a complete reaches the API at once', async () => {
    const { services } = await seedProject(8);
    await h.withWorker(
      async (taskQueue) => {
        const handles = await Promise.all(services.map((service) => h.start(service, taskQueue)));
        try {
          await Promise.all(services.map((service) => h.waitForStage(service, 'REPLICATION')));
          const [chosen] = services;
          const sentAt = Date.now();
          await handles[0]!.executeUpdate(requestCompleteUpdate, {
            args: [{ ...COMPLETE_UNREACHED, by: 'fleet-test' }],
          });
          const received = await waitFor('completeMigration in the emulator log', async () => {
            const log = await requestLog({ since: sentAt, method: 'services.completeMigration' });
            return log.find((entry) => entry.resource === chosen);
          });
          assert.ok(received.at >= sentAt);
          assert.equal((await handles[0]!.result()).outcome, 'SUCCEEDED');
        } finally {
          await stopAll(handles);
        }
      },
      undefined,
      // Three activity slots in all for eight migrations: a watcher holding a slot per migration would stall.
      { sizing: { controlSlots: 2, pollSlots: 1 } },
    );
  });

  it("keeps one project's API calls within the budget while its migrations start and poll fast", async () => {
    const rate = 4;
    const { project, services } = await seedProject(6);
    const budget = new ApiBudget({ ratePerSecond: rate });
    const since = Date.now();
    await h.withWorker(
      async (taskQueue) => {
        // Polls every 0.1 s would ask 60 reads a second: the budget must hold them to `rate`.
        const options = { pollIntervalSeconds: 0.1, fastPollSeconds: 0.1, operationPollSeconds: 0.1 };
        const handles = await Promise.all(services.map((service) => h.start(service, taskQueue, options)));
        try {
          await Promise.all(services.map((service) => h.waitForStage(service, 'REPLICATION')));
          const replicatingAt = Date.now();
          await waitFor(
            '5 s of polling after all reached REPLICATION',
            async () => {
              const log = await requestLog({ since: replicatingAt, resourcePrefix: `projects/${project}/` });
              return log.some((entry) => entry.at - replicatingAt >= 5000);
            },
            { timeoutMs: 20_000 },
          );
          const log = await requestLog({ since, resourcePrefix: `projects/${project}/` });
          const seconds = (log.at(-1)!.at - log[0]!.at) / 1000;
          // A token bucket holds any window of T seconds to rate × T plus its burst (max(2, rate) tokens); calls
          // admitted a moment apart can arrive together on a loaded machine, hence one more second of slack.
          const busiest = busiestWindow(log, 2000);
          assert.ok(busiest <= rate * 3 + Math.max(2, rate), `busiest 2 s: ${busiest} calls`);
          assert.ok(log.length <= rate * seconds + Math.max(2, rate), `${log.length} calls in ${seconds} s`);
          // …and the budget is used, not starved: polls keep going at close to the rate.
          const polls = log.filter((entry) => entry.at >= replicatingAt);
          assert.ok(polls.length >= rate * 5 * 0.6, `${polls.length} polls in 5 s`);
          for (const service of services) assert.equal((await h.status(service)).stage, 'REPLICATION');
        } finally {
          await stopAll(handles);
        }
      },
      undefined,
      { budget },
    );
  });
});
