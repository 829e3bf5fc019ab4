// A waiting migration while Google's API answers with values from a newer revision (the emulator's newer-API
// overlay): an unknown state is recorded and watched, never acted on as if known; ROLLED_BACK is an ending.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MigrationExecutionStateKey, requestCompleteUpdate } from '../../src/workflows/messages';
import { workflowIdFor } from '../../src/migration/names';
import { admin } from '../helpers/emulator';
import { updateRefusal } from '../helpers/failures';
import { waitFor, COMPLETE_UNREACHED } from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(async () => {
  await h?.close();
});

/** Calls of `method` the emulator received for `resource` since `since` (epoch ms). */
async function received(method: string, resource: string, since: number): Promise<number> {
  const { requests } = await admin<{ requests: { resource: string }[] }>(
    h.emulator,
    `requests?since=${since}&method=${method}`,
  );
  return requests.filter((r) => r.resource === resource).length;
}

/** Resolves once the emulator has answered `count` reads of `resource` since `since` (epoch ms). */
function readsSince(resource: string, since: number, count: number) {
  return waitFor(`${count} reads of ${resource}`, async () => {
    return (await received('services.migrationExecutions.get', resource, since)) >= count;
  });
}

describe('a migration while the API is newer than this tool', () => {
  it('keeps waiting through a service state it does not know, refuses cutover meanwhile, and completes after', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      // maxQuietSeconds 0.5: the quiet return re-reads the service twice a second.
      const handle = await h.start(service, taskQueue, { maxQuietSeconds: 0.5 });
      await h.waitForStage(service, 'REPLICATION');
      await admin(h.emulator, 'newer-api', {
        name: service,
        fields: { state: 'LAKEHOUSE_SYNCING', lakehouse: { catalog: 'c' } },
      });
      const seen = await waitFor('the unknown service state in status', async () => {
        const status = await h.status(service);
        return status.serviceState === 'LAKEHOUSE_SYNCING' && status;
      });
      assert.equal(seen.stage, 'REPLICATION');
      assert.deepEqual(seen.unknownValues, ['service state LAKEHOUSE_SYNCING']);
      const refusal = await updateRefusal(
        handle.executeUpdate(requestCompleteUpdate, { args: [{ ...COMPLETE_UNREACHED, by: 'dana' }] }),
      );
      assert.match(refusal.message, /LAKEHOUSE_SYNCING, which this tool does not know/);

      await admin(h.emulator, 'newer-api', { name: service, fields: {} });
      await waitFor('the service MIGRATING again', async () => (await h.status(service)).serviceState === 'MIGRATING');
      await handle.executeUpdate(requestCompleteUpdate, { args: [{ ...COMPLETE_UNREACHED, by: 'dana' }] });
      const result = await handle.result();
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.equal(result.backupsRestored, true);
      // Logged once, however many polls saw it.
      assert.deepEqual((await h.status(service)).unknownValues, ['service state LAKEHOUSE_SYNCING']);
    });
  });

  it('holds a cancel while the execution is in a state it does not know, and cancels once it is known', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      const waiting = await h.waitForStage(service, 'REPLICATION');
      const execution = waiting.execution!.name;
      await admin(h.emulator, 'newer-api', { name: execution, fields: { state: 'PAUSED_FOR_MAINTENANCE' } });
      await waitFor('the unknown execution state as search attribute', async () => {
        const description = await handle.describe();
        return description.typedSearchAttributes.get(MigrationExecutionStateKey) === 'PAUSED_FOR_MAINTENANCE';
      });
      const since = Date.now();
      await handle.signal('cancel', { by: 'erin', reason: 'rollback drill' });
      await waitFor('the cancel recorded', async () => (await h.status(service)).decision?.action === 'cancel');
      // Polls after the decision still read the unknown state; none led to a cancelMigration.
      const recorded = Date.now();
      await readsSince(execution, recorded, 2);
      assert.equal(await received('services.cancelMigration', service, since), 0);
      assert.equal((await h.status(service)).stage, 'REPLICATION');

      await admin(h.emulator, 'newer-api', { name: execution, fields: {} });
      const result = await handle.result();
      assert.equal(result.outcome, 'CANCELLED');
      assert.equal(await received('services.cancelMigration', service, since), 1);
    });
  });

  it('ends CANCELLED, saying so, when the execution is ROLLED_BACK', async () => {
    const service = await h.seedService();
    const [taskQueue, execution] = await h.withWorker(async (queue) => {
      await h.start(service, queue);
      return [queue, (await h.waitForStage(service, 'REPLICATION')).execution] as const;
    });
    // No worker now: underneath the execution is cancelled (service ACTIVE again), and the API calls it
    // ROLLED_BACK, as a newer revision does for a cancel after completion.
    await admin(h.emulator, 'executions:cancel', { name: execution!.name });
    await waitFor('the execution cancelled underneath', async () => {
      const current = await h.metastore.getMigrationExecution(execution!.name);
      return current.state === 'CANCELLED';
    });
    await admin(h.emulator, 'newer-api', { name: execution!.name, fields: { state: 'ROLLED_BACK' } });
    await h.withWorker(
      async () => {
        const result = await h.env.client.workflow.getHandle(workflowIdFor(service)).result();
        assert.equal(result.outcome, 'CANCELLED');
        assert.match(result.message, /ROLLED_BACK \(cancelled after completion\)/);
        assert.equal(result.backupsRestored, true);
      },
      undefined,
      { taskQueue },
    );
  });
});
