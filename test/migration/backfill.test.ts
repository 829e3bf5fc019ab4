// The backfill's outcome: counts summed over databases, failed tables by name from the report, one-line verdicts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backfillFailed, backfillOutcome, backfillVerdict } from '../../src/migration/backfill';
import type { BackfillStatus, MigrationReport } from '../../src/migration/migration-summary';

const HIVE = 'projects/corp-lake/catalogs/hive-main';
const ICEBERG = 'projects/corp-lake/catalogs/iceberg-main';

function status(): BackfillStatus {
  return {
    state: 'SUCCEEDED',
    reportPath: 'gs://corp-reports/dpms/report.json',
    migrationSummary: {
      dryRun: false,
      catalogSummaries: [
        {
          catalog: HIVE,
          catalogType: 'HIVE',
          databaseSummaries: [
            {
              database: 'sales',
              planAction: 'CREATE',
              resultStatus: 'SUCCEEDED',
              tableSummary: {
                partitionDiscoveredCount: 100,
                partitionSuccessCount: 100,
                partitionFailedCount: 0,
                planCounts: { CREATE: 10, SKIP: 2 },
                resultCounts: { SUCCEEDED: 10, SKIPPED: 2 },
              },
            },
          ],
        },
        {
          catalog: ICEBERG,
          catalogType: 'ICEBERG',
          databaseSummaries: [
            {
              database: 'web',
              planAction: 'CREATE',
              resultStatus: 'SUCCEEDED',
              tableSummary: { planCounts: { CREATE: 3 }, resultCounts: { SUCCEEDED: 3 } },
            },
          ],
        },
      ],
    },
  };
}

