// The outgoing kind after the backfill, over real HTTP: INCREMENTAL_SYNC until completeMigration, cancel
// (CANCELLED, what stays written), rollback (ROLLED_BACK) within its window, a further batch while PROXY, the
// backfill faults, and a restart from the state file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
function catalogName(type: 'hive' | 'iceberg'): string {
  catalogs += 1;
  return `projects/test-project/catalogs/${type}-life-${catalogs}`;
}

const SOURCE = {
  sales: { events: icebergTable('gs://wh/sales/events'), orders: hiveTable({ partitions: ['dt=1'] }) },
  web: { clicks: icebergTable('gs://wh/web/clicks') },
};

describe('outgoing lifecycle', () => {
  let emulator: Emulator;
  const reports = new MemoryReportSink();
  const get = async (name: string) => (await call(emulator, 'GET', `/v1beta/${name}`)).body;
  const post = (path: string) => call(emulator, 'POST', `/v1beta/${path}`, {});

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 20, durations: { backfill: 20 }, reports });
  });
  after(() => emulator.close());

  async function icebergService(): Promise<{ service: string; iceberg: string }> {
    const iceberg = catalogName('iceberg');
    await createCatalog(emulator, iceberg, 'ICEBERG');
    const service = await seedSpannerService(emulator);
    await seedMetastore(emulator, service, SOURCE);
    return { service, iceberg };
  }

  async function start(service: string, config: Record<string, unknown>, id: string): Promise<string> {
    const started = await startOutgoing(emulator, service, config, {
      version: 'v1beta',
      extra: { migrationExecutionId: id },
    });
    assert.equal(started.status, 200, started.text);
    return `${service}/migrationExecutions/${id}`;
  }

  const backfillState = async (execution: string) =>
    (await get(execution)).biglakeMetastoreMigrationConfig.backfillStatus?.state;

  it('INCREMENTAL_SYNC stays RUNNING after its backfill, then completeMigration → SUCCEEDED, the service PROXY', async () => {
    const { service, iceberg } = await icebergService();
    const execution = await start(
      service,
      { mode: 'INCREMENTAL_SYNC', icebergConfig: { catalog: iceberg, namespaces: ['web'] } },
      'sync-1',
    );
    await until(
      () => backfillState(execution),
      (state) => state === 'SUCCEEDED',
      { what: 'backfill SUCCEEDED' },
    );
    const syncing = await get(execution);
    assert.equal(syncing.state, 'RUNNING');
    assert.equal(syncing.endTime, undefined);
    assert.match(syncing.stateMessage, /until completeMigration or cancelMigration/);
    assert.equal((await get(service)).state, 'MIGRATING');
    assert.deepEqual(Object.keys((await lakehouseCatalog(emulator, iceberg)).namespaces), ['web']);
    // A write to the source while syncing reaches the target: a new table, a new metadata file.
    const written = await admin(emulator, 'services:metastore', {
      name: service,
      databases: {
        ...SOURCE,
        web: {
          clicks: icebergTable('gs://wh/web/clicks', {
            metadata_location: 'gs://wh/web/clicks/metadata/00002.metadata.json',
          }),
          views: icebergTable('gs://wh/web/views'),
        },
      },
    });
    assert.equal(written.replicated, 2);
    const synced = (await lakehouseCatalog(emulator, iceberg)).namespaces.web;
    assert.deepEqual(Object.keys(synced).sort(), ['clicks', 'views']);
    assert.equal(synced.clicks.metadataLocation, 'gs://wh/web/clicks/metadata/00002.metadata.json');
    assert.deepEqual(
      (await get(execution)).biglakeMetastoreMigrationConfig.backfillStatus.migrationSummary.catalogSummaries[0]
        .databaseSummaries[0].tableSummary.planCounts,
      { CREATE: '1' },
      'the backfill summary stays as it was',
    );

    const completed = await post(`${service}:completeMigration`);
    assert.equal(completed.status, 200, completed.text);
    const again = await post(`${service}:completeMigration`);
    assert.equal(again.body.error?.status, 'FAILED_PRECONDITION');
    const op = await waitForOperation(emulator, completed.body.name, { version: 'v1beta' });
    assert.deepEqual(op.response, {
      '@type': 'type.googleapis.com/google.cloud.metastore.v1beta.CompleteMigrationResponse',
      migrationExecution: execution,
    });
    const done = await get(execution);
    assert.equal(done.state, 'SUCCEEDED');
    assert.ok(done.endTime);
    const proxied = await get(service);
    assert.equal(proxied.state, 'PROXY');
    assert.deepEqual(proxied.lakehouseProxyConfig, { catalog: iceberg, namespaces: ['web'] });

    // A further batch while PROXY: into the same Iceberg catalog only; the proxied namespaces grow.
    const elsewhere = await startOutgoing(emulator, service, { hiveConfig: { catalog: iceberg, databases: ['*'] } });
    assert.equal(elsewhere.body.error?.status, 'FAILED_PRECONDITION');
    assert.match(elsewhere.body.error.message, /The service is PROXY/);
    const batch = await start(service, { icebergConfig: { catalog: iceberg, namespaces: ['sales'] } }, 'batch-2');
    assert.equal((await get(service)).state, 'MIGRATING');
    await waitForState(emulator, batch, 'SUCCEEDED');
    const grown = await get(service);
    assert.equal(grown.state, 'PROXY');
    assert.deepEqual(grown.lakehouseProxyConfig, { catalog: iceberg, namespaces: ['sales', 'web'] });
  });

  it('completeMigration on a BACKFILL is FAILED_PRECONDITION', async () => {
    const { service, iceberg } = await icebergService();
    await admin(emulator, 'durations', { backfill: 3_600_000 });
    try {
      await start(service, { icebergConfig: { catalog: iceberg, namespaces: ['*'] } }, 'one-shot');
      const refused = await post(`${service}:completeMigration`);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.status, 'FAILED_PRECONDITION');
      assert.match(refused.body.error.message, /a BACKFILL ends by itself/);
    } finally {
      await admin(emulator, 'durations', undefined, 'DELETE');
    }
  });

  it('cancel while RUNNING → CANCELLING → CANCELLED, the service ACTIVE; with `revert` nothing stays written', async () => {
    await admin(emulator, 'outgoing-settings', { cancelLeavesWritten: 'revert' });
    await admin(emulator, 'durations', { 'services.cancelMigration': 600 });
    try {
      const { service, iceberg } = await icebergService();
      const execution = await start(
        service,
        { mode: 'INCREMENTAL_SYNC', icebergConfig: { catalog: iceberg, namespaces: ['*'] } },
        'sync-c',
      );
      await until(
        () => backfillState(execution),
        (state) => state === 'SUCCEEDED',
        { what: 'backfill SUCCEEDED' },
      );
      assert.deepEqual(Object.keys((await lakehouseCatalog(emulator, iceberg)).namespaces).sort(), ['sales', 'web']);
      const cancelled = await post(`${service}:cancelMigration`);
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.equal((await get(execution)).state, 'CANCELLING');
      const op = await waitForOperation(emulator, cancelled.body.name, { version: 'v1beta' });
      assert.equal(op.response.migrationExecution, execution);
      const ended = await get(execution);
      assert.equal(ended.state, 'CANCELLED');
      assert.equal(ended.biglakeMetastoreMigrationConfig.backfillStatus.state, 'SUCCEEDED', 'left as it was');
      assert.equal((await get(service)).state, 'ACTIVE');
      assert.deepEqual((await lakehouseCatalog(emulator, iceberg)).namespaces, {}, 'the backfill was undone');
    } finally {
      await admin(emulator, 'outgoing-settings', undefined, 'DELETE');
      await admin(emulator, 'durations', undefined, 'DELETE');
    }
  });

  it('cancel during the backfill writes nothing (the default `keep` has nothing to keep)', async () => {
    await admin(emulator, 'durations', { backfill: 3_600_000 });
    try {
      const { service, iceberg } = await icebergService();
      const execution = await start(service, { icebergConfig: { catalog: iceberg, namespaces: ['*'] } }, 'bf-c');
      await until(
        () => backfillState(execution),
        (state) => state === 'RUNNING',
        { what: 'backfill RUNNING' },
      );
      const cancelled = await post(`${service}:cancelMigration`);
      await waitForOperation(emulator, cancelled.body.name, { version: 'v1beta' });
      assert.equal((await get(execution)).state, 'CANCELLED');
      assert.equal((await get(service)).state, 'ACTIVE');
      assert.deepEqual((await lakehouseCatalog(emulator, iceberg)).namespaces, {});
    } finally {
      await admin(emulator, 'durations', undefined, 'DELETE');
    }
  });

  it('cancel after a BACKFILL moved namespaces rolls back (ROLLED_BACK, ACTIVE, proxy cleared); after the window it is refused', async () => {
    const { service, iceberg } = await icebergService();
    const execution = await start(service, { icebergConfig: { catalog: iceberg, namespaces: ['*'] } }, 'rb-1');
    await waitForState(emulator, execution, 'SUCCEEDED');
    assert.equal((await get(service)).state, 'PROXY');
    const rolled = await post(`${service}:cancelMigration`);
    assert.equal(rolled.status, 200, rolled.text);
    const op = await waitForOperation(emulator, rolled.body.name, { version: 'v1beta' });
    assert.equal(op.response.migrationExecution, execution);
    assert.equal((await get(execution)).state, 'ROLLED_BACK');
    const serviceNow = await get(service);
    assert.equal(serviceNow.state, 'ACTIVE');
    assert.equal(serviceNow.lakehouseProxyConfig, undefined);
    assert.deepEqual(Object.keys((await lakehouseCatalog(emulator, iceberg)).namespaces).sort(), ['sales', 'web']);
    const nothing = await post(`${service}:cancelMigration`);
    assert.equal(nothing.body.error?.status, 'FAILED_PRECONDITION');

    await admin(emulator, 'outgoing-settings', { rollbackWindowMs: 0 });
    try {
      const late = await icebergService();
      const second = await start(
        late.service,
        { icebergConfig: { catalog: late.iceberg, namespaces: ['web'] } },
        'rb-2',
      );
      await waitForState(emulator, second, 'SUCCEEDED');
      const refused = await post(`${late.service}:cancelMigration`);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.status, 'FAILED_PRECONDITION');
      assert.match(refused.body.error.message, /could be rolled back until .* and can no longer be/);
      assert.equal((await get(late.service)).state, 'PROXY');
    } finally {
      await admin(emulator, 'outgoing-settings', undefined, 'DELETE');
    }
  });

  it('admin executions:fail during the backfill: execution and backfill FAILED, nothing written, the service ACTIVE', async () => {
    await admin(emulator, 'durations', { backfill: 3_600_000 });
    try {
      const { service, iceberg } = await icebergService();
      const execution = await start(service, { icebergConfig: { catalog: iceberg, namespaces: ['*'] } }, 'ext-fail');
      await until(
        () => backfillState(execution),
        (state) => state === 'RUNNING',
        { what: 'backfill RUNNING' },
      );
      await admin(emulator, 'executions:fail', { name: execution, stateMessage: 'The service agent lost its role' });
      const failed = await get(execution);
      assert.deepEqual(
        [failed.state, failed.biglakeMetastoreMigrationConfig.backfillStatus.state],
        ['FAILED', 'FAILED'],
      );
      assert.equal(failed.stateMessage, 'The service agent lost its role');
      assert.equal((await get(service)).state, 'ACTIVE');
      assert.deepEqual((await lakehouseCatalog(emulator, iceberg)).namespaces, {});
    } finally {
      await admin(emulator, 'durations', undefined, 'DELETE');
    }
  });

  it('named tables fail (partial success): their results FAILED, the execution still SUCCEEDED', async () => {
    const { service, iceberg } = await icebergService();
    await admin(emulator, 'backfill-faults', { service, failTables: ['sales.events'] });
    const execution = await start(service, { icebergConfig: { catalog: iceberg, namespaces: ['*'] } }, 'part-1');
    const done = await waitForState(emulator, execution, 'SUCCEEDED');
    const status = done.biglakeMetastoreMigrationConfig.backfillStatus;
    assert.equal(status.state, 'SUCCEEDED');
    const [sales, web] = status.migrationSummary.catalogSummaries[0].databaseSummaries;
    assert.equal(sales.resultStatus, 'FAILED');
    assert.deepEqual(sales.tableSummary.resultCounts, { FAILED: '1', SKIPPED: '1' }, 'orders is Hive: SKIP (R1)');
    assert.equal(web.resultStatus, 'SUCCEEDED');
    const report = reportAt(reports, status.reportPath);
    const events = report.body.catalogReports[0].databaseReports.sales.tableReports.events;
    assert.equal(events.executionResult.state, 'FAILED');
    assert.match(events.executionResult.errorMessage, /sales\.events could not be written/);
    const target = await lakehouseCatalog(emulator, iceberg);
    assert.deepEqual(Object.keys(target.namespaces.sales), []);
    // Only the namespace that did not fail is proxied.
    assert.deepEqual((await get(service)).lakehouseProxyConfig, { catalog: iceberg, namespaces: ['web'] });
  });

  it('the whole backfill fails: backfillStatus and execution FAILED, nothing written, a report, the service ACTIVE', async () => {
    const { service, iceberg } = await icebergService();
    await admin(emulator, 'backfill-faults', { service, failBackfill: 'the metastore read timed out' });
    const execution = await start(service, { icebergConfig: { catalog: iceberg, namespaces: ['*'] } }, 'fail-1');
    const failed = await waitForState(emulator, execution, 'FAILED');
    const status = failed.biglakeMetastoreMigrationConfig.backfillStatus;
    assert.equal(status.state, 'FAILED');
    assert.ok(failed.endTime);
    assert.equal(
      failed.stateMessage,
      `The backfill failed: the metastore read timed out See the report at ${status.reportPath}.`,
    );
    assert.deepEqual((await lakehouseCatalog(emulator, iceberg)).namespaces, {});
    const report = reportAt(reports, status.reportPath);
    const web = report.body.catalogReports[0].databaseReports.web;
    assert.equal(web.executionResult.state, 'FAILED');
    assert.equal(web.tableReports.clicks.executionResult.state, 'FAILED');
    const serviceNow = await get(service);
    assert.equal(serviceNow.state, 'ACTIVE');
    assert.equal(serviceNow.lakehouseProxyConfig, undefined);
  });

  it('a catalog deleted after the start fails the backfill, naming it; so does the missingCatalogs fault', async () => {
    // 3 s from the start to the backfill's end: the deletion is the very next request, so it comes long before
    // even on a loaded machine; the wait below ends as soon as the execution FAILED.
    await admin(emulator, 'durations', { backfill: 3_000 });
    try {
      const { service, iceberg } = await icebergService();
      const execution = await start(service, { icebergConfig: { catalog: iceberg, namespaces: ['*'] } }, 'gone-1');
      await admin(emulator, 'catalogs:remove', { name: iceberg });
      const failed = await waitForState(emulator, execution, 'FAILED');
      assert.match(failed.stateMessage, new RegExp(`^The backfill failed: catalog ${iceberg} was not found`));
      assert.equal((await get(service)).state, 'ACTIVE');
      const report = reportAt(reports, failed.biglakeMetastoreMigrationConfig.backfillStatus.reportPath);
      assert.match(report.body.catalogReports[0].databaseReports.web.executionPlan.reason, /was not found/);

      await admin(emulator, 'durations', { backfill: 20 });
      const other = await icebergService();
      await admin(emulator, 'backfill-faults', { service: other.service, missingCatalogs: [other.iceberg] });
      const config = { icebergConfig: { catalog: other.iceberg, namespaces: ['*'] } };
      const second = await waitForState(emulator, await start(other.service, config, 'gone-2'), 'FAILED');
      assert.match(second.stateMessage, new RegExp(`catalog ${other.iceberg} was not found`));
      assert.deepEqual((await admin(emulator, 'backfill-faults')).backfillFaults, [], 'a fault fires once');
    } finally {
      await admin(emulator, 'durations', undefined, 'DELETE');
    }
  });
});

