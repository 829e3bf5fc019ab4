// The outgoing kind's BACKFILL end to end over real HTTP: the states of §3.2, the service's own metastore copied
// into the Lakehouse catalogs (Hive tables to the Hive catalog, Iceberg tables to the Iceberg catalog), the
// conflict policies, the migrationSummary and the report written to the report sink.
import assert from 'node:assert/strict';
import { Storage } from '@google-cloud/storage';
import { after, before, describe, it } from 'node:test';
import { connectHiveMetastore } from '../../src/hive/metastore-client';
import { readMetastoreInventory } from '../../src/hive/read-inventory';
import {
  type Emulator,
  type Json,
  admin,
  call,
  seedSpannerService,
  startEmulator,
  until,
  waitForOperation,
  waitForState,
} from '../helpers/emulator';
import {
  createCatalog,
  hiveTable,
  icebergTable,
  lakehouseCatalog,
  MemoryReportSink,
  reportAt,
  seedMetastore,
  startOutgoing,
} from '../helpers/outgoing';

let catalogs = 0;
/** Catalog names of their own per test: the emulator (and its Lakehouse store) is shared by the file. */
function catalogNames() {
  catalogs += 1;
  return {
    hive: `projects/test-project/catalogs/hive-${catalogs}`,
    iceberg: `projects/test-project/catalogs/iceberg-${catalogs}`,
  };
}

const ORDERS = hiveTable({
  partitions: ['dt=2026-01-01', 'dt=2026-01-02', 'dt=2026-01-03'],
  location: 'gs://warehouse/sales/orders',
});

