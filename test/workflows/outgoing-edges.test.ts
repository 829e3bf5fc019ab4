// The outgoing kind's BACKFILL mode at its edges, on a real Temporal dev server with the real activities talking
// HTTP to the emulator: a complete (update or signal) has nothing to act on, since a BACKFILL ends by itself — the
// update is refused without a history event, the signal recorded as ignored — while cancel works mid-backfill; and
// what cancelling the workflow itself does: mid-backfill it cancels the migration (as for the incoming kind); in
// the rollback window it closes the window early and leaves the migration SUCCEEDED, not rolled back; during a
// rollback already asked for it lets the rollback finish, and the migration ends ROLLED_BACK.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { MigrationExecutionRequest } from '../../src/schemas';
import {
  MigrationOutcomeKey,
  completeSignal,
  requestCancelUpdate,
  requestCompleteUpdate,
  requestRollbackUpdate,
} from '../../src/workflows/messages';
import { admin } from '../helpers/emulator';
import { rejectionOf } from '../helpers/failures';
import { waitFor } from '../helpers/migration';
import { createCatalog, icebergTable, seedMetastore } from '../helpers/outgoing';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;

before(async () => {
  h = await createHarness();
});
after(async () => {
  await h?.close();
});

let catalogs = 0;
/** A service with two Iceberg tables and a BACKFILL of them: it ends SUCCEEDED with the service in PROXY. */
async function icebergBackfill(): Promise<{ service: string; config: MigrationExecutionRequest }> {
  catalogs += 1;
  const catalog = `projects/test-project/catalogs/wf-edges-${process.pid}-${catalogs}`;
  await createCatalog(h.emulator, catalog, 'ICEBERG');
  const service = await h.seedService();
  await seedMetastore(h.emulator, service, {
    web: { clicks: icebergTable('gs://wh/web/clicks'), views: icebergTable('gs://wh/web/views') },
  });
  const config = {
    biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', icebergConfig: { catalog, namespaces: ['web'] } },
  } as MigrationExecutionRequest;
  return { service, config };
}

/** Every backfill (the dry run too) takes this long while `fn` runs: time to act while one is RUNNING. */
async function withSlowBackfills<T>(fn: () => Promise<T>): Promise<T> {
  await admin(h.emulator, 'durations', { backfill: 12_000 });
  try {
    return await fn();
  } finally {
    await admin(h.emulator, 'durations', undefined, 'DELETE');
  }
}

/** Every rollback (cancelMigration of a SUCCEEDED migration) takes this long while `fn` runs: time to act meanwhile. */
async function withSlowRollbacks<T>(fn: () => Promise<T>): Promise<T> {
  await admin(h.emulator, 'durations', { 'services.cancelMigration': 8000 });
  try {
    return await fn();
  } finally {
    await admin(h.emulator, 'durations', undefined, 'DELETE');
  }
}

/** The update's refusal: its ApplicationFailure. */
async function refusalOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  const cause = (err as { cause?: unknown }).cause;
  assert.ok(cause instanceof ApplicationFailure, String(err));
  return cause;
}

/** How many times the history holds an update of this name (a refused one is written nowhere). */
async function updatesInHistory(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }, name: string) {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter(
    (e) =>
      (e as { workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { name?: string } } } })
        .workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name,
  ).length;
}

const NOTHING_TO_COMPLETE = /a BACKFILL migration completes by itself when its backfill ends; nothing to complete/;

