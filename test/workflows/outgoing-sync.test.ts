// The outgoing kind's INCREMENTAL_SYNC through the workflow (a v1beta worker): after its backfill the execution
// stays RUNNING and the run waits in REPLICATION for complete, as the incoming kind does; on v1 the mode is refused
// by the request check before any call. A backfill with failed tables goes on syncing, naming them while it waits
// and in the result. And worker restarts while it waits change nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { MigrationExecutionRequest } from '../../src/schemas';
import { requestCompleteUpdate, requestRollbackUpdate } from '../../src/workflows/messages';
import { admin } from '../helpers/emulator';
import { rejectionOf } from '../helpers/failures';
import { SECRET_ENV, waitFor } from '../helpers/migration';
import { createCatalog, icebergTable, seedMetastore } from '../helpers/outgoing';
import { startReceiver } from '../helpers/receiver';
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
async function icebergService(): Promise<{ service: string; config: MigrationExecutionRequest }> {
  catalogs += 1;
  const catalog = `projects/test-project/catalogs/wf-sync-${process.pid}-${catalogs}`;
  await createCatalog(h.emulator, catalog, 'ICEBERG');
  const service = await h.seedService();
  await seedMetastore(h.emulator, service, {
    web: { clicks: icebergTable('gs://wh/web/clicks'), views: icebergTable('gs://wh/web/views') },
  });
  const config = {
    biglakeMetastoreMigrationConfig: { mode: 'INCREMENTAL_SYNC', icebergConfig: { catalog, namespaces: ['web'] } },
  } as MigrationExecutionRequest;
  return { service, config };
}

const V1BETA = { apiVersion: 'v1beta' as const };

/** The message an update was refused with (its ApplicationFailure's). */
async function refusalOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  const cause = (err as { cause?: unknown }).cause;
  assert.ok(cause instanceof ApplicationFailure, String(err));
  return cause.message;
}

