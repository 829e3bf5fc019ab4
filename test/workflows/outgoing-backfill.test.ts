// The outgoing kind (DPMS → Lakehouse) through the managed-migration workflow on a real Temporal dev server, the
// real activities talking HTTP to the emulator, which plays the kind: the plan with its dry run, BACKFILL to
// SUCCEEDED with its summary recorded and the service in PROXY, the rollback window and a rollback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { MigrationExecutionRequest } from '../../src/schemas';
import { requestRollbackUpdate } from '../../src/workflows/messages';
import { ROLLED_BACK_EXIT_CODE, formatVerification, runVerify, verificationExitCode } from '../../src/cli/verification';
import { rejectionOf } from '../helpers/failures';
import { ORIGINAL_BACKUP, SECRET_ENV } from '../helpers/migration';
import { admin } from '../helpers/emulator';
import { randomUUID } from 'node:crypto';
import { createCatalog, hiveTable, icebergTable, lakehouseCatalog, seedMetastore } from '../helpers/outgoing';
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
function catalogName(type: 'hive' | 'iceberg'): string {
  catalogs += 1;
  return `projects/test-project/catalogs/wf-${type}-${process.pid}-${catalogs}`;
}

function outgoing(config: Record<string, unknown>): MigrationExecutionRequest {
  return {
    biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', ...config },
  } as MigrationExecutionRequest;
}

const SOURCE = {
  sales: { orders: hiveTable({ partitions: ['dt=1', 'dt=2'] }), events: icebergTable('gs://wh/sales/events') },
  web: { clicks: icebergTable('gs://wh/web/clicks') },
};

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await rejectionOf(promise, WorkflowFailedError);
  assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
  return err.cause;
}

async function executionsOf(service: string) {
  return h.metastore.listAllMigrationExecutions(service);
}