describe('outgoing BACKFILL edges', () => {
  it('refuses complete mid-backfill (no history), records a complete signal as ignored; cancel still works', async () => {
    const { service, config } = await icebergBackfill();
    await h.withWorker(async (taskQueue) => {
      const status = await withSlowBackfills(async () => {
        const handle = await h.start(service, taskQueue, {}, config);
        const running = await h.waitForStage(service, 'BACKFILL');
        assert.equal(running.execution?.state, 'RUNNING');

        const refused = await refusalOf(handle.executeUpdate(requestCompleteUpdate, { args: [{ by: 'erin' }] }));
        assert.equal(refused.type, 'Refused');
        assert.match(refused.message, NOTHING_TO_COMPLETE);
        assert.equal(await updatesInHistory(handle, requestCompleteUpdate.name), 0, 'a refusal leaves no history');

        await handle.signal(completeSignal, { by: 'erin', reason: 'habit' });
        const ignored = await waitFor('the signal in the audit trail', async () => {
          const s = await h.status(service);
          return s.requests.find((r) => r.action === 'complete') && s;
        });
        const record = ignored.requests.find((r) => r.action === 'complete');
        assert.equal(record?.accepted, false);
        assert.equal(record?.via, 'signal');
        assert.equal(record?.by, 'erin');
        assert.match(record?.note ?? '', NOTHING_TO_COMPLETE);
        assert.equal(ignored.decision, undefined, 'nothing is left pending');

        // Cancel is acted on mid-run: cancelMigration, and the migration ends CANCELLED.
        const answer = await handle.executeUpdate(requestCancelUpdate, { args: [{ by: 'erin' }] });
        assert.equal(answer.stage, 'BACKFILL');
        const result = await handle.result();
        assert.equal(result.outcome, 'CANCELLED');
        assert.match(result.message ?? '', /CANCELLED by erin/);
        return h.status(service);
      });
      assert.equal(status.execution?.state, 'CANCELLED');
      assert.equal((await h.metastore.getService(service)).state, 'ACTIVE');
      assert.deepEqual(
        status.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'STARTING', 'BACKFILL', 'CANCELLING', 'DONE'],
      );
    });
  });

  it('cancelling the workflow mid-backfill cancels the migration, as for the incoming kind', async () => {
    const { service, config } = await icebergBackfill();
    await h.withWorker(async (taskQueue) => {
      await withSlowBackfills(async () => {
        const handle = await h.start(service, taskQueue, {}, config);
        const running = await h.waitForStage(service, 'BACKFILL');
        await handle.cancel();
        const err = await rejectionOf(handle.result(), WorkflowFailedError);
        assert.ok(err.cause instanceof CancelledFailure, 'the workflow ends cancelled');
        const execution = await h.metastore.getMigrationExecution(running.execution!.name);
        assert.equal(execution.state, 'CANCELLED');
      });
      assert.equal((await h.metastore.getService(service)).state, 'ACTIVE');
      const status = await h.status(service);
      assert.equal(status.outcome, 'CANCELLED');
      const asked = status.requests.find((r) => r.via === 'workflow-cancellation');
      assert.equal(asked?.action, 'cancel');
      assert.equal(asked?.accepted, true);
      assert.deepEqual(
        status.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'STARTING', 'BACKFILL', 'CANCELLING', 'DONE'],
      );
    });
  });

  it('in the rollback window: complete is refused naming rollback; cancelling the workflow rolls nothing back', async () => {
    const { service, config } = await icebergBackfill();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue, { rollbackWindowSeconds: 3600 }, config);
      const window = await h.waitForStage(service, 'ROLLBACK_WINDOW');
      assert.equal(window.serviceState, 'PROXY');

      const refused = await refusalOf(handle.executeUpdate(requestCompleteUpdate, { args: [{}] }));
      assert.equal(refused.type, 'Refused');
      assert.match(refused.message, NOTHING_TO_COMPLETE);
      assert.match(refused.message, /ask for `rollback` to undo it, or just wait for the window to end/);

      await handle.cancel();
      const err = await rejectionOf(handle.result(), WorkflowFailedError);
      assert.ok(err.cause instanceof CancelledFailure, 'the workflow ends cancelled');
      // The migration stays as it was: SUCCEEDED, the service in PROXY; no rollback was asked of the API.
      const execution = await h.metastore.getMigrationExecution(window.execution!.name);
      assert.equal(execution.state, 'SUCCEEDED');
      assert.equal((await h.metastore.getService(service)).state, 'PROXY');
      const status = await h.status(service);
      assert.equal(status.outcome, 'SUCCEEDED');
      const early = /rollback window closed early by workflow cancellation; the migration was not rolled back/;
      assert.match(status.outcomeMessage ?? '', early);
      assert.match(status.outcomeMessage ?? '', /SUCCEEDED: backfill SUCCEEDED/);
      const asked = status.requests.find((r) => r.via === 'workflow-cancellation');
      assert.equal(asked?.accepted, false);
      assert.match(asked?.note ?? '', early);
      assert.deepEqual(
        status.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'STARTING', 'BACKFILL', 'ROLLBACK_WINDOW', 'DONE'],
      );
    });
  });
  it('cancelling the workflow during a rollback lets the rollback finish: ROLLED_BACK, and the audit trail says so', async () => {
    const { service, config } = await icebergBackfill();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue, { rollbackWindowSeconds: 3600 }, config);
      const window = await h.waitForStage(service, 'ROLLBACK_WINDOW');
      const execution = window.execution!.name;
      await withSlowRollbacks(async () => {
        await handle.executeUpdate(requestRollbackUpdate, { args: [{ by: 'erin', reason: 'drill' }] });
        await h.waitForStage(service, 'ROLLING_BACK');
        // The API has not finished the rollback when the workflow is cancelled.
        assert.equal((await h.metastore.getMigrationExecution(execution)).state, 'SUCCEEDED');
        await handle.cancel();
        const err = await rejectionOf(handle.result(), WorkflowFailedError);
        assert.ok(err.cause instanceof CancelledFailure, 'the workflow ends cancelled');
      });
      // The run waited for the rollback: the execution ROLLED_BACK, DPMS serving again.
      assert.equal((await h.metastore.getMigrationExecution(execution)).state, 'ROLLED_BACK');
      assert.equal((await h.metastore.getService(service)).state, 'ACTIVE');
      const status = await h.status(service);
      assert.equal(status.outcome, 'ROLLED_BACK');
      assert.match(status.outcomeMessage ?? '', /ROLLED_BACK by erin: the service is ACTIVE, served by DPMS again/);
      assert.equal(status.execution?.state, 'ROLLED_BACK');
      assert.equal(status.serviceState, 'ACTIVE');
      assert.deepEqual(
        status.requests.map((r) => [r.action, r.via, r.accepted, r.note]),
        [
          ['rollback', 'update', true, undefined],
          [
            'cancel',
            'workflow-cancellation',
            false,
            'workflow cancelled during the rollback; the rollback was finished',
          ],
        ],
      );
      assert.deepEqual(
        status.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'STARTING', 'BACKFILL', 'ROLLBACK_WINDOW', 'ROLLING_BACK', 'DONE'],
      );
      // The Web UI's list: the workflow was cancelled, the migration ROLLED_BACK.
      const described = await handle.describe();
      assert.equal(described.status.name, 'CANCELLED');
      assert.equal(described.typedSearchAttributes.get(MigrationOutcomeKey), 'ROLLED_BACK');
    });
  });
});
