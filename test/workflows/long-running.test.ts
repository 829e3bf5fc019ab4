// The year-long promise: updates that answer, errors visible while retries go on, continue-as-new carrying
// everything, and a compressed year of waiting with flapping external state. Real dev server, real
// activities, the emulator over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  MigrationExecutionStateKey,
  MigrationStageKey,
  requestCancelUpdate,
  requestCompleteUpdate,
} from '../../src/workflows/messages';
import { workflowIdFor } from '../../src/migration/names';
import { admin } from '../helpers/emulator';
import { updateRefusal } from '../helpers/failures';
import { ORIGINAL_BACKUP, waitFor, COMPLETE_UNREACHED } from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(async () => {
  await h?.close();
});

describe('updates', () => {
  it('accepts requestComplete in REPLICATION, is idempotent, and refuses everything after the end', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      const first = await handle.executeUpdate(requestCompleteUpdate, {
        args: [{ ...COMPLETE_UNREACHED, by: 'dana', reason: 'window open' }],
      });
      assert.equal(first.accepted, true);
      assert.equal(first.alreadyRequested, false);
      const again = await handle.executeUpdate(requestCompleteUpdate, {
        args: [{ ...COMPLETE_UNREACHED, by: 'dana' }],
      });
      assert.equal(again.alreadyRequested, true);
      assert.equal((await handle.result()).outcome, 'SUCCEEDED');

      // Once the workflow has closed, Temporal itself refuses updates (the workflow refuses them while it restores).
      await assert.rejects(handle.executeUpdate(requestCancelUpdate, { args: [{}] }), WorkflowNotFoundError);
      const status = await h.status(service);
      assert.deepEqual(
        status.requests.map((r) => [r.action, r.by, r.via, r.accepted]),
        [['complete', 'dana', 'update', true]],
      );
    });
  });

  it('refuses requestComplete before the execution is RUNNING in REPLICATION, with a bad argument named', async () => {
    const slow = await createHarness({ operationDelayMs: 3000 });
    try {
      const service = await slow.seedService({ scheduledBackup: undefined });
      await slow.withWorker(async (taskQueue) => {
        const handle = await slow.start(service, taskQueue);
        await slow.waitForStage(service, 'STARTING');
        const early = await updateRefusal(
          handle.executeUpdate(requestCompleteUpdate, { args: [{ ...COMPLETE_UNREACHED, by: 'erin' }] }),
        );
        assert.equal(early.type, 'Refused');
        assert.match(early.message, /RUNNING in REPLICATION/);
        const bad = await updateRefusal(handle.executeUpdate(requestCancelUpdate, { args: [{ by: 42 } as never] }));
        assert.equal(bad.type, 'INVALID_ARGUMENT');
        assert.match(bad.message, /by:/);
        assert.equal((await slow.status(service)).requests.length, 0, 'refusals leave no record and no history');
        const cancel = await handle.executeUpdate(requestCancelUpdate, { args: [{ by: 'erin', reason: 'abort' }] });
        assert.equal(cancel.accepted, true);
        assert.equal((await handle.result()).outcome, 'CANCELLED');
      });
    } finally {
      await slow.close();
    }
  });
});

describe('visibility', () => {
  it('keeps MigrationStage and MigrationExecutionState current for list queries', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      const query = `MetastoreService = '${service}' AND MigrationStage = 'REPLICATION' AND MigrationExecutionState = 'RUNNING'`;
      const listed = await waitFor('the workflow in a REPLICATION listing', async () => {
        for await (const wf of h.env.client.workflow.list({ query })) return wf;
        return undefined;
      });
      assert.equal(listed.workflowId, handle.workflowId);
      await handle.executeUpdate(requestCompleteUpdate, { args: [COMPLETE_UNREACHED] });
      await handle.result();
      const done = await waitFor('the final stage in visibility', async () => {
        const description = await handle.describe();
        const stage = description.typedSearchAttributes.get(MigrationStageKey);
        return stage === 'DONE' ? description : undefined;
      });
      assert.equal(done.typedSearchAttributes.get(MigrationExecutionStateKey), 'SUCCEEDED');
      assert.equal(done.memo?.outcome, 'SUCCEEDED');
    });
  });
});

describe('errors while retries go on', () => {
  it('shows the last API error in status while the watcher keeps polling, then resolves it', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      // A steady-state poll reads the execution only.
      const fault = { method: 'services.migrationExecutions.get', count: 100_000, error: { status: 'UNAVAILABLE' } };
      await admin(h.emulator, 'faults', fault);
      const failing = await waitFor('lastError UNAVAILABLE', async () => {
        const status = await h.status(service);
        return status.lastError?.type === 'UNAVAILABLE' && !status.lastError.resolvedAt ? status : undefined;
      });
      assert.equal(failing.stage, 'REPLICATION', 'a transient error does not end the wait');
      await admin(h.emulator, 'faults', undefined, 'DELETE');
      await waitFor('lastError resolved', async () => (await h.status(service)).lastError?.resolvedAt);
      await handle.executeUpdate(requestCompleteUpdate, { args: [COMPLETE_UNREACHED] });
      assert.equal((await handle.result()).outcome, 'SUCCEEDED');
    });
  });
});

describe('continue-as-new', () => {
  it('continues as new past maxHistoryEvents, carrying stage, execution, backups and ids', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue, { maxQuietSeconds: 0.05, maxHistoryEvents: 60 });
      const continued = await waitFor('a continued run in REPLICATION', async () => {
        const status = await h.status(service);
        return status.continuedAsNew >= 1 && status.stage === 'REPLICATION' ? status : undefined;
      });
      assert.notEqual(continued.runId, handle.firstExecutionRunId);
      assert.ok(continued.eventsInEarlierRuns >= 60);
      const [execution] = await h.metastore.listAllMigrationExecutions(service);
      assert.equal(continued.execution?.name, execution?.name);
      assert.equal(continued.execution?.state, 'RUNNING');
      assert.deepEqual(continued.savedScheduledBackup, ORIGINAL_BACKUP);
      assert.equal(continued.backupsDisabled, true);
      assert.deepEqual(
        continued.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'DISABLING_BACKUPS', 'STARTING', 'REPLICATION'],
      );

      // The handle follows the chain of runs: the update reaches the current one.
      await handle.executeUpdate(requestCompleteUpdate, { args: [{ ...COMPLETE_UNREACHED, by: 'frank' }] });
      const result = await h.env.client.workflow.getHandle(workflowIdFor(service)).result();
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.equal(result.backupsRestored, true, 'backups saved in the first run are restored by the last');
      assert.deepEqual(
        result.requests.map((r: { by?: string }) => r.by),
        ['frank'],
      );
    });
  });
});