describe('backfillOutcome', () => {
  it('sums tables per action and result and partitions over every catalog and database', () => {
    const outcome = backfillOutcome(status());
    assert.equal(outcome.databases, 2);
    assert.deepEqual(outcome.tablesPlanned, { CREATE: 13, SKIP: 2 });
    assert.deepEqual(outcome.tablesByResult, { SUCCEEDED: 13, SKIPPED: 2 });
    assert.deepEqual(outcome.partitions, { discovered: 100, succeeded: 100, failed: 0 });
    assert.equal(backfillFailed(outcome), false);
    assert.equal(
      backfillVerdict(outcome),
      'backfill SUCCEEDED: 15 tables in 2 databases (13 succeeded, 2 skipped, 0 failed); partitions 100 of 100' +
        ' — report gs://corp-reports/dpms/report.json',
    );
  });

  it('names the failed tables from the report, with the error and the remediation', () => {
    const s = status();
    const sales = s.migrationSummary!.catalogSummaries![0]!.databaseSummaries![0]!;
    sales.resultStatus = 'FAILED';
    sales.tableSummary = {
      ...sales.tableSummary,
      partitionSuccessCount: 90,
      partitionFailedCount: 10,
      resultCounts: { SUCCEEDED: 8, FAILED: 2, SKIPPED: 2 },
    };
    const report: MigrationReport = {
      catalogReports: [
        {
          catalog: HIVE,
          databaseReports: {
            sales: {
              tableReports: {
                orders: {
                  executionResult: {
                    state: 'FAILED',
                    errorMessage: 'permission denied',
                    remediation: 'grant biglake.tables.create',
                  },
                },
                items: { executionResult: { state: 'FAILED' } },
                users: { executionResult: { state: 'SUCCEEDED' } },
              },
            },
          },
        },
      ],
    };
    const outcome = backfillOutcome(s, report);
    assert.deepEqual(outcome.failedTables, [
      { catalog: HIVE, database: 'sales', table: 'items', errorMessage: undefined, remediation: undefined },
      {
        catalog: HIVE,
        database: 'sales',
        table: 'orders',
        errorMessage: 'permission denied',
        remediation: 'grant biglake.tables.create',
      },
    ]);
    assert.equal(backfillFailed(outcome), true);
    assert.equal(
      backfillVerdict(outcome),
      'backfill SUCCEEDED: 15 tables in 2 databases (11 succeeded, 2 skipped, 2 failed); partitions 90 of 100 (10 failed); ' +
        'failed: sales.items, sales.orders — report gs://corp-reports/dpms/report.json',
    );
    // The report not read: no table names, so their count, where the names are, and the database they failed in.
    assert.match(
      backfillVerdict(backfillOutcome(s)),
      /; failed: 2 tables \(read the report for names\), in database sales —/,
    );
  });

  it('names at most five failed tables, counting the rest exactly from the summary', () => {
    const s = status();
    const sales = s.migrationSummary!.catalogSummaries![0]!.databaseSummaries![0]!;
    sales.resultStatus = 'FAILED';
    sales.tableSummary = { ...sales.tableSummary, resultCounts: { SUCCEEDED: 2, FAILED: 30 } };
    const tableReports = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [
        `t${String(i).padStart(2, '0')}`,
        { executionResult: { state: 'FAILED' as const } },
      ]),
    );
    const report: MigrationReport = {
      catalogReports: [{ catalog: HIVE, databaseReports: { sales: { tableReports } } }],
    };
    const outcome = backfillOutcome(s, report);
    // What history keeps is bounded (the activity keeps 20 names): the count still comes from the summary.
    outcome.failedTables = outcome.failedTables.slice(0, 20);
    assert.match(
      backfillVerdict(outcome),
      /; failed: sales\.t00, sales\.t01, sales\.t02, sales\.t03, sales\.t04 and 25 more — report /,
    );
    assert.doesNotMatch(backfillVerdict(outcome), /database sales/, 'the tables are named, not their database');
  });

  it('names a failed database none of whose tables failed (a database-level failure) after the tables', () => {
    const s = status();
    const web = s.migrationSummary!.catalogSummaries![1]!.databaseSummaries![0]!;
    web.resultStatus = 'FAILED';
    const sales = s.migrationSummary!.catalogSummaries![0]!.databaseSummaries![0]!;
    sales.resultStatus = 'FAILED';
    sales.tableSummary = { ...sales.tableSummary, resultCounts: { SUCCEEDED: 11, FAILED: 1 } };
    const report: MigrationReport = {
      catalogReports: [
        {
          catalog: HIVE,
          databaseReports: { sales: { tableReports: { orders: { executionResult: { state: 'FAILED' } } } } },
        },
      ],
    };
    assert.match(backfillVerdict(backfillOutcome(s, report)), /; failed: sales\.orders, database web — report /);
  });

  it('a failure without names says where to find them', () => {
    const s = status();
    s.state = 'FAILED';
    s.migrationSummary!.catalogSummaries = [];
    assert.match(
      backfillVerdict(backfillOutcome(s)),
      /^backfill FAILED: 0 tables .*; failed: read the report for names/,
    );
  });

  it('while pending or running there are no counts; a dry run counts plans', () => {
    assert.equal(
      backfillVerdict(backfillOutcome({ state: 'PENDING' })),
      'backfill PENDING: no counts yet (it has not started)',
    );
    assert.equal(
      backfillVerdict(backfillOutcome({ state: 'RUNNING' })),
      'backfill RUNNING: no counts yet (the API gives counts only once it ends)',
    );
    const dry = status();
    dry.migrationSummary!.dryRun = true;
    assert.equal(
      backfillVerdict(backfillOutcome({ ...dry, reportPath: undefined })),
      'dry run SUCCEEDED: 15 tables in 2 databases planned (13 CREATE, 2 SKIP)',
    );
  });

  it('a state or value this tool does not know is shown as such, never read as a known one', () => {
    assert.equal(
      backfillVerdict(backfillOutcome({ state: 'VERIFYING' as never })),
      'backfill state VERIFYING (not known to this tool)',
    );
    const s = status();
    s.migrationSummary!.catalogSummaries![1]!.databaseSummaries![0]!.resultStatus = 'PARTIAL' as never;
    assert.match(backfillVerdict(backfillOutcome(s)), /; not known to this tool: database web resultStatus PARTIAL$/);
  });
});
