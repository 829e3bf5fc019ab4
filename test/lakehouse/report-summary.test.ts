// The report's summary is what workflow history keeps: bounded however large the report, counts exact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ERROR_MESSAGE_CHARS,
  FAILED_TABLES_SHOWN,
  backfillReportLine,
  summariseBackfillReport,
} from '../../src/migration/backfill-report';
import type { MigrationReport, TableReport } from '../../src/migration/migration-summary';

function reportWith(failed: number, succeeded: number): MigrationReport {
  const tableReports: Record<string, TableReport> = {};
  for (let i = 0; i < failed; i++) {
    tableReports[`f${String(i).padStart(4, '0')}`] = {
      executionPlan: { action: 'CREATE' },
      executionResult: { state: 'FAILED', errorMessage: 'x'.repeat(5000) },
      partitionDiscoveredCount: 2,
      partitionReport: { state: 'FAILED', partitionFailedCount: 2 },
    };
  }
  for (let i = 0; i < succeeded; i++) {
    tableReports[`s${i}`] = { executionPlan: { action: 'CREATE' }, executionResult: { state: 'SUCCEEDED' } };
  }
  return {
    catalogReports: [
      { catalog: 'projects/p/catalogs/h', catalogType: 'HIVE', databaseReports: { big: { tableReports } } },
      {
        catalog: 'projects/p/catalogs/i',
        catalogType: 'ICEBERG',
        databaseReports: {
          ns: {
            executionResult: { state: 'FAILED' },
            tableReports: { t: { executionPlan: { action: 'MERGE' as never }, executionResult: { state: 'SKIPPED' } } },
          },
        },
      },
    ],
  };
}

describe('summariseBackfillReport', () => {
  it('names the first failed tables in name order, counts the rest, and cuts long messages', () => {
    const summary = summariseBackfillReport('gs://b/r.json', reportWith(FAILED_TABLES_SHOWN + 7, 3));
    assert.equal(summary.failedTables.length, FAILED_TABLES_SHOWN);
    assert.equal(summary.failedTablesOmitted, 7);
    assert.equal(summary.failedTables[0]?.name, 'big.f0000');
    assert.equal(summary.failedTables[0]?.catalog, 'projects/p/catalogs/h');
    assert.equal(summary.failedTables[0]?.errorMessage?.length, ERROR_MESSAGE_CHARS);
    assert.deepEqual(summary.tablesByResult, { FAILED: FAILED_TABLES_SHOWN + 7, SUCCEEDED: 3, SKIPPED: 1 });
    assert.deepEqual(summary.tablesByAction, { CREATE: FAILED_TABLES_SHOWN + 10, MERGE: 1 });
    assert.deepEqual(summary.partitions, { discovered: 54, succeeded: 0, failed: 54 });
    assert.deepEqual([summary.catalogs, summary.databases, summary.tables], [2, 2, FAILED_TABLES_SHOWN + 11]);
    assert.deepEqual(summary.failedDatabases, ['ns']);
    assert.deepEqual(summary.unknown, ['report table ns.t action MERGE']);
    // Bounded for history: thousands of failures weigh what twenty do.
    const huge = summariseBackfillReport('gs://b/r.json', reportWith(5000, 0));
    assert.ok(JSON.stringify(huge).length < 10_000, `${JSON.stringify(huge).length} characters`);
    assert.match(backfillReportLine(huge), /failed: big\.f0000, .* and 4980 more$/);
  });

  it('reads an empty report as nothing moved', () => {
    const summary = summariseBackfillReport('gs://b/r.json', {});
    assert.deepEqual([summary.tables, summary.failedTables, summary.tablesByResult], [0, [], {}]);
  });
});
