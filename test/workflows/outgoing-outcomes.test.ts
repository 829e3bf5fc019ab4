// The outgoing kind's outcomes beyond a clean backfill, on a real Temporal dev server with the real activities
// talking HTTP to the emulator: a backfill that SUCCEEDED with failed tables (named in the outcome, `status` and
// `wait`'s exit code), conflictPolicy SKIP vs OVERWRITE against a target that already holds the table, and the
// CLI's `verify` of a finished outgoing migration, before and after a table is dropped from the target.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatVerification, runVerify, verificationExitCode, waitExitCode } from '../../src/cli/verification';
import { formatStatus } from '../../src/cli/format';
import type { MigrationExecutionRequest } from '../../src/schemas';
import { admin, call } from '../helpers/emulator';
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
function catalogName(): string {
  catalogs += 1;
  return `projects/test-project/catalogs/wf-outcomes-${process.pid}-${catalogs}`;
}

function outgoing(config: Record<string, unknown>): MigrationExecutionRequest {
  return { biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', ...config } } as MigrationExecutionRequest;
}

describe('outgoing migration outcomes', () => {
  it('two tables fail: the run still SUCCEEDED, the outcome, status and wait name both (wait exits 3)', async () => {
    const hive = catalogName();
    await createCatalog(h.emulator, hive, 'HIVE');
    const service = await h.seedService();
    await seedMetastore(h.emulator, service, {
      sales: { orders: hiveTable({ partitions: ['dt=1'] }), customers: hiveTable() },
      web: { clicks: hiveTable() },
    });
    // Faults fire once per backfill of the service, oldest first; the start's precheck runs a dry run (a backfill
    // too) before the real one, so the first, empty fault is the dry run's and the second the real backfill's.
    await admin(h.emulator, 'backfill-faults', { service });
    await admin(h.emulator, 'backfill-faults', { service, failTables: ['sales.orders', 'web.clicks'] });
    const config = outgoing({ hiveConfig: { catalog: hive, databases: ['*'] } });
    await h.withWorker(async (taskQueue) => {
      const result = await (await h.start(service, taskQueue, {}, config)).result();
      // The contract: a finished backfill with failed tables still finishes.
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.equal(result.execution?.state, 'SUCCEEDED');
      assert.equal(result.backfill?.state, 'SUCCEEDED');
      assert.deepEqual(result.backfill?.tablesByResult, { SUCCEEDED: 1, FAILED: 2 });
      assert.equal(result.backfill?.reportRead, true);
      assert.deepEqual(
        result.backfill?.failedTables.map((t) => [t.database, t.table, t.errorMessage]),
        [
          ['sales', 'orders', 'Injected failure: sales.orders could not be written to the target catalog.'],
          ['web', 'clicks', 'Injected failure: web.clicks could not be written to the target catalog.'],
        ],
      );
      // What failed was never expected in the target: the verification compares the rest and finds it all there.
      assert.equal(result.verification?.status, 'ok', JSON.stringify(result.verification));
      assert.equal(waitExitCode(result), 3, 'wait: the migration ended, but not everything arrived');

      const shown = formatStatus(await h.status(service));
      assert.match(shown, /failed tables\n\s+sales\.orders: Injected failure: sales\.orders could not be written/);
      assert.match(shown, /\s+web\.clicks: Injected failure: web\.clicks could not be written/);
    });
  });

  for (const policy of ['SKIP', 'OVERWRITE'] as const) {
    it(`conflictPolicy ${policy} against a target that already holds the table`, async () => {
      const hive = catalogName();
      await createCatalog(h.emulator, hive, 'HIVE');
      const existing = {
        columns: [{ name: 'legacy_id', type: 'int' }],
        location: 'gs://old-warehouse/sales/orders',
      };
      await admin(h.emulator, 'catalogs:seed', { catalog: hive, databases: { sales: { orders: existing } } });
      const service = await h.seedService();
      await seedMetastore(h.emulator, service, {
        sales: { orders: hiveTable({ location: 'gs://warehouse/sales/orders' }), customers: hiveTable() },
      });
      const config = outgoing({ conflictPolicy: policy, hiveConfig: { catalog: hive, databases: ['sales'] } });
      await h.withWorker(async (taskQueue) => {
        const plan = await h.plan(service, taskQueue, {}, config);
        assert.equal(plan.ok, true, JSON.stringify(plan.findings));
        const sales = plan.dryRun?.plan.databases.find((db) => db.database === 'sales');
        const action = policy === 'SKIP' ? 'SKIP' : 'UPDATE';
        assert.deepEqual(sales?.tables, { CREATE: 1, [action]: 1 }, JSON.stringify(sales));

        const result = await (await h.start(service, taskQueue, {}, config)).result();
        assert.equal(result.outcome, 'SUCCEEDED');
        const orders = (await lakehouseCatalog(h.emulator, hive)).databases.sales.orders;
        if (policy === 'SKIP') {
          assert.deepEqual(result.backfill?.tablesByResult, { SUCCEEDED: 1, SKIPPED: 1 });
          assert.equal(orders.location, existing.location, 'the target table is left untouched');
          assert.deepEqual(orders.columns, existing.columns);
          // A table skipped by policy is no loss and no mismatch: the target holds a table of that name.
          assert.equal(result.verification?.status, 'ok', JSON.stringify(result.verification));
        } else {
          assert.deepEqual(result.backfill?.tablesByResult, { SUCCEEDED: 2 });
          assert.equal(orders.location, 'gs://warehouse/sales/orders', 'the target table is replaced');
          assert.deepEqual(
            orders.columns.map((c: { name: string }) => c.name),
            ['id', 'name'],
          );
          assert.equal(result.verification?.status, 'ok', JSON.stringify(result.verification));
        }
        assert.equal(waitExitCode(result), 0);
      });
    });
  }

  it('verify of a finished outgoing migration: ok, then a mismatch naming the table dropped from the target', async () => {
    const hive = catalogName();
    const iceberg = catalogName();
    await createCatalog(h.emulator, hive, 'HIVE');
    await createCatalog(h.emulator, iceberg, 'ICEBERG');
    const service = await h.seedService();
    await seedMetastore(h.emulator, service, {
      sales: { orders: hiveTable({ partitions: ['dt=1'] }) },
      web: { clicks: icebergTable('gs://wh/web/clicks'), views: icebergTable('gs://wh/web/views') },
    });
    const config = outgoing({
      hiveConfig: { catalog: hive, databases: ['sales'] },
      icebergConfig: { catalog: iceberg, namespaces: ['web'] },
    });
    await h.withWorker(async (taskQueue) => {
      // Every backfill (the dry run too) takes 6 s here: ample time to ask for a verify while it runs, even on a
      // loaded machine (the next read after the stage is entered comes within a second).
      await admin(h.emulator, 'durations', { backfill: 6000 });
      const result = await (async () => {
        try {
          const handle = await h.start(service, taskQueue, { rollbackWindowSeconds: 1 }, config);
          await h.waitForStage(service, 'BACKFILL');
          // Nothing finished to compare yet: said (the execution and its state), and `verify` exits 1.
          const early = await runVerify(h.env.client, taskQueue, service);
          assert.equal(early.status, 'skipped', JSON.stringify(early));
          assert.match(early.note ?? '', /no finished backfill to verify \(.*\/migrationExecutions\/.* is RUNNING\)/);
          assert.equal(verificationExitCode(early), 1);
          return await handle.result();
        } finally {
          await admin(h.emulator, 'durations', undefined, 'DELETE');
        }
      })();
      assert.equal(result.outcome, 'SUCCEEDED');

      const verified = await runVerify(h.env.client, taskQueue, service);
      assert.equal(verified.status, 'ok', JSON.stringify(verified));
      assert.equal(verified.report?.compared, 'lakehouse');
      assert.equal(verificationExitCode(verified), 0);

      // Someone drops a migrated table from the target, through the Iceberg REST catalog as any client would.
      const dropped = await call(
        h.emulator,
        'DELETE',
        `/iceberg/v1/restcatalog/v1/${iceberg}/namespaces/web/tables/clicks`,
      );
      assert.ok(dropped.status >= 200 && dropped.status < 300, dropped.text);

      const after = await runVerify(h.env.client, taskQueue, service);
      assert.equal(after.status, 'mismatch', JSON.stringify(after));
      assert.equal(verificationExitCode(after), 3);
      assert.deepEqual(
        after.report?.differences.map((d) => [d.problem, d.name]),
        [['missing', 'web.clicks']],
        JSON.stringify(after.report?.differences),
      );
      assert.match(formatVerification(after), /missing .*web\.clicks/);
    });
  });
});
