// The outgoing kind's results as text: the dry run's plan with its checks, the backfill's outcome.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PLAN_DATABASES_LISTED, formatBackfillOutcome, formatDryRunPlan } from '../../src/cli/lakehouse-format';
import { backfillOutcome } from '../../src/migration/backfill';
import type { MigrationReport, MigrationSummary } from '../../src/migration/migration-summary';
import { DRY_RUN_LIMITS, boundedDryRunPlan, dryRunPlan, dryRunVerdict } from '../../src/migration/dry-run';

const SERVICE = 'projects/corp-data-prod/locations/us-central1/services/hms';
const HIVE = 'projects/corp-lake/catalogs/hive-main';

describe('formatDryRunPlan', () => {
  it('shows each database by catalog, with diffs and failing tables, then the checks and the verdict', () => {
    const plan = dryRunPlan(
      {
        dryRun: true,
        catalogSummaries: [
          {
            catalog: HIVE,
            catalogType: 'HIVE',
            databaseSummaries: [
              { database: 'sales', planAction: 'CREATE', tableSummary: { planCounts: { CREATE: 10 } } },
              { database: 'web', planAction: 'UPDATE', tableSummary: { planCounts: { UPDATE: 2, ERROR: 1 } } },
            ],
          },
        ],
      },
      {
        catalogReports: [
          {
            catalog: HIVE,
            databaseReports: {
              web: {
                executionPlan: {
                  action: 'UPDATE',
                  reason: 'location differs',
                  diffs: { locationUri: { sourceValue: 'gs://a/web', targetValue: 'gs://b/web' } },
                },
                tableReports: { clicks: { executionPlan: { action: 'ERROR', reason: 'bucket not covered' } } },
              },
            },
          },
        ],
      },
    );
    const text = formatDryRunPlan(plan, dryRunVerdict(SERVICE, plan, []));
    assert.equal(
      text.split('\n').slice(0, 7).join('\n'),
      [
        `dry run of ${SERVICE} — blocked by dryRun.errors`,
        `  catalog ${HIVE} (HIVE)`,
        '    sales  CREATE  tables: 10 CREATE',
        '    web    UPDATE  tables: 2 UPDATE, 1 ERROR — location differs',
        '      locationUri: gs://b/web in the target → gs://a/web',
        '      table clicks ERROR: bucket not covered',
        'checks',
      ].join('\n'),
    );
    assert.match(text, /FAIL {2}dryRun\.errors +planned ERROR: 1 tables: web\.clicks \(bucket not covered\)/);
    assert.match(text, /WARN {2}dryRun\.updates/);
  });

  it('marks values it does not know and says when the report was not read', () => {
    const plan = dryRunPlan({
      dryRun: true,
      catalogSummaries: [
        {
          catalog: HIVE,
          catalogType: 'DELTA' as never,
          databaseSummaries: [{ database: 'a', planAction: 'MERGE' as never }],
        },
      ],
    });
    const text = formatDryRunPlan(plan, dryRunVerdict(SERVICE, plan, ['dryRun.unknownValues']));
    assert.match(text, /— the backfill may start\n/);
    assert.match(text, /\(DELTA \(not known to this tool\)\)/);
    assert.match(text, /a {2}MERGE \(not known to this tool\) {2}tables: none/);
    assert.match(text, /the report was not read/);
  });
});