describe('outgoing INCREMENTAL_SYNC', () => {
  it('waits in REPLICATION after its backfill; complete → SUCCEEDED with the service in PROXY', async () => {
    const { service, config } = await icebergService();
    await h.withWorker(
      async (taskQueue) => {
        const handle = await h.start(service, taskQueue, { rollbackWindowSeconds: 0 }, config);
        const waiting = await h.waitForStage(service, 'REPLICATION');
        assert.equal(waiting.execution?.state, 'RUNNING');
        assert.equal(waiting.execution?.backfill, 'SUCCEEDED');
        assert.equal(waiting.backfill?.summarized, true);
        assert.equal(waiting.serviceState, 'MIGRATING');
        // Neither a rollback (not SUCCEEDED yet) nor anything else is taken out of turn.
        assert.match(
          await refusalOf(handle.executeUpdate(requestRollbackUpdate, { args: [{}] })),
          /only in the rollback window/,
        );
        const answer = await handle.executeUpdate(requestCompleteUpdate, { args: [{ by: 'bob' }] });
        assert.equal(answer.action, 'complete');
        const result = await handle.result();
        assert.equal(result.outcome, 'SUCCEEDED');
        assert.equal(result.serviceState, 'PROXY');
        assert.match(
          result.message ?? '',
          /SUCCEEDED by bob: backfill SUCCEEDED: .*the service is PROXY forwarding web/,
        );
        const status = await h.status(service);
        assert.deepEqual(
          status.stageHistory.map((s) => s.stage),
          ['PRECHECK', 'STARTING', 'BACKFILL', 'REPLICATION', 'COMPLETING', 'DONE'],
        );
        assert.equal(status.cutoverChecks?.ok, true, 'the gate ran the migration’s own checks');
      },
      SECRET_ENV,
      V1BETA,
    );
  });

  it('a backfill with a failed table goes on syncing: status and one notification name it, then the result', async () => {
    const { service, config } = await icebergService();
    // Faults fire once per backfill of the service, oldest first: the first (empty) is the start's dry run's.
    await admin(h.emulator, 'backfill-faults', { service });
    await admin(h.emulator, 'backfill-faults', { service, failTables: ['web.clicks'] });
    const receiver = await startReceiver();
    try {
      await h.withWorker(
        async (taskQueue) => {
          const options = { rollbackWindowSeconds: 0, notify: [`${receiver.url}/json`] };
          const handle = await h.start(service, taskQueue, options, config);
          const waiting = await h.waitForStage(service, 'REPLICATION');
          // While the sync goes on, the failed table is known by name with the API's message.
          assert.equal(waiting.execution?.state, 'RUNNING');
          assert.deepEqual(waiting.backfill?.tablesByResult, { SUCCEEDED: 1, FAILED: 1 });
          assert.equal(waiting.backfill?.reportRead, true);
          assert.deepEqual(
            waiting.backfill?.failedTables.map((t) => [t.database, t.table, t.errorMessage]),
            [['web', 'clicks', 'Injected failure: web.clicks could not be written to the target catalog.']],
          );
          const messages = () => receiver.accepted().map((body) => (body as { message: string }).message);
          const told = await waitFor('the backfill notification', () =>
            messages().find((m) => m.startsWith('backfill done:')),
          );
          assert.match(told, /failed: .*web\.clicks.*the sync goes on: complete or cancel when ready/);

          await handle.executeUpdate(requestCompleteUpdate, { args: [{ by: 'dana' }] });
          const result = await handle.result();
          assert.equal(result.outcome, 'SUCCEEDED');
          assert.deepEqual(
            result.backfill?.failedTables.map((t) => `${t.database}.${t.table}`),
            ['web.clicks'],
          );
          assert.match(result.message ?? '', /SUCCEEDED by dana: backfill SUCCEEDED: .*failed: .*web\.clicks/);
          // Told once: the failed table is not announced again at complete.
          assert.equal(messages().filter((m) => m.startsWith('backfill done:')).length, 1);
        },
        SECRET_ENV,
        V1BETA,
      );
    } finally {
      await receiver.close();
    }
  });

  it('on a v1 worker, INCREMENTAL_SYNC is refused with its field path before any API call', async () => {
    const { service, config } = await icebergService();
    const calls = async () => {
      const { requests } = await admin<{ requests: Record<string, number> }>(h.emulator, 'stats');
      return [requests['services.get'] ?? 0, requests['services.startMigration'] ?? 0];
    };
    const before = await calls();
    await h.withWorker(async (taskQueue) => {
      // `plan` says so too: the rule needs the worker's version, so the worker checks it there as well.
      const planned = await rejectionOf(h.plan(service, taskQueue, {}, config), WorkflowFailedError);
      assert.ok(planned.cause instanceof ApplicationFailure);
      assert.match(
        planned.cause.message,
        /biglakeMetastoreMigrationConfig\.mode: must be BACKFILL with API version v1/,
      );
      const err = await rejectionOf((await h.start(service, taskQueue, {}, config)).result(), WorkflowFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, 'INVALID_ARGUMENT');
      assert.match(
        err.cause.message,
        /request\.migrationExecution\.biglakeMetastoreMigrationConfig\.mode: must be BACKFILL with API version v1/,
      );
    });
    assert.deepEqual(await calls(), before, 'no API call was made');
  });

  it('worker restarts while waiting in REPLICATION and in the rollback window change nothing', async () => {
    const { service, config } = await icebergService();
    const taskQueue = `outgoing-restart-${randomUUID()}`;
    const worker = <T>(fn: () => Promise<T>) => h.withWorker(fn, SECRET_ENV, { ...V1BETA, taskQueue });
    const handle = await worker(async () => {
      const started = await h.start(service, taskQueue, { rollbackWindowSeconds: 3600 }, config);
      await h.waitForStage(service, 'REPLICATION');
      return started;
    });
    // A new worker takes the waiting run over: it completes, and the run waits in its rollback window.
    const window = await worker(async () => {
      await handle.executeUpdate(requestCompleteUpdate, { args: [{ by: 'carol' }] });
      return h.waitForStage(service, 'ROLLBACK_WINDOW');
    });
    assert.equal(window.serviceState, 'PROXY');
    // Another one takes the window over and rolls back.
    const [result, status] = await worker(async () => {
      await handle.executeUpdate(requestRollbackUpdate, { args: [{ by: 'carol', reason: 'rehearsal' }] });
      return [await handle.result(), await h.status(service)] as const;
    });
    assert.equal(result.outcome, 'ROLLED_BACK');
    assert.equal((await h.metastore.getService(service)).state, 'ACTIVE');
    assert.deepEqual(
      status.stageHistory.map((s) => s.stage),
      ['PRECHECK', 'STARTING', 'BACKFILL', 'REPLICATION', 'COMPLETING', 'ROLLBACK_WINDOW', 'ROLLING_BACK', 'DONE'],
    );
  });
});