describe('outgoing kind across a restart', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'outgoing-state-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the Lakehouse catalogs, the seeded metastore, the execution and the PROXY service', async () => {
    const stateFile = join(dir, 'state.json');
    const first = await startEmulator({ stateFile, operationDelayMs: 20, durations: { backfill: 20 } });
    const iceberg = 'projects/test-project/catalogs/restart';
    let service: string;
    try {
      await createCatalog(first, iceberg, 'ICEBERG');
      service = await seedSpannerService(first);
      await seedMetastore(first, service, SOURCE);
      const started = await startOutgoing(first, service, { icebergConfig: { catalog: iceberg, namespaces: ['*'] } });
      await waitForState(first, started.body.metadata.target, 'SUCCEEDED');
    } finally {
      await first.close();
    }
    const second = await startEmulator({ stateFile, operationDelayMs: 20, durations: { backfill: 20 } });
    try {
      const serviceNow = (await call(second, 'GET', `/v1/${service}`)).body as Json;
      assert.equal(serviceNow.state, 'PROXY');
      assert.deepEqual(serviceNow.lakehouseProxyConfig, { catalog: iceberg, namespaces: ['sales', 'web'] });
      const target = await lakehouseCatalog(second, iceberg);
      assert.deepEqual(Object.keys(target.namespaces.web), ['clicks']);
      // The seeded metastore came back too: a further batch finds the service's tables.
      const batch = await startOutgoing(second, service, {
        icebergConfig: { catalog: iceberg, namespaces: ['sales'] },
      });
      const ended = await waitForState(second, batch.body.metadata.target, 'SUCCEEDED');
      const [sales] =
        ended.biglakeMetastoreMigrationConfig.backfillStatus.migrationSummary.catalogSummaries[0].databaseSummaries;
      assert.deepEqual(sales.tableSummary.planCounts, { SKIP: '2' }, 'events exists already; orders is Hive');
      // The rollback still works on the restored execution.
      const rolled = await call(second, 'POST', `/v1/${service}:cancelMigration`, {});
      await waitForOperation(second, rolled.body.name);
      assert.equal((await call(second, 'GET', `/v1/${service}`)).body.state, 'ACTIVE');
    } finally {
      await second.close();
    }
  });
});
