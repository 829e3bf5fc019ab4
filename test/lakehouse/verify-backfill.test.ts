// The worker's reads of the Lakehouse side against the emulator over real HTTP: the backfill's report through the
// official Cloud Storage client, the target catalogs through BigLake's Hive API and the Iceberg REST catalog, DPMS
// through its Thrift endpoint — and the verification that puts them together.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readBackfillReportSummary } from '../../src/lakehouse/backfill-report';
import type { LakehouseAccess } from '../../src/lakehouse/access';
import { BackfillReportError } from '../../src/lakehouse/errors';
import { readMigrationReport } from '../../src/lakehouse/report';
import { verifyBackfill } from '../../src/lakehouse/verify-backfill';
import { backfillOutcome } from '../../src/migration/backfill';
import { verificationLine } from '../../src/migration/verification';
import type { MetastoreClient } from '../../src/metastore/client';
import { type Emulator, admin, call, seedSpannerService, startEmulator, waitForOperation } from '../helpers/emulator';
import { backfill, clientsFor } from '../helpers/lakehouse';
import { createCatalog, hiveTable, icebergTable, seedMetastore } from '../helpers/outgoing';

let catalogs = 0;
function catalogNames() {
  catalogs += 1;
  return {
    hive: `projects/test-project/catalogs/vh-${catalogs}`,
    iceberg: `projects/test-project/catalogs/vi-${catalogs}`,
  };
}

const ORDERS = hiveTable({
  partitions: ['dt=2026-01-01', 'dt=2026-01-02', 'dt=2026-01-03'],
  location: 'gs://warehouse/sales/orders',
});