describe('outgoing migration workflow', () => {
  it('Hive + Iceberg BACKFILL: plan with its dry run, SUCCEEDED with its summary and PROXY, then a rollback', async () => {
    const hive = catalogName('hive');
    const iceberg = catalogName('iceberg');
    await createCatalog(h.emulator, hive, 'HIVE');
    await createCatalog(h.emulator, iceberg, 'ICEBERG');
    const service = await h.seedService();
    await seedMetastore(h.emulator, service, SOURCE);
    const config = outgoing({
      hiveConfig: { catalog: hive, databases: ['sales'] },
      icebergConfig: { catalog: iceberg, namespaces: ['*'] },
    });
    await h.withWorker(async (taskQueue) => {
      const plan = await h.plan(service, taskQueue, {}, config);
      assert.equal(plan.ok, true, JSON.stringify(plan.findings));
      assert.ok(plan.dryRun, 'the plan carries its dry run');
      assert.match(plan.dryRun.execution, /\/migrationExecutions\/dryrun-[a-z0-9]+$/);
      assert.deepEqual(
        plan.dryRun.plan.databases.map(
          (db) => `${db.catalog === hive ? 'hive' : 'iceberg'}:${db.database}:${db.action}`,
        ),
        ['hive:sales:CREATE', 'iceberg:sales:CREATE', 'iceberg:web:CREATE'],
      );
      assert.ok(plan.findings.some((f) => f.check === 'dryRun.errors' && f.level === 'ok'));
      // A dry run writes nothing and leaves the service as it was.
      assert.deepEqual((await lakehouseCatalog(h.emulator, iceberg)).namespaces, {});
      assert.equal((await h.metastore.getService(service)).state, 'ACTIVE');

      const handle = await h.start(service, taskQueue, {}, config);
      const window = await h.waitForStage(service, 'ROLLBACK_WINDOW');
      assert.equal(window.serviceState, 'PROXY');
      assert.equal(window.execution?.state, 'SUCCEEDED');
      assert.equal(window.backfill?.state, 'SUCCEEDED');
      assert.equal(window.backfill?.summarized, true);
      assert.equal(window.backfill?.databases, 3);
      assert.deepEqual(window.backfill?.tablesByResult, { SUCCEEDED: 3 }); // sales.events is Iceberg: not in Hive's
      assert.ok(window.plan?.dryRun, "the start's precheck ran its own dry run");
      assert.ok(window.rollbackWindowEndsAt && Date.parse(window.rollbackWindowEndsAt) > Date.now() + 2 * 86_400_000);
      assert.deepEqual(
        window.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'STARTING', 'BACKFILL', 'ROLLBACK_WINDOW'],
      );
      assert.deepEqual(window.lastSnapshot?.lakehouseProxy, { catalog: iceberg, namespaces: ['sales', 'web'] });
      // The proof, before the window opened: the report read, and the target catalogs hold what DPMS serves.
      assert.equal(window.backfill?.reportRead, true);
      assert.deepEqual(window.backfill?.failedTables, []);
      assert.equal(window.verification?.status, 'ok', JSON.stringify(window.verification));
      assert.equal(window.verification?.report?.compared, 'lakehouse');
      // The outgoing kind leaves scheduled backups as they are.
      assert.deepEqual((await h.metastore.getService(service)).scheduledBackup, ORIGINAL_BACKUP);

      const answer = await handle.executeUpdate(requestRollbackUpdate, {
        args: [{ by: 'alice', reason: 'the Spark jobs are not ready' }],
      });
      assert.equal(answer.action, 'rollback');
      const result = await handle.result();
      assert.equal(result.outcome, 'ROLLED_BACK');
      assert.match(result.message ?? '', /ROLLED_BACK by alice/);
      assert.equal(result.serviceState, 'ACTIVE');
      assert.equal(result.execution?.state, 'ROLLED_BACK');
      assert.equal(result.backfill?.databases, 3);
      assert.equal((await h.metastore.getService(service)).state, 'ACTIVE');
      const status = await h.status(service);
      assert.deepEqual(
        status.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'STARTING', 'BACKFILL', 'ROLLBACK_WINDOW', 'ROLLING_BACK', 'DONE'],
      );
      assert.deepEqual(
        status.requests.map((r) => [r.action, r.by, r.accepted]),
        [['rollback', 'alice', true]],
      );
      // `verify` after the rollback: still compared (the catalogs keep what was written), but the rollback and its
      // time come first and the exit code is not the one of a migration in place.
      const verified = await runVerify(h.env.client, taskQueue, service);
      const done = status.stageHistory.at(-1)?.at;
      assert.deepEqual(verified.rolledBack, { execution: result.execution?.name, at: done });
      assert.equal(verified.report?.compared, 'lakehouse', JSON.stringify(verified));
      assert.equal(verified.status, 'ok', JSON.stringify(verified));
      assert.equal(verificationExitCode(verified), ROLLED_BACK_EXIT_CODE);
      assert.match(
        formatVerification(verified),
        new RegExp(`^verified {3}ROLLED BACK: .* was rolled back at ${done}; `),
      );
    });
  });

  it('a dry run planning an ERROR database blocks the start, naming it; overridden by name, the backfill runs', async () => {
    const hive = catalogName('hive');
    await createCatalog(h.emulator, hive, 'HIVE', ['gs://warehouse/ok']);
    const service = await h.seedService();
    await seedMetastore(h.emulator, service, {
      fine: { good: hiveTable({ location: 'gs://warehouse/ok/good' }) },
      outside: { bad: hiveTable({ location: 'gs://elsewhere/bad' }) },
    });
    const config = outgoing({ hiveConfig: { catalog: hive, databases: ['*'] } });
    await h.withWorker(async (taskQueue) => {
      const plan = await h.plan(service, taskQueue, {}, config);
      assert.equal(plan.ok, false);
      assert.deepEqual(plan.blocking, ['dryRun.errors']);
      const errors = plan.findings.find((f) => f.check === 'dryRun.errors');
      assert.match(errors?.message ?? '', /database outside/);
      // The report was read beside the summary: the plan says why, and which table.
      assert.equal(plan.findings.find((f) => f.check === 'dryRun.report')?.level, 'ok');
      const outside = plan.dryRun?.plan.databases.find((db) => db.database === 'outside');
      assert.match(outside?.reason ?? '', /1 table\(s\) cannot be registered/);
      assert.deepEqual(
        outside?.failingTables.map((t) => [t.table, t.action]),
        [['bad', 'ERROR']],
      );
      assert.match(outside?.failingTables[0]?.reason ?? '', /do not cover gs:\/\/elsewhere\/bad/);

      const blocked = await failureOf((await h.start(service, taskQueue, {}, config)).result());
      assert.equal(blocked.type, 'PrecheckFailed');
      assert.match(blocked.message, /dryRun\.errors/);
      const executions = await executionsOf(service);
      assert.ok(executions.length > 0 && executions.every((e) => /\/dryrun-/.test(e.name)), 'only dry runs started');
    });
    // The same workflow id again (the first run closed), the error accepted by name.
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue, { overrides: ['dryRun.errors'] }, config);
      const result = await handle.result();
      // A Hive-only backfill leaves the service ACTIVE: nothing to roll back, so no window.
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.equal(result.serviceState, 'ACTIVE');
      // The one-liner names the failed table (what an engineer fixes), not its database.
      assert.match(result.message ?? '', /SUCCEEDED: backfill SUCCEEDED: .*; failed: outside\.bad — report /);
      assert.ok(result.backfill?.failedDatabases.includes('outside'));
    });
  });

  it('a missing target catalog is a blocking finding, and no execution is started', async () => {
    const service = await h.seedService();
    await seedMetastore(h.emulator, service, SOURCE);
    const config = outgoing({ hiveConfig: { catalog: 'projects/test-project/catalogs/nowhere', databases: ['*'] } });
    await h.withWorker(async (taskQueue) => {
      const plan = await h.plan(service, taskQueue, {}, config);
      // The worker reads the catalogs before any dry run: the missing one is named, and the dry run is not run.
      assert.deepEqual(plan.blocking, ['targets.hiveCatalog']);
      const finding = plan.findings.find((f) => f.check === 'targets.hiveCatalog');
      assert.match(finding?.message ?? '', /projects\/test-project\/catalogs\/nowhere/);
      assert.equal(plan.findings.find((f) => f.check === 'dryRun.finished')?.level, 'skipped');
      const blocked = await failureOf((await h.start(service, taskQueue, {}, config)).result());
      assert.equal(blocked.type, 'PrecheckFailed');
      assert.match(blocked.message, /targets\.hiveCatalog/);
      assert.deepEqual(await executionsOf(service), []);
    });
  });

  it('the rollback window ends without a rollback: SUCCEEDED, the service still PROXY', async () => {
    const iceberg = catalogName('iceberg');
    await createCatalog(h.emulator, iceberg, 'ICEBERG');
    const service = await h.seedService();
    await seedMetastore(h.emulator, service, SOURCE);
    const config = outgoing({ icebergConfig: { catalog: iceberg, namespaces: ['web'] } });
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue, { rollbackWindowSeconds: 1 }, config);
      const result = await handle.result();
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.match(result.message ?? '', /the rollback window ended at .* without a rollback/);
      assert.equal((await h.metastore.getService(service)).state, 'PROXY');
      const status = await h.status(service);
      assert.deepEqual(
        status.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'STARTING', 'BACKFILL', 'ROLLBACK_WINDOW', 'DONE'],
      );
      // A rollback asked for after the end is refused without a word in history.
      await assert.rejects(handle.executeUpdate(requestRollbackUpdate, { args: [{}] }));
    });
  });

  it('a worker restart during the backfill changes nothing: the next worker sees it end, the window opens', async () => {
    const iceberg = catalogName('iceberg');
    await createCatalog(h.emulator, iceberg, 'ICEBERG');
    const service = await h.seedService();
    await seedMetastore(h.emulator, service, SOURCE);
    const config = outgoing({ icebergConfig: { catalog: iceberg, namespaces: ['*'] } });
    const taskQueue = `outgoing-restart-${randomUUID()}`;
    const worker = <T>(fn: () => Promise<T>) => h.withWorker(fn, SECRET_ENV, { taskQueue });
    // Every backfill (the precheck's dry run's too) takes 3 s: long enough to stop the worker in BACKFILL.
    await admin(h.emulator, 'durations', { backfill: 3000 });
    try {
      const handle = await worker(async () => {
        const started = await h.start(service, taskQueue, { rollbackWindowSeconds: 1 }, config);
        await h.waitForStage(service, 'BACKFILL');
        return started;
      });
      const [result, status] = await worker(async () => [await handle.result(), await h.status(service)] as const);
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.equal(result.backfill?.databases, 2);
      assert.deepEqual(
        status.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'STARTING', 'BACKFILL', 'ROLLBACK_WINDOW', 'DONE'],
      );
    } finally {
      await admin(h.emulator, 'durations', undefined, 'DELETE');
    }
  });

  it('a rollback by signal in the window (a malformed one ignored); one after the end is refused', async () => {
    const iceberg = catalogName('iceberg');
    await createCatalog(h.emulator, iceberg, 'ICEBERG');
    const service = await h.seedService();
    await seedMetastore(h.emulator, service, SOURCE);
    const config = outgoing({ icebergConfig: { catalog: iceberg, namespaces: ['web'] } });
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue, { rollbackWindowSeconds: 3600 }, config);
      const window = await h.waitForStage(service, 'ROLLBACK_WINDOW');
      assert.equal(window.serviceState, 'PROXY');
      // A malformed argument is ignored, as for complete and cancel: a rollback nobody meant must not start.
      await handle.signal('rollback', { by: 42 });
      await handle.signal('rollback', { by: 'dora', reason: 'rehearsal' });
      const result = await handle.result();
      assert.equal(result.outcome, 'ROLLED_BACK');
      assert.deepEqual(
        result.requests.map((r) => [r.action, r.by, r.via, r.accepted]),
        [['rollback', 'dora', 'signal', true]],
      );
      await assert.rejects(handle.executeUpdate(requestRollbackUpdate, { args: [{}] }));
      assert.equal((await h.metastore.getService(service)).state, 'ACTIVE');
    });
  });
});
