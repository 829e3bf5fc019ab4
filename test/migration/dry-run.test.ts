// The dry run's plan and its verdict on starting the backfill: ERROR and DEPENDENCY_FAILURE block unless overridden
// by name, values this tool does not know block too, UPDATEs warn.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DRY_RUN_CHECKS,
  DRY_RUN_LIMITS,
  boundedDryRunPlan,
  clipText,
  dryRunFindings,
  dryRunPlan,
  dryRunReportFinding,
  dryRunVerdict,
} from '../../src/migration/dry-run';
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
                views: {
                  executionPlan: {
                    action: 'UPDATE',
                    reason: 'differs in the target',
                    diffs: { location: { sourceValue: 'gs://a/web/views', targetValue: 'gs://b/web/views' } },
                  },
                },
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
      updatedTables: [
        {
          table: 'views',
          reason: 'differs in the target',
          diffs: [{ field: 'location', sourceValue: 'gs://a/web/views', targetValue: 'gs://b/web/views' }],
        },
      ],
    });
    const findings = dryRunFindings(plan);
    const errors = findings.find((f) => f.check === DRY_RUN_CHECKS.errors)!;
    assert.equal(errors.level, 'error');
    assert.equal(errors.message, 'planned ERROR: 1 tables: web.clicks (bucket not covered by the catalog)');
    const updates = findings.find((f) => f.check === DRY_RUN_CHECKS.updates)!;
    assert.equal(updates.level, 'warning');
    assert.match(updates.message, /database web \(2 tables: views, …, fields locationUri\)/);
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

describe('boundedDryRunPlan', () => {
  /** `n` databases planned ERROR, each with `tables` failing tables and an UPDATE table of `diffs` long diffs. */
  function wide(n: number, tables: number, diffs: number) {
    const names = Array.from({ length: n }, (_, i) => `db${String(i).padStart(3, '0')}`);
    const s: MigrationSummary = {
      dryRun: true,
      catalogSummaries: [
        {
          catalog: HIVE,
          catalogType: 'HIVE',
          databaseSummaries: names.map((database) => ({
            database,
            planAction: 'ERROR' as const,
            tableSummary: { planCounts: { ERROR: tables, UPDATE: 1 } },
          })),
        },
      ],
    };
    const long = 'x'.repeat(5000);
    const report: MigrationReport = {
      catalogReports: [
        {
          catalog: HIVE,
          databaseReports: Object.fromEntries(
            names.map((database) => [
              database,
              {
                executionPlan: { action: 'ERROR', reason: `${long}\u001b[31m` },
                tableReports: {
                  ...Object.fromEntries(
                    Array.from({ length: tables }, (_, t) => [
                      `t${t}`,
                      { executionPlan: { action: 'ERROR' as const, reason: long } },
                    ]),
                  ),
                  changed: {
                    executionPlan: {
                      action: 'UPDATE' as const,
                      diffs: Object.fromEntries(
                        Array.from({ length: diffs }, (_, d) => [`f${d}`, { sourceValue: long, targetValue: 'old' }]),
                      ),
                    },
                  },
                },
              },
            ]),
          ),
        },
      ],
    };
    return dryRunPlan(s, report, 'SUCCEEDED');
  }

  it('cuts reasons, values and lists per database, counting what it left out', () => {
    const bounded = boundedDryRunPlan(wide(3, 12, 9), 2);
    assert.equal(bounded.databases.length, 2);
    const db = bounded.databases[0]!;
    assert.equal(db.reason!.length, DRY_RUN_LIMITS.reasonChars);
    assert.ok(!db.reason!.includes('\u001b'), 'no escape left');
    assert.equal(db.failingTables.length, DRY_RUN_LIMITS.tablesPerDatabase);
    assert.equal(db.omitted?.failingTables, 12 - DRY_RUN_LIMITS.tablesPerDatabase);
    const changed = db.updatedTables![0]!;
    assert.equal(changed.diffs.length, DRY_RUN_LIMITS.diffsPerItem);
    assert.equal(changed.diffsOmitted, 9 - DRY_RUN_LIMITS.diffsPerItem);
    assert.equal(changed.diffs[0]!.sourceValue!.length, DRY_RUN_LIMITS.diffValueChars);
    assert.equal(changed.diffs[0]!.targetValue, 'old');
  });

  it('keeps the whole plan within the detail budget: later databases keep their action and counts only', () => {
    const full = wide(200, 12, 9);
    const bounded = boundedDryRunPlan(full, 200);
    assert.ok(JSON.stringify(bounded).length < DRY_RUN_LIMITS.detailChars * 1.5, 'bounded as a whole');
    const stripped = bounded.databases.filter((db) => db.omitted?.detail);
    assert.ok(stripped.length > 0 && stripped.length < 200, `${stripped.length} databases without detail`);
    assert.deepEqual(stripped[0]!.tables, { ERROR: 12, UPDATE: 1 });
    assert.equal(stripped[0]!.action, 'ERROR');
    assert.equal(bounded.databases[0]!.omitted?.detail, undefined);
  });

  it('the finding messages stay bounded however many databases fail', () => {
    const findings = dryRunFindings(wide(200, 12, 1));
    const errors = findings.find((f) => f.check === DRY_RUN_CHECKS.errors)!;
    assert.match(errors.message, /; and \d+ more$/);
    assert.ok(errors.message.length < 40_000, `${errors.message.length} characters`);
  });
});

describe('dryRunReportFinding', () => {
  it('ok when read; a warning with the reason under dryRun.report when not, which overrides by name', () => {
    assert.deepEqual(dryRunReportFinding({ reportPath: 'gs://b/r.json' }), {
      check: 'dryRun.report',
      level: 'ok',
      message: 'read the report at gs://b/r.json',
    });
    const warning = dryRunReportFinding({ problem: 'no report at gs://b/r.json: No such object' });
    assert.equal(warning.level, 'warning');
    assert.match(warning.message, /not read \(no report at gs:\/\/b\/r\.json: No such object\)/);
  });

  it('clipText flattens control characters and marks a cut', () => {
    assert.equal(clipText('a\nb\u001b[0m', 100), 'a b [0m');
    assert.equal(clipText('abcdef', 4), 'abc…');
  });
});