describe('formatDryRunPlan of a large plan', () => {
  // 40 plain CREATE databases around three that need reading: those in detail, the rest counted on one line.
  const plain = Array.from({ length: 40 }, (_, i) => `plain${String(i).padStart(2, '0')}`);
  const summary: MigrationSummary = {
    dryRun: true,
    catalogSummaries: [
      {
        catalog: HIVE,
        catalogType: 'HIVE' as const,
        databaseSummaries: [
          ...plain.slice(0, 20).map((database) => ({ database, planAction: 'CREATE' as const })),
          { database: 'finance', planAction: 'ERROR' as const, tableSummary: { planCounts: { ERROR: 7 } } },
          { database: 'audit', planAction: 'DEPENDENCY_FAILURE' as const, tableSummary: { planCounts: {} } },
          { database: 'web', planAction: 'UPDATE' as const, tableSummary: { planCounts: { UPDATE: 1, SKIP: 2 } } },
          ...plain.slice(20).map((database) => ({ database, planAction: 'CREATE' as const })),
        ],
      },
    ],
  };
  const report: MigrationReport = {
    catalogReports: [
      {
        catalog: HIVE,
        databaseReports: {
          finance: {
            executionPlan: { action: 'ERROR' as const, reason: '7 table(s) cannot be registered.' },
            tableReports: Object.fromEntries(
              Array.from({ length: 7 }, (_, i) => [
                `t${i}`,
                { executionPlan: { action: 'ERROR' as const, reason: 'gs://other is not covered' } },
              ]),
            ),
          },
          audit: { executionPlan: { action: 'DEPENDENCY_FAILURE' as const, reason: 'depends on a failed database' } },
          web: {
            executionPlan: { action: 'UPDATE' as const, reason: 'Exists in the target; 1 table(s) differ.' },
            tableReports: {
              clicks: {
                executionPlan: {
                  action: 'UPDATE' as const,
                  reason: 'differs; OVERWRITE replaces it',
                  diffs: {
                    location: { sourceValue: 'gs://new/clicks', targetValue: 'gs://old/clicks' },
                    parameters: { sourceValue: '{"a":"1"}', targetValue: '{}' },
                  },
                },
              },
            },
          },
        },
      },
    ],
  };

  it('details the databases that need reading and counts the plain ones', () => {
    const plan = boundedDryRunPlan(dryRunPlan(summary, report, 'SUCCEEDED'), 200);
    const text = formatDryRunPlan(plan, dryRunVerdict(SERVICE, plan, []));
    const kept = DRY_RUN_LIMITS.tablesPerDatabase;
    assert.equal(
      text
        .split('\n')
        .slice(0, 11 + kept)
        .join('\n'),
      [
        `dry run of ${SERVICE} — blocked by dryRun.errors, dryRun.dependencyFailures`,
        `  catalog ${HIVE} (HIVE)`,
        '    finance  ERROR  tables: 7 ERROR — 7 table(s) cannot be registered.',
        ...Array.from({ length: kept }, (_, i) => `      table t${i} ERROR: gs://other is not covered`),
        `      and ${7 - kept} more failing tables`,
        '    audit    DEPENDENCY_FAILURE  tables: none — depends on a failed database',
        '    web      UPDATE  tables: 1 UPDATE, 2 SKIP — Exists in the target; 1 table(s) differ.',
        '      table clicks UPDATE: differs; OVERWRITE replaces it',
        '        location: gs://old/clicks in the target → gs://new/clicks',
        '        parameters: {} in the target → {"a":"1"}',
        '    and 40 more databases with nothing to read: 40 CREATE',
        'checks',
      ].join('\n'),
    );
    assert.ok(40 > PLAN_DATABASES_LISTED);
    assert.doesNotMatch(text, /plain\d\d/);
  });

  it('a plan without its report says so and names no tables', () => {
    const plan = dryRunPlan(summary, undefined, 'SUCCEEDED');
    const text = formatDryRunPlan(plan, dryRunVerdict(SERVICE, plan, []));
    assert.match(text, /^ {4}finance +ERROR +tables: 7 ERROR$/m);
    assert.match(text, /the report was not read: no reasons, diffs or table names/);
    assert.doesNotMatch(text, /table t0/);
  });
});

describe('formatBackfillOutcome', () => {
  it('the verdict, the counts and the failed tables with error and remediation', () => {
    const outcome = backfillOutcome(
      {
        state: 'SUCCEEDED',
        migrationSummary: {
          dryRun: false,
          catalogSummaries: [
            {
              catalog: HIVE,
              databaseSummaries: [
                {
                  database: 'sales',
                  resultStatus: 'SUCCEEDED',
                  tableSummary: {
                    partitionDiscoveredCount: 10,
                    partitionSuccessCount: 10,
                    planCounts: { CREATE: 3 },
                    resultCounts: { SUCCEEDED: 2, FAILED: 1 },
                  },
                },
              ],
            },
          ],
        },
      },
      {
        catalogReports: [
          {
            catalog: HIVE,
            databaseReports: {
              sales: {
                tableReports: {
                  orders: { executionResult: { state: 'FAILED', errorMessage: 'denied', remediation: 'grant' } },
                },
              },
            },
          },
        ],
      },
    );
    assert.equal(
      formatBackfillOutcome(outcome),
      [
        'backfill SUCCEEDED: 3 tables in 1 databases (2 succeeded, 0 skipped, 1 failed); partitions 10 of 10; failed: sales.orders',
        '  tables planned  3 CREATE',
        '  tables          2 SUCCEEDED, 1 FAILED',
        '  partitions      10 discovered, 10 succeeded, 0 failed',
        '  failed tables',
        '    sales.orders: denied — remediation: grant',
      ].join('\n'),
    );
  });

  it('only the verdict while there are no counts', () => {
    assert.equal(
      formatBackfillOutcome(backfillOutcome({ state: 'RUNNING' })),
      'backfill RUNNING: no counts yet (the API gives counts only once it ends)',
    );
  });
});