describe('verifying an outgoing backfill', () => {
  let emulator: Emulator;
  let metastore: MetastoreClient;
  let lakehouse: LakehouseAccess;

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 20 });
    await admin(emulator, 'durations', { 'services.startMigration': 20, backfill: 20 });
    const clients = clientsFor(emulator);
    metastore = clients.metastore;
    lakehouse = await clients.lakehouse;
  });
  after(() => emulator.close());

  /** A service with Hive and Iceberg tables in two databases, both catalogs, everything listed. */
  async function scenario() {
    const { hive, iceberg } = catalogNames();
    await createCatalog(emulator, hive, 'HIVE');
    await createCatalog(emulator, iceberg, 'ICEBERG');
    const service = await seedSpannerService(emulator);
    await seedMetastore(emulator, service, {
      sales: { orders: ORDERS, customers: hiveTable(), events: icebergTable('gs://warehouse/sales/events') },
      web: { clicks: icebergTable('gs://warehouse/web/clicks'), sessions: hiveTable() },
    });
    const config = {
      hiveConfig: { catalog: hive, databases: ['*'] },
      icebergConfig: { catalog: iceberg, namespaces: ['*'] },
    };
    return { hive, iceberg, service, config };
  }

  it('says ok after a Hive + Iceberg backfill, with totals; then names a dropped table and a short one', async () => {
    const { hive, iceberg, service, config } = await scenario();
    // Already in the target: conflictPolicy SKIP leaves it, and a SKIPPED table the target holds is no problem.
    await admin(emulator, 'catalogs:seed', {
      catalog: hive,
      databases: { sales: { customers: { columns: [{ name: 'id', type: 'bigint' }] } } },
    });
    const execution = (await backfill(emulator, service, config)).name as string;

    const ok = await verifyBackfill({ metastore, lakehouse }, { service, execution });
    assert.equal(ok.status, 'ok', verificationLine(ok));
    assert.equal(ok.ok, true);
    assert.match(ok.endpoint ?? '', /^thrift:\/\/127\.0\.0\.1:\d+$/);
    assert.match(ok.reportPath ?? '', /^gs:\/\/.+\/migration-reports\/.+\.json$/);
    assert.equal(ok.note, undefined);
    const report = ok.report!;
    assert.equal(report.compared, 'lakehouse');
    // Hive: sales.orders, sales.customers, web.sessions; Iceberg: sales.events, web.clicks.
    assert.deepEqual(report.source, { databases: 4, tables: 5, partitions: 3, columns: 10, functions: 0 });
    assert.deepEqual(report.dpms, { databases: 4, tables: 5, partitions: 3, columns: 0, functions: 0 });
    assert.deepEqual(report.totals, { missing: 0, extra: 0, differing: 0 });
    assert.deepEqual(report.notMigrated, { totals: { failed: 0, skipped: 0 }, tables: [], truncated: false });
    assert.match(verificationLine(ok), /^verified: the Lakehouse catalogs hold what the backfill moved/);

    // An Iceberg table dropped through the Iceberg REST catalog, a Hive table re-seeded with one partition less.
    const dropped = await call(
      emulator,
      'DELETE',
      `/iceberg/v1/restcatalog/v1/${iceberg}/namespaces/web/tables/clicks`,
    );
    assert.equal(dropped.status, 204);
    await admin(emulator, 'catalogs:seed', {
      catalog: hive,
      databases: {
        sales: {
          orders: {
            columns: [{ name: 'id', type: 'bigint' }],
            partitionKeys: [{ name: 'dt', type: 'string' }],
            partitions: ['dt=2026-01-01', 'dt=2026-01-02'],
          },
        },
      },
    });
    const mismatch = await verifyBackfill({ metastore, lakehouse }, { service, execution });
    assert.equal(mismatch.status, 'mismatch');
    assert.equal(mismatch.ok, false);
    assert.deepEqual(mismatch.report?.totals, { missing: 1, extra: 0, differing: 2 });
    assert.deepEqual(
      mismatch.report?.differences.map((d) => [d.problem, d.kind, d.name]),
      [
        ['differs', 'table', 'sales.orders'],
        ['missing', 'table', 'web.clicks'],
        ['differs', 'database', 'sales'],
      ],
    );
    const orders = mismatch.report?.differences[0];
    assert.equal(
      orders?.detail,
      `columns (id, name) in DPMS, (id) in the catalog; partitions: 3 in DPMS, 2 in ${hive}`,
    );
    assert.equal(mismatch.report?.differences[1]?.detail, `not in ${iceberg}`);
    assert.match(verificationLine(mismatch), /^MISMATCH: 1 missing, 2 differing in the Lakehouse catalogs/);
  });

  it("a config's targets: the latest finished backfill's report and summary counts; a rollback is said", async () => {
    const { hive, service, config } = await scenario();
    const execution = (await backfill(emulator, service, config)).name as string;
    // No execution named (`verify --config`): the backfill to these catalogs is found, and its report read.
    const ok = await verifyBackfill({ metastore, lakehouse }, { service, config });
    assert.equal(ok.status, 'ok', verificationLine(ok));
    assert.match(ok.reportPath ?? '', /^gs:\/\/.+\.json$/);
    assert.equal(ok.rolledBack, undefined);
    // One partition less in the target: the summary's count for the database disagrees too, as with a workflow.
    await admin(emulator, 'catalogs:seed', {
      catalog: hive,
      databases: {
        sales: {
          orders: {
            columns: [
              { name: 'id', type: 'bigint' },
              { name: 'name', type: 'string' },
            ],
            partitionKeys: [{ name: 'dt', type: 'string' }],
            partitions: ['dt=2026-01-01', 'dt=2026-01-02'],
          },
        },
      },
    });
    const short = await verifyBackfill({ metastore, lakehouse }, { service, config });
    assert.equal(short.status, 'mismatch');
    assert.match(
      short.report?.differences.find((d) => d.kind === 'database')?.detail ?? '',
      /^the migration summary counts 3 partitions moved, .* holds 2 of its moved tables$/,
    );

    // cancelMigration on the completed migration of a PROXY service rolls it back: still compared, said first.
    const rollback = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    assert.equal(rollback.status, 200, rollback.text);
    await waitForOperation(emulator, rollback.body.name);
    for (const args of [{ config }, { execution }]) {
      const after = await verifyBackfill({ metastore, lakehouse }, { service, ...args });
      assert.deepEqual(after.rolledBack, { execution }, JSON.stringify(args));
      assert.equal(after.status, 'mismatch', 'the comparison still runs');
      assert.match(
        verificationLine(after),
        /^ROLLED BACK: migration execution .* was rolled back; .*what they still hold: MISMATCH/,
      );
    }
  });

  it('lists the tables the report says FAILED as failed, not missing; the report summary names them', async () => {
    const { hive, service, config } = await scenario();
    const done = await backfill(emulator, service, config, { failTables: ['sales.orders', 'web.clicks'] });
    const execution = done.name as string;

    const summary = await readBackfillReportSummary({ metastore, lakehouse }, { execution });
    assert.deepEqual(
      summary.failedTables.map((t) => [t.name, t.catalog === hive ? 'hive' : 'iceberg']),
      [
        ['sales.orders', 'hive'],
        ['web.clicks', 'iceberg'],
      ],
    );
    for (const table of summary.failedTables) assert.ok(table.errorMessage, `${table.name} has its error message`);
    assert.equal(summary.failedTablesOmitted, 0);
    assert.deepEqual(summary.tablesByResult, { SUCCEEDED: 3, FAILED: 2 });

    const verification = await verifyBackfill({ metastore, lakehouse }, { service, execution });
    assert.equal(verification.status, 'ok', verificationLine(verification));
    assert.deepEqual(verification.report?.differences, []);
    assert.deepEqual(verification.report?.notMigrated?.totals, { failed: 2, skipped: 0 });
    assert.deepEqual(
      verification.report?.notMigrated?.tables.map((t) => [t.name, t.result]),
      [
        ['sales.orders', 'FAILED'],
        ['web.clicks', 'FAILED'],
      ],
    );
    assert.match(verificationLine(verification), /per the report 2 failed, 0 skipped/);
  });

  it('lists a table the report says SKIPPED and the target no longer holds as skipped, not missing', async () => {
    const { iceberg, service, config } = await scenario();
    // In the target before the backfill: SKIP (the default policy) leaves it; then it is dropped.
    await admin(emulator, 'catalogs:seed', { catalog: iceberg, namespaces: { web: { clicks: {} } } });
    const execution = (await backfill(emulator, service, config)).name as string;
    const dropped = await call(
      emulator,
      'DELETE',
      `/iceberg/v1/restcatalog/v1/${iceberg}/namespaces/web/tables/clicks`,
    );
    assert.equal(dropped.status, 204);
    const verification = await verifyBackfill({ metastore, lakehouse }, { service, execution });
    assert.equal(verification.status, 'ok', verificationLine(verification));
    assert.deepEqual(verification.report?.notMigrated?.totals, { failed: 0, skipped: 1 });
    const [skipped] = verification.report?.notMigrated?.tables ?? [];
    assert.deepEqual([skipped?.name, skipped?.result, skipped?.catalog], ['web.clicks', 'SKIPPED', iceberg]);
    assert.match(skipped?.message ?? '', /conflictPolicy SKIP/);
  });

  it('counts the tables of a target catalog removed since as missing; one of the wrong type is not compared', async () => {
    const { iceberg, service, config } = await scenario();
    const execution = (await backfill(emulator, service, config)).name as string;
    await admin(emulator, 'catalogs:remove', { name: iceberg });
    const gone = await verifyBackfill({ metastore, lakehouse }, { service, execution });
    assert.equal(gone.status, 'mismatch');
    assert.deepEqual(
      gone.report?.differences.map((d) => [d.problem, d.kind, d.name]),
      [
        ['missing', 'database', 'sales'],
        ['missing', 'table', 'sales.events'],
        ['missing', 'database', 'web'],
        ['missing', 'table', 'web.clicks'],
      ],
    );
    await createCatalog(emulator, iceberg, 'HIVE');
    const wrongType = await verifyBackfill({ metastore, lakehouse }, { service, execution });
    assert.equal(wrongType.status, 'skipped');
    assert.match(wrongType.note ?? '', /^the target catalogs could not be read: .*is a Hive catalog/);
    assert.match(verificationLine(wrongType), /^not verified: the target catalogs could not be read/);
  });

  it("reads a target database past the API's first page (500 tables a page by default)", async () => {
    const { hive } = catalogNames();
    await createCatalog(emulator, hive, 'HIVE');
    const service = await seedSpannerService(emulator);
    const many = Object.fromEntries(
      Array.from({ length: 503 }, (_, i) => [`t${String(i).padStart(3, '0')}`, hiveTable()]),
    );
    await seedMetastore(emulator, service, { big: many });
    const execution = (await backfill(emulator, service, { hiveConfig: { catalog: hive, databases: ['big'] } }))
      .name as string;
    const verification = await verifyBackfill({ metastore, lakehouse }, { service, execution });
    assert.equal(verification.status, 'ok', verificationLine(verification));
    assert.equal(verification.report?.source.tables, 503);
    assert.equal(verification.report?.dpms.tables, 503);
  });

  it("summarises a SUCCEEDED backfill's report with the counts of the execution's migrationSummary", async () => {
    const { service, config } = await scenario();
    const execution = (await backfill(emulator, service, config)).name as string;
    const summary = await readBackfillReportSummary({ metastore, lakehouse }, { execution });
    const status = (await metastore.getMigrationExecution(execution)).biglakeMetastoreMigrationConfig?.backfillStatus;
    const outcome = backfillOutcome(status!);
    assert.equal(summary.reportPath, status?.reportPath);
    assert.deepEqual(summary.tablesByAction, outcome.tablesPlanned);
    assert.deepEqual(summary.tablesByResult, outcome.tablesByResult);
    assert.deepEqual(summary.partitions, outcome.partitions);
    assert.equal(summary.databases, outcome.databases);
    assert.deepEqual([summary.tables, summary.failedTables, summary.failedTablesOmitted], [5, [], 0]);
  });

  it('says what is wrong with a report that is not there, as a typed error', async () => {
    await admin(emulator, 'buckets', { name: 'lake-reports-test' });
    await assert.rejects(
      readMigrationReport(lakehouse.storage, 'gs://lake-reports-test/migration-reports/none.json'),
      (err: unknown) => err instanceof BackfillReportError && err.problem === 'missing' && !err.transient,
    );
    await assert.rejects(
      readMigrationReport(lakehouse.storage, 'gs://no-such-bucket-here/r.json'),
      (err: unknown) => err instanceof BackfillReportError && err.problem === 'missing',
    );
    await assert.rejects(
      readMigrationReport(lakehouse.storage, 'gs://lake-reports-test/folder/'),
      (err: unknown) => err instanceof BackfillReportError && err.problem === 'no-report-path',
    );
    // JSON that is not a MigrationReport (a count that is not an int64) is malformed, not a crash.
    await lakehouse.storage
      .bucket('lake-reports-test')
      .file('bad.json')
      .save(
        JSON.stringify({
          summary: { catalogSummaries: [{ databaseSummaries: [{ tableSummary: { planCounts: { CREATE: 'x' } } }] }] },
        }),
      );
    await assert.rejects(
      readMigrationReport(lakehouse.storage, 'gs://lake-reports-test/bad.json'),
      (err: unknown) =>
        err instanceof BackfillReportError && err.problem === 'malformed' && /planCounts/.test(err.message),
    );
  });

  it('compares without the report when it is gone, and says so', async () => {
    const { service, config } = await scenario();
    const done = await backfill(emulator, service, config);
    const bucket = /^gs:\/\/([^/]+)\//.exec(done.biglakeMetastoreMigrationConfig.backfillStatus.reportPath)?.[1];
    await admin(emulator, 'buckets:remove', { name: bucket });
    const verification = await verifyBackfill({ metastore, lakehouse }, { service, execution: done.name });
    assert.equal(verification.status, 'ok');
    assert.equal(verification.reportPath, undefined);
    assert.match(verification.note ?? '', /compared without the report \(no report at gs:\/\//);
  });
});