describe('outgoing BACKFILL', () => {
  let emulator: Emulator;
  // The test's own report sink: what a Cloud Storage stand-in would have received.
  const reports = new MemoryReportSink();
  const get = async (name: string) => (await call(emulator, 'GET', `/v1/${name}`)).body;

  before(async () => {
    // Operations take 50 ms; each test sets the start's and the backfill's durations it needs (POST durations).
    emulator = await startEmulator({ operationDelayMs: 50, reports });
  });
  after(() => emulator.close());

  const waitForEnd = (execution: string) =>
    waitForState(emulator, execution, 'SUCCEEDED').catch(async () => {
      throw new Error(`not SUCCEEDED: ${JSON.stringify(await get(execution))}`);
    });

  it('copies Hive tables to the Hive catalog and Iceberg tables to the Iceberg catalog; the service ends PROXY', async () => {
    const { hive, iceberg } = catalogNames();
    await createCatalog(emulator, hive, 'HIVE');
    await createCatalog(emulator, iceberg, 'ICEBERG');
    const service = await seedSpannerService(emulator);
    await seedMetastore(emulator, service, {
      sales: {
        orders: ORDERS,
        customers: hiveTable({ columns: ['id bigint', 'email string'] }),
        events: icebergTable('gs://warehouse/sales/events'),
      },
      web: { clicks: icebergTable('gs://warehouse/web/clicks'), sessions: hiveTable() },
      hr: { staff: hiveTable() },
    });
    // The target already holds sales.customers (other columns): SKIP, the default policy, leaves it alone.
    await seedTargetTable(hive, 'sales', 'customers', ['id bigint', 'email_address string']);
    // Long enough for STARTING/PENDING and RUNNING/RUNNING to be read on a loaded machine.
    await admin(emulator, 'durations', { 'services.startMigration': 600, backfill: 600 });

    const started = await startOutgoing(
      emulator,
      service,
      {
        hiveConfig: { catalog: hive, databases: ['sales'] },
        icebergConfig: { catalog: iceberg, namespaces: ['*'] },
      },
      { extra: { migrationExecutionId: 'lake-1' } },
    );
    assert.equal(started.status, 200, started.text);
    const execution = `${service}/migrationExecutions/lake-1`;
    assert.equal((await get(service)).state, 'MIGRATING');
    const starting = await get(execution);
    assert.equal(starting.state, 'STARTING');
    assert.deepEqual(starting.biglakeMetastoreMigrationConfig.backfillStatus, { state: 'PENDING' });

    const startOp = await waitForOperation(emulator, started.body.name);
    assert.equal(startOp.response.state, 'RUNNING');
    const running = await get(execution);
    assert.equal(running.state, 'RUNNING');
    assert.deepEqual(running.biglakeMetastoreMigrationConfig.backfillStatus, { state: 'RUNNING' });

    const done = await waitForEnd(execution);
    assert.ok(done.endTime);
    const status = done.biglakeMetastoreMigrationConfig.backfillStatus;
    assert.equal(status.state, 'SUCCEEDED');
    const serviceNow = await get(service);
    assert.equal(status.reportPath, `${serviceNow.artifactGcsUri}/migration-reports/lake-1.json`);
    assert.equal(serviceNow.state, 'PROXY');
    assert.deepEqual(serviceNow.lakehouseProxyConfig, { catalog: iceberg, namespaces: ['sales', 'web'] });

    const summary = status.migrationSummary;
    assert.equal(summary.service, service);
    assert.equal(summary.dryRun, undefined);
    assert.ok(summary.createTime <= summary.endTime);
    assert.deepEqual(summary.catalogSummaries, [
      {
        catalog: hive,
        catalogType: 'HIVE',
        databaseSummaries: [
          {
            database: 'sales',
            planAction: 'CREATE',
            resultStatus: 'SUCCEEDED',
            tableSummary: {
              partitionDiscoveredCount: '3',
              partitionSuccessCount: '3',
              planCounts: { SKIP: '1', CREATE: '1' },
              resultCounts: { SKIPPED: '1', SUCCEEDED: '1' },
            },
          },
        ],
      },
      {
        catalog: iceberg,
        catalogType: 'ICEBERG',
        databaseSummaries: [
          {
            database: 'sales',
            planAction: 'CREATE',
            resultStatus: 'SUCCEEDED',
            tableSummary: { planCounts: { CREATE: '1' }, resultCounts: { SUCCEEDED: '1' } },
          },
          {
            database: 'web',
            planAction: 'CREATE',
            resultStatus: 'SUCCEEDED',
            tableSummary: { planCounts: { CREATE: '1', SKIP: '1' }, resultCounts: { SUCCEEDED: '1', SKIPPED: '1' } },
          },
        ],
      },
    ]);

    // What the target catalogs hold now.
    const hiveNow = await lakehouseCatalog(emulator, hive);
    assert.deepEqual(Object.keys(hiveNow.databases), ['sales']);
    const orders = hiveNow.databases.sales.orders;
    assert.equal(orders.tableType, 'EXTERNAL_TABLE', 'BigLake Hive catalogs hold external tables');
    assert.deepEqual(orders.partitions, ['dt=2026-01-01', 'dt=2026-01-02', 'dt=2026-01-03']);
    assert.equal(orders.location, 'gs://warehouse/sales/orders');
    assert.deepEqual(hiveNow.databases.sales.customers.columns[1], { name: 'email_address', type: 'string' });
    assert.equal(hiveNow.databases.sales.events, undefined, 'an Iceberg table never goes to the Hive catalog');
    const icebergNow = await lakehouseCatalog(emulator, iceberg);
    assert.deepEqual(Object.keys(icebergNow.namespaces).sort(), ['sales', 'web']);
    assert.deepEqual(Object.keys(icebergNow.namespaces.web), ['clicks']);
    assert.equal(
      icebergNow.namespaces.web.clicks.metadataLocation,
      'gs://warehouse/web/clicks/metadata/00001.metadata.json',
    );
    assert.deepEqual(icebergNow.namespaces.web.clicks.properties, {});

    // The report: the summary, and per database and table the plan and the result.
    const report = reportAt(reports, status.reportPath);
    assert.equal(report.contentType, 'application/json');
    assert.deepEqual(report.body.summary, summary);
    const [hiveReport, icebergReport] = report.body.catalogReports;
    assert.equal(hiveReport.catalogType, 'HIVE');
    const sales = hiveReport.databaseReports.sales;
    assert.deepEqual(sales.executionResult, { state: 'SUCCEEDED' });
    assert.deepEqual(sales.tableReports.orders, {
      table: 'orders',
      executionPlan: { action: 'CREATE', reason: 'Not in the target.' },
      executionResult: { state: 'SUCCEEDED' },
      partitionDiscoveredCount: '3',
      partitionReport: { state: 'SUCCEEDED', partitionSuccessCount: '3' },
    });
    assert.equal(sales.tableReports.customers.executionPlan.action, 'SKIP');
    assert.match(sales.tableReports.customers.executionPlan.reason, /conflictPolicy SKIP/);
    assert.deepEqual(sales.tableReports.customers.executionResult, { state: 'SKIPPED' });
    const sessions = icebergReport.databaseReports.web.tableReports.sessions;
    assert.equal(sessions.executionPlan.action, 'SKIP');
    assert.match(sessions.executionPlan.reason, /only hiveConfig migrates it, and database web is not listed/);
    assert.equal(icebergReport.databaseReports.hr, undefined, 'hr holds no Iceberg table: not a namespace of "*"');
  });

  it('OVERWRITE replaces a differing table (UPDATE with field diffs) and writes the report under reportPath', async () => {
    await admin(emulator, 'durations', { 'services.startMigration': 20, backfill: 20 });
    const { hive } = catalogNames();
    await createCatalog(emulator, hive, 'HIVE');
    const service = await seedSpannerService(emulator);
    await seedMetastore(emulator, service, {
      sales: { orders: ORDERS, same: hiveTable({ location: 'gs://warehouse/sales/same' }) },
    });
    await seedTargetTable(hive, 'sales', 'orders', ['id bigint']);
    const config = { hiveConfig: { catalog: hive, databases: ['*'] }, conflictPolicy: 'OVERWRITE' };
    const done = await startAndWait(service, { ...config, reportPath: 'gs://reports-bucket/lake' }, 'over-1');
    const status = done.biglakeMetastoreMigrationConfig.backfillStatus;
    assert.equal(status.reportPath, 'gs://reports-bucket/lake/migration-reports/over-1.json');
    const [db] = status.migrationSummary.catalogSummaries[0].databaseSummaries;
    assert.equal(db.planAction, 'UPDATE', 'the strongest of CREATE (same) and UPDATE (orders)');
    assert.deepEqual(db.tableSummary.planCounts, { UPDATE: '1', CREATE: '1' });

    const report = reportAt(reports, status.reportPath);
    const plan = report.body.catalogReports[0].databaseReports.sales.tableReports.orders.executionPlan;
    assert.equal(plan.action, 'UPDATE');
    assert.deepEqual(plan.diffs.columns, { sourceValue: 'id bigint, name string', targetValue: 'id bigint' });
    assert.deepEqual(plan.diffs.partitions, { sourceValue: '3', targetValue: '0' });
    const orders = (await lakehouseCatalog(emulator, hive)).databases.sales.orders;
    assert.equal(orders.columns.length, 2, 'the target table was replaced by the source one');
    assert.equal(orders.partitions.length, 3);
    // A Hive-only backfill leaves the service ACTIVE by default.
    assert.equal((await get(service)).state, 'ACTIVE');
    assert.equal((await get(service)).lakehouseProxyConfig, undefined);
  });

  it('a table outside the catalog locations is ERROR; a new database with one is not created (DEPENDENCY_FAILURE)', async () => {
    await admin(emulator, 'durations', { 'services.startMigration': 20, backfill: 20 });
    const { hive } = catalogNames();
    await createCatalog(emulator, hive, 'HIVE', ['gs://warehouse/ok']);
    const service = await seedSpannerService(emulator);
    await seedMetastore(emulator, service, {
      fresh: {
        good: hiveTable({ location: 'gs://warehouse/ok/good' }),
        bad: hiveTable({ location: 'gs://other/bad' }),
      },
      kept: {
        good: hiveTable({ location: 'gs://warehouse/ok/kept', partitions: ['dt=1', 'dt=2'] }),
        bad: hiveTable({ location: 'gs://other/bad2', partitions: ['dt=1'] }),
      },
    });
    await seedTargetTable(hive, 'kept', 'older', ['id bigint']);
    const done = await startAndWait(
      service,
      { hiveConfig: { catalog: hive, databases: ['fresh', 'kept', 'ghost'] } },
      'loc-1',
    );
    assert.equal(done.state, 'SUCCEEDED', 'a backfill with failed tables still finishes');
    const status = done.biglakeMetastoreMigrationConfig.backfillStatus;
    assert.equal(status.state, 'SUCCEEDED');
    const [fresh, kept, ghost] = status.migrationSummary.catalogSummaries[0].databaseSummaries;
    assert.deepEqual(fresh, {
      database: 'fresh',
      planAction: 'ERROR',
      resultStatus: 'FAILED',
      tableSummary: { planCounts: { ERROR: '1', DEPENDENCY_FAILURE: '1' }, resultCounts: { FAILED: '2' } },
    });
    assert.deepEqual(kept, {
      database: 'kept',
      planAction: 'ERROR',
      resultStatus: 'FAILED',
      tableSummary: {
        partitionDiscoveredCount: '3',
        partitionSuccessCount: '2',
        partitionFailedCount: '1',
        planCounts: { ERROR: '1', CREATE: '1' },
        resultCounts: { FAILED: '1', SUCCEEDED: '1' },
      },
    });
    assert.equal(ghost.planAction, 'ERROR');
    const target = await lakehouseCatalog(emulator, hive);
    assert.deepEqual(Object.keys(target.databases).sort(), ['kept'], 'fresh was not created');
    assert.deepEqual(Object.keys(target.databases.kept).sort(), ['good', 'older']);
    const report = reportAt(reports, status.reportPath);
    const databases = report.body.catalogReports[0].databaseReports;
    assert.match(databases.fresh.tableReports.bad.executionPlan.reason, /do not cover gs:\/\/other\/bad/);
    assert.equal(databases.fresh.tableReports.good.executionPlan.action, 'DEPENDENCY_FAILURE');
    assert.match(databases.kept.tableReports.bad.executionResult.remediation, /locations/);
    assert.match(databases.ghost.executionPlan.reason, /ghost does not exist in the service's metastore/);
  });

  it('failed partitions: the table SUCCEEDED with partitionReport PARTIALLY_SUCCEEDED, only the rest registered', async () => {
    await admin(emulator, 'durations', { 'services.startMigration': 20, backfill: 20 });
    const { hive } = catalogNames();
    await createCatalog(emulator, hive, 'HIVE');
    const service = await seedSpannerService(emulator);
    await seedMetastore(emulator, service, { sales: { orders: ORDERS } });
    await admin(emulator, 'backfill-faults', { service, failPartitions: ['sales.orders/dt=2026-01-02'] });
    const done = await startAndWait(service, { hiveConfig: { catalog: hive, databases: ['*'] } }, 'parts-1');
    const status = done.biglakeMetastoreMigrationConfig.backfillStatus;
    const [sales] = status.migrationSummary.catalogSummaries[0].databaseSummaries;
    assert.equal(sales.resultStatus, 'SUCCEEDED');
    assert.deepEqual(sales.tableSummary, {
      partitionDiscoveredCount: '3',
      partitionSuccessCount: '2',
      partitionFailedCount: '1',
      planCounts: { CREATE: '1' },
      resultCounts: { SUCCEEDED: '1' },
    });
    const orders = reportAt(reports, status.reportPath).body.catalogReports[0].databaseReports.sales.tableReports
      .orders;
    assert.deepEqual(orders.partitionReport, {
      state: 'PARTIALLY_SUCCEEDED',
      partitionSuccessCount: '2',
      partitionFailedCount: '1',
    });
    const target = (await lakehouseCatalog(emulator, hive)).databases.sales.orders;
    assert.deepEqual(target.partitions, ['dt=2026-01-01', 'dt=2026-01-03']);
  });

  it('a dry run plans only: nothing written, planAction/planCounts only, a report, the service ACTIVE', async () => {
    await admin(emulator, 'durations', { 'services.startMigration': 20, backfill: 20 });
    const { hive, iceberg } = catalogNames();
    await createCatalog(emulator, hive, 'HIVE');
    await createCatalog(emulator, iceberg, 'ICEBERG');
    const service = await seedSpannerService(emulator);
    await seedMetastore(emulator, service, {
      sales: { orders: ORDERS, events: icebergTable('gs://warehouse/sales/events') },
    });
    const config = {
      dryRun: true,
      hiveConfig: { catalog: hive, databases: ['*'] },
      icebergConfig: { catalog: iceberg, namespaces: ['*'] },
    };
    const done = await startAndWait(service, config, 'dry-1');
    const status = done.biglakeMetastoreMigrationConfig.backfillStatus;
    assert.equal(status.state, 'SUCCEEDED');
    assert.equal(status.migrationSummary.dryRun, true);
    const [hiveSummary] = status.migrationSummary.catalogSummaries;
    assert.deepEqual(hiveSummary.databaseSummaries, [
      {
        database: 'sales',
        planAction: 'CREATE',
        tableSummary: { partitionDiscoveredCount: '3', planCounts: { CREATE: '1' } },
      },
    ]);
    assert.deepEqual((await lakehouseCatalog(emulator, hive)).databases, {});
    assert.deepEqual((await lakehouseCatalog(emulator, iceberg)).namespaces, {});
    const report = reportAt(reports, status.reportPath);
    assert.equal(report.body.summary.dryRun, true);
    const orders = report.body.catalogReports[0].databaseReports.sales.tableReports.orders;
    assert.equal(orders.executionResult, undefined);
    assert.equal(orders.executionPlan.action, 'CREATE');
    const serviceNow = await get(service);
    assert.equal(serviceNow.state, 'ACTIVE');
    assert.equal(serviceNow.lakehouseProxyConfig, undefined);
  });

  it('a Hive-only backfill ends PROXY when the setting says so', async () => {
    await admin(emulator, 'durations', { 'services.startMigration': 20, backfill: 20 });
    await admin(emulator, 'outgoing-settings', { hiveOnlyBackfillEndsIn: 'PROXY' });
    try {
      const { hive } = catalogNames();
      await createCatalog(emulator, hive, 'HIVE');
      const service = await seedSpannerService(emulator);
      await seedMetastore(emulator, service, { sales: { orders: ORDERS } });
      await startAndWait(service, { hiveConfig: { catalog: hive, databases: ['*'] } }, 'hive-proxy');
      const serviceNow = await get(service);
      assert.equal(serviceNow.state, 'PROXY');
      assert.deepEqual(serviceNow.lakehouseProxyConfig, { catalog: hive, namespaces: ['sales'] });
    } finally {
      await admin(emulator, 'outgoing-settings', undefined, 'DELETE');
    }
  });

  /** Starts a migration and waits until its execution SUCCEEDED (or fails the test); returns the execution. */
  async function startAndWait(service: string, config: Record<string, unknown>, id: string): Promise<Json> {
    const started = await startOutgoing(emulator, service, config, { extra: { migrationExecutionId: id } });
    assert.equal(started.status, 200, started.text);
    return waitForEnd(`${service}/migrationExecutions/${id}`);
  }

  /** A table already in the target: migrated there from a service of its own. */
  async function seedTargetTable(catalog: string, db: string, table: string, columns: string[]): Promise<void> {
    await admin(emulator, 'durations', { 'services.startMigration': 20, backfill: 20 });
    const helper = await seedSpannerService(emulator);
    await seedMetastore(emulator, helper, { [db]: { [table]: hiveTable({ columns }) } });
    const started = await startOutgoing(emulator, helper, { hiveConfig: { catalog, databases: [db] } });
    await waitForEnd(started.body.metadata.target);
  }
});

describe("a service's own metastore", () => {
  it('is what its Hive Thrift endpoint serves: the seed, with Iceberg parameters and locations', async () => {
    const emulator = await startEmulator({ operationDelayMs: 20 });
    try {
      const service = await seedSpannerService(emulator);
      await seedMetastore(emulator, service, {
        sales: { orders: ORDERS, events: icebergTable('gs://warehouse/sales/events') },
      });
      const { endpointUri } = (await call(emulator, 'GET', `/v1/${service}`)).body;
      const served = await readMetastoreInventory(endpointUri, { connections: 1 });
      assert.deepEqual(Object.keys(served.databases.sales ?? {}).sort(), ['events', 'orders']);
      assert.deepEqual(served.databases.sales?.orders?.partitions, ['dt=2026-01-01', 'dt=2026-01-02', 'dt=2026-01-03']);
      const client = await connectHiveMetastore(endpointUri);
      try {
        const events = await client.getTable('sales', 'events');
        assert.equal(events.parameters?.table_type, 'ICEBERG');
        assert.equal(events.parameters?.metadata_location, 'gs://warehouse/sales/events/metadata/00001.metadata.json');
        assert.equal(events.sd?.location, 'gs://warehouse/sales/events');
      } finally {
        client.close();
      }
    } finally {
      await emulator.close();
    }
  });
});

describe('outgoing reports with the default sink', () => {
  it("writes them to the Cloud Storage stand-in, in the service's artifacts bucket, for the official client", async () => {
    const emulator = await startEmulator({ operationDelayMs: 20 });
    try {
      const hive = 'projects/test-project/catalogs/default-sink';
      await createCatalog(emulator, hive, 'HIVE');
      const service = await seedSpannerService(emulator);
      await seedMetastore(emulator, service, { sales: { orders: ORDERS } });
      const started = await startOutgoing(emulator, service, { hiveConfig: { catalog: hive, databases: ['*'] } });
      const done = await waitForState(emulator, started.body.metadata.target, 'SUCCEEDED');
      const reportPath: string = done.biglakeMetastoreMigrationConfig.backfillStatus.reportPath;
      const [, bucket = '', object = ''] = /^gs:\/\/([^/]+)\/(.+)$/.exec(reportPath) ?? [];
      // apiEndpoint on loopback: the client looks up no credentials and sends none.
      const storage = new Storage({
        apiEndpoint: emulator.url,
        projectId: 'test-project',
        retryOptions: { autoRetry: false },
      });
      const [contents] = await storage.bucket(bucket).file(object).download();
      const report = JSON.parse(contents.toString('utf8')) as Json;
      assert.equal(report.summary.service, service);
      assert.equal(
        report.catalogReports[0].databaseReports.sales.tableReports.orders.executionResult.state,
        'SUCCEEDED',
      );
      assert.equal(done.stateMessage, undefined, 'the report was written');
    } finally {
      await emulator.close();
    }
  });
});

describe('an outgoing report that cannot be written', () => {
  it('leaves the execution as the backfill ended, its stateMessage saying why', async () => {
    const refusing = { write: () => Promise.reject(new Error('bucket gs://nowhere does not exist')) };
    const emulator = await startEmulator({ operationDelayMs: 20, reports: refusing });
    try {
      const hive = 'projects/test-project/catalogs/no-bucket';
      await createCatalog(emulator, hive, 'HIVE');
      const service = await seedSpannerService(emulator);
      await seedMetastore(emulator, service, { sales: { orders: ORDERS } });
      const config = { hiveConfig: { catalog: hive, databases: ['*'] }, reportPath: 'gs://nowhere/reports' };
      const started = await startOutgoing(emulator, service, config, { extra: { migrationExecutionId: 'nb-1' } });
      const execution = `${service}/migrationExecutions/nb-1`;
      const ended = await until(
        () => call(emulator, 'GET', `/v1/${execution}`).then((r) => r.body),
        (body) => typeof body.stateMessage === 'string',
        { what: 'the stateMessage' },
      );
      assert.equal(started.status, 200);
      assert.equal(ended.state, 'SUCCEEDED');
      assert.equal(
        ended.stateMessage,
        'The report could not be written to gs://nowhere/reports/migration-reports/nb-1.json: bucket gs://nowhere does not exist',
      );
      assert.equal(ended.biglakeMetastoreMigrationConfig.backfillStatus.state, 'SUCCEEDED');
    } finally {
      await emulator.close();
    }
  });
});
