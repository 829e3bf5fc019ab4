// The outgoing kind's output as the API sends it: int64 counts as strings, enum values from a newer revision,
// fields this client has never seen. Each must be read, never a failed read; only a count that cannot be a count is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BACKFILL_STATES,
  EXECUTION_STATES,
  Int64Schema,
  MigrationExecutionSchema,
  MigrationReportSchema,
  SERVICE_STATES,
  ServiceSchema,
  isKnownValue,
} from '../../src/schemas';
import { unknownSummaryValues } from '../../src/migration/migration-summary';

const SERVICE = 'projects/corp-data-prod/locations/us-central1/services/hms';
const EXECUTION = `${SERVICE}/migrationExecutions/to-lakehouse-1`;

/** An execution of the outgoing kind after its backfill, as get returns it (rev 20260916), with extras. */
function execution(): Record<string, unknown> {
  return {
    name: EXECUTION,
    state: 'SUCCEEDED',
    createTime: '2026-12-01T10:00:00Z',
    endTime: '2026-12-01T11:00:00Z',
    laterField: { anything: true },
    biglakeMetastoreMigrationConfig: {
      mode: 'BACKFILL',
      conflictPolicy: 'SKIP',
      dryRun: false,
      hiveConfig: { catalog: 'projects/corp-lake/catalogs/hive', databases: ['sales'] },
      icebergConfig: { catalog: 'projects/corp-lake/catalogs/iceberg', namespaces: ['*'] },
      reportPath: 'gs://corp-reports/dpms',
      backfillStatus: {
        state: 'SUCCEEDED',
        reportPath: 'gs://corp-reports/dpms/report-1.json',
        progressHint: 'a field of a later revision',
        migrationSummary: {
          service: SERVICE,
          dryRun: false,
          createTime: '2026-12-01T10:00:05Z',
          endTime: '2026-12-01T10:59:00Z',
          catalogSummaries: [
            {
              catalog: 'projects/corp-lake/catalogs/hive',
              catalogType: 'HIVE',
              databaseSummaries: [
                {
                  database: 'sales',
                  planAction: 'CREATE',
                  resultStatus: 'SUCCEEDED',
                  tableSummary: {
                    partitionDiscoveredCount: '9007199254740991',
                    partitionSuccessCount: '120',
                    partitionFailedCount: 0,
                    planCounts: { CREATE: '12', SKIP: '3' },
                    resultCounts: { SUCCEEDED: '12', SKIPPED: '3' },
                  },
                },
              ],
            },
          ],
        },
      },
    },
  };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('MigrationExecution of the outgoing kind', () => {
  it('reads the echoed config and the backfillStatus, int64 strings as numbers, unknown fields dropped', () => {
    const parsed = MigrationExecutionSchema.parse(execution());
    assert.ok(!('laterField' in parsed));
    const config = parsed.biglakeMetastoreMigrationConfig!;
    assert.equal(config.mode, 'BACKFILL');
    assert.deepEqual(config.icebergConfig, { catalog: 'projects/corp-lake/catalogs/iceberg', namespaces: ['*'] });
    const status = config.backfillStatus!;
    assert.ok(!('progressHint' in status));
    const summary = status.migrationSummary!.catalogSummaries![0]!.databaseSummaries![0]!.tableSummary!;
    assert.equal(summary.partitionDiscoveredCount, Number.MAX_SAFE_INTEGER);
    assert.equal(summary.partitionSuccessCount, 120);
    assert.equal(summary.partitionFailedCount, 0, 'a number is accepted too');
    assert.deepEqual(summary.planCounts, { CREATE: 12, SKIP: 3 });
    assert.deepEqual(summary.resultCounts, { SUCCEEDED: 12, SKIPPED: 3 });
    assert.deepEqual(unknownSummaryValues(status), []);
  });

  it('keeps enum values of a newer revision as sent, reports them as unknown, and never fails on them', () => {
    const input = execution() as Json;
    input['state'] = 'ROLLED_BACK';
    const config = input['biglakeMetastoreMigrationConfig'];
    config.mode = 'CONTINUOUS_SYNC';
    config.conflictPolicy = 3;
    const status = config.backfillStatus;
    status.state = 'VERIFYING';
    const catalog = status.migrationSummary.catalogSummaries[0];
    catalog.catalogType = 'DELTA';
    const db = catalog.databaseSummaries[0];
    db.planAction = 'MERGE';
    db.resultStatus = 'PARTIALLY_SUCCEEDED';
    db.tableSummary.planCounts = { CREATE: '1', MERGE: '2' };
    const parsed = MigrationExecutionSchema.parse(input);
    assert.equal(parsed.state, 'ROLLED_BACK');
    assert.ok(isKnownValue(EXECUTION_STATES, parsed.state), 'ROLLED_BACK is known');
    const out = parsed.biglakeMetastoreMigrationConfig!;
    assert.equal(out.mode, 'CONTINUOUS_SYNC');
    assert.equal(out.conflictPolicy, '3', 'a proto ordinal is kept as its digits');
    assert.equal(isKnownValue(BACKFILL_STATES, out.backfillStatus?.state), false);
    assert.deepEqual(unknownSummaryValues(out.backfillStatus!), [
      'backfill state VERIFYING',
      'catalog projects/corp-lake/catalogs/hive catalogType DELTA',
      'database sales planAction MERGE',
      'database sales resultStatus PARTIALLY_SUCCEEDED',
      'database sales planCounts key MERGE',
    ]);
  });

  it('reads an execution still PENDING, with no summary yet, and one with no config at all', () => {
    const pending = MigrationExecutionSchema.parse({
      name: EXECUTION,
      state: 'RUNNING',
      biglakeMetastoreMigrationConfig: { mode: 'INCREMENTAL_SYNC', backfillStatus: { state: 'PENDING' } },
    });
    assert.deepEqual(pending.biglakeMetastoreMigrationConfig?.backfillStatus, { state: 'PENDING' });
    assert.equal(MigrationExecutionSchema.parse({ name: EXECUTION }).biglakeMetastoreMigrationConfig, undefined);
  });

  it('refuses a count that is not an exact int64 (a broken contract, not a number to round)', () => {
    for (const bad of ['9007199254740993', '12a', '1.5', '', 1.5, '99999999999999999999999']) {
      assert.equal(Int64Schema.safeParse(bad).success, false, JSON.stringify(bad));
    }
    assert.equal(Int64Schema.parse('-7'), -7);
    const input = execution() as Json;
    input[
      'biglakeMetastoreMigrationConfig'
    ].backfillStatus.migrationSummary.catalogSummaries[0].databaseSummaries[0].tableSummary.partitionFailedCount =
      '18446744073709551615';
    const parsed = MigrationExecutionSchema.safeParse(input);
    assert.ok(!parsed.success);
    assert.match(parsed.error.issues[0]!.message, /int64 this client can count exactly/);
    assert.deepEqual(parsed.error.issues[0]!.path.slice(-2), ['tableSummary', 'partitionFailedCount']);
  });
});

describe('Service in PROXY', () => {
  it('reads the state and lakehouseProxyConfig, dropping what it does not know', () => {
    const service = ServiceSchema.parse({
      name: SERVICE,
      state: 'PROXY',
      lakehouseProxyConfig: { catalog: 'projects/corp-lake/catalogs/iceberg', namespaces: ['web', 'ads'], mode: 'X' },
    });
    assert.ok(isKnownValue(SERVICE_STATES, service.state));
    assert.deepEqual(service.lakehouseProxyConfig, {
      catalog: 'projects/corp-lake/catalogs/iceberg',
      namespaces: ['web', 'ads'],
    });
  });
});

describe('MigrationReport (the report object in Cloud Storage)', () => {
  it('reads plans with diffs, results, partition reports; counts as numbers; unknown values reported', () => {
    const report = MigrationReportSchema.parse({
      summary: { dryRun: true, catalogSummaries: [] },
      catalogReports: [
        {
          catalog: 'projects/corp-lake/catalogs/hive',
          catalogType: 'HIVE',
          databaseReports: {
            sales: {
              database: 'sales',
              executionPlan: {
                action: 'UPDATE',
                reason: 'location differs',
                diffs: { locationUri: { sourceValue: 'gs://a', targetValue: 'gs://b' }, owner: { sourceValue: 7 } },
              },
              tableReports: {
                orders: {
                  table: 'orders',
                  executionPlan: { action: 'SPLIT' },
                  executionResult: { state: 'FAILED', errorMessage: 'no access', remediation: 'grant' },
                  partitionDiscoveredCount: '10',
                  partitionReport: {
                    state: 'PARTIALLY_SUCCEEDED',
                    partitionSuccessCount: '8',
                    partitionFailedCount: '2',
                  },
                  extra: [],
                },
              },
            },
          },
        },
      ],
    });
    const sales = report.catalogReports![0]!.databaseReports!['sales']!;
    assert.deepEqual(sales.executionPlan?.diffs, {
      locationUri: { sourceValue: 'gs://a', targetValue: 'gs://b' },
      owner: { sourceValue: '7' },
    });
    const orders = sales.tableReports!['orders']!;
    assert.equal(orders.partitionDiscoveredCount, 10);
    assert.deepEqual(orders.partitionReport, {
      state: 'PARTIALLY_SUCCEEDED',
      partitionSuccessCount: 8,
      partitionFailedCount: 2,
    });
    assert.ok(!('extra' in orders));
    assert.deepEqual(unknownSummaryValues({}, report), ['report table sales.orders action SPLIT']);
  });
});
