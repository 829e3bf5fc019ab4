// The dry run's plan and its verdict on starting the backfill: ERROR and DEPENDENCY_FAILURE block unless overridden
// by name, values this tool does not know block too, UPDATEs warn.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DRY_RUN_CHECKS, dryRunFindings, dryRunPlan, dryRunVerdict } from '../../src/migration/dry-run';
import type { MigrationReport, MigrationSummary } from '../../src/migration/migration-summary';
import { verdictLine } from '../../src/migration/report';

const SERVICE = 'projects/corp-data-prod/locations/us-central1/services/hms';
const HIVE = 'projects/corp-lake/catalogs/hive-main';

function summary(): MigrationSummary {
  return {
    service: SERVICE,
    dryRun: true,
    catalogSummaries: [
      {
        catalog: HIVE,
        catalogType: 'HIVE',
        databaseSummaries: [
          { database: 'sales', planAction: 'CREATE', tableSummary: { planCounts: { CREATE: 10 } } },
          { database: 'hr', planAction: 'SKIP', tableSummary: { planCounts: { SKIP: 4 } } },
        ],
      },
    ],
  };
}

function withDatabase(
  extra: NonNullable<NonNullable<MigrationSummary['catalogSummaries']>[number]['databaseSummaries']>[number],
) {
  const s = summary();
  s.catalogSummaries![0]!.databaseSummaries!.push(extra);
  return s;
}

const levels = (findings: { check: string; level: string }[]) =>
  Object.fromEntries(findings.map((f) => [f.check, f.level]));

describe('dryRunPlan', () => {
  it('lists each database with its action and table counts, and joins the report’s reasons, diffs and tables', () => {
    const s = withDatabase({
      database: 'web',
      planAction: 'UPDATE',
      tableSummary: { planCounts: { UPDATE: 2, ERROR: 1 } },
    });
    const report: MigrationReport = {
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
              tableReports: {
                clicks: { executionPlan: { action: 'ERROR', reason: 'bucket not covered by the catalog' } },
                views: { executionPlan: { action: 'UPDATE' } },
              },
            },
          },
        },
      ],
    };
    const plan = dryRunPlan(s, report, 'SUCCEEDED');
    assert.equal(plan.finished, true);
    assert.equal(plan.reportRead, true);
    const web = plan.databases.find((db) => db.database === 'web')!;
    assert.deepEqual(web, {
      catalog: HIVE,
      catalogType: 'HIVE',
      database: 'web',
      action: 'UPDATE',
      reason: 'location differs',
      diffs: [{ field: 'locationUri', sourceValue: 'gs://a/web', targetValue: 'gs://b/web' }],
      tables: { UPDATE: 2, ERROR: 1 },
      failingTables: [{ table: 'clicks', action: 'ERROR', reason: 'bucket not covered by the catalog' }],
    });
    const findings = dryRunFindings(plan);
    const errors = findings.find((f) => f.check === DRY_RUN_CHECKS.errors)!;
    assert.equal(errors.level, 'error');
    assert.equal(errors.message, 'planned ERROR: 1 tables: web.clicks (bucket not covered by the catalog)');
    const updates = findings.find((f) => f.check === DRY_RUN_CHECKS.updates)!;
    assert.equal(updates.level, 'warning');
    assert.match(updates.message, /database web \(2 tables, fields locationUri\)/);
  });

  it('takes the report’s own summary when the execution has none', () => {
    const plan = dryRunPlan(undefined, { summary: summary() });
    assert.equal(plan.databases.length, 2);
  });
});

describe('dryRunVerdict', () => {
  it('a clean plan lets the start go ahead', () => {
    const report = dryRunVerdict(SERVICE, dryRunPlan(summary()), []);
    assert.equal(report.ok, true);
    assert.deepEqual(levels(report.findings), {
      'dryRun.finished': 'ok',
      'dryRun.errors': 'ok',
      'dryRun.dependencyFailures': 'ok',
      'dryRun.unknownValues': 'ok',
      'dryRun.updates': 'ok',
    });
  });

  it('databases planned ERROR or DEPENDENCY_FAILURE block, each under its own name, until overridden by it', () => {
    const s = withDatabase({ database: 'finance', planAction: 'ERROR', tableSummary: { planCounts: { ERROR: 3 } } });
    s.catalogSummaries![0]!.databaseSummaries!.push({
      database: 'audit',
      planAction: 'DEPENDENCY_FAILURE',
      tableSummary: { planCounts: {} },
    });
    const plan = dryRunPlan(s);
    const blocked = dryRunVerdict(SERVICE, plan, []);
    assert.equal(blocked.ok, false);
    assert.deepEqual(blocked.blocking, ['dryRun.errors', 'dryRun.dependencyFailures']);
    assert.equal(verdictLine(blocked, 'ready'), 'blocked by dryRun.errors, dryRun.dependencyFailures');
    const errors = blocked.findings.find((f) => f.check === 'dryRun.errors')!;
    assert.equal(
      errors.message,
      'planned ERROR: database finance; 3 tables in finance (read the report for their names)',
    );
    const half = dryRunVerdict(SERVICE, plan, ['dryRun.errors']);
    assert.deepEqual(half.blocking, ['dryRun.dependencyFailures']);
    assert.deepEqual(half.overridden, ['dryRun.errors']);
    assert.equal(dryRunVerdict(SERVICE, plan, ['dryRun.errors', 'dryRun.dependencyFailures']).ok, true);
  });

  it('a plan with values this tool does not know blocks until overridden; an unknown action is never read as SKIP', () => {
    const plan = dryRunPlan(
      withDatabase({ database: 'ads', planAction: 'MERGE' as never, tableSummary: { planCounts: { MERGE: 2 } } }),
    );
    const report = dryRunVerdict(SERVICE, plan, []);
    assert.deepEqual(report.blocking, ['dryRun.unknownValues']);
    assert.match(
      report.findings.find((f) => f.check === 'dryRun.unknownValues')!.message,
      /database ads planAction MERGE/,
    );
  });

  it('no plan yet, or the summary of a real backfill, blocks under dryRun.finished', () => {
    const pending = dryRunVerdict(SERVICE, dryRunPlan(undefined, undefined, 'RUNNING'), []);
    assert.deepEqual(pending.blocking, ['dryRun.finished']);
    assert.match(pending.findings[0]!.message, /no summary yet \(backfill state RUNNING\)/);
    const real = dryRunVerdict(SERVICE, dryRunPlan({ ...summary(), dryRun: false }), []);
    assert.deepEqual(real.blocking, ['dryRun.finished']);
  });

  it('the override names are valid check ids (what the request options accept)', () => {
    for (const check of Object.values(DRY_RUN_CHECKS)) assert.match(check, /^[a-zA-Z]+(\.[a-zA-Z]+)*$/);
  });
});
