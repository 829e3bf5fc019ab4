// The outgoing kind's results as text: the dry run's plan with its checks, the backfill's outcome.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBackfillOutcome, formatDryRunPlan } from '../../src/cli/lakehouse-format';
import { backfillOutcome } from '../../src/migration/backfill';
import { dryRunPlan, dryRunVerdict } from '../../src/migration/dry-run';

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
