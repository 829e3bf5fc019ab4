// The outgoing kind's dry run: what the service would do per catalog and database (the MigrationSummary's plan
// actions, with the reasons and field diffs of the report when it was read), and the verdict on starting the real
// backfill. The verdict is a PlanReport of Findings, so the engineer overrides it by check name as any precheck.
import type { Finding } from './findings';
import type { FieldDiff, MigrationReport, MigrationSummary, TableReport } from './migration-summary';
import { unknownSummaryValues } from './migration-summary';
import { buildReport } from './report';
import type { PlanReport } from './report';
import type { BackfillState, CatalogType, PlanAction } from './vocabulary';

/**
 * The dry run's checks, by the name an engineer overrides them with. Databases or tables planned ERROR or
 * DEPENDENCY_FAILURE would fail in the backfill; values this tool does not know cannot be judged; a dry run that
 * has not finished has no plan at all. UPDATE plans are a warning: they change objects already in the target.
 */
export const DRY_RUN_CHECKS = {
  finished: 'dryRun.finished',
  errors: 'dryRun.errors',
  dependencyFailures: 'dryRun.dependencyFailures',
  unknownValues: 'dryRun.unknownValues',
  updates: 'dryRun.updates',
  /** The report (reasons, diffs, table names) could not be read: the plan is the summary's counts alone. */
  report: 'dryRun.report',
} as const;

/** One table the plan would not migrate, with the report's reason. */
export interface TablePlanProblem {
  table: string;
  action: PlanAction;
  reason?: string;
}

/** One table an UPDATE would change, with the report's reason and the fields that differ. */
export interface TablePlanChange {
  table: string;
  reason?: string;
  diffs: ({ field: string } & FieldDiff)[];
  /** Diffs left out of `diffs` to keep the plan bounded. */
  diffsOmitted?: number;
}

export interface DatabasePlan {
  catalog: string;
  catalogType?: CatalogType;
  database: string;
  action?: PlanAction;
  /** From the report: why this action. */
  reason?: string;
  /** From the report: the fields an UPDATE would change. */
  diffs: ({ field: string } & FieldDiff)[];
  /** Tables per plan action (the summary's planCounts). */
  tables: Record<string, number>;
  /** From the report: tables planned ERROR or DEPENDENCY_FAILURE. */
  failingTables: TablePlanProblem[];
  /** From the report: tables planned UPDATE, with their diffs (absent in records written before it was read). */
  updatedTables?: TablePlanChange[];
  /** What boundedDryRunPlan left out of this database's lists (absent: nothing). */
  omitted?: { diffs?: number; failingTables?: number; updatedTables?: number; detail?: boolean };
}

export interface DryRunPlan {
  /** The summary's own flag: false means this was a real backfill, not a dry run. */
  dryRun?: boolean;
  /** The backfill status's state, when the plan comes from an execution. */
  state?: BackfillState;
  /** False until the service has written its summary (the dry run ended). */
  finished: boolean;
  /** Whether the report (reasons, diffs, tables) was read beside the summary. */
  reportRead: boolean;
  databases: DatabasePlan[];
  /** Values from a newer API revision, where they are (see unknownSummaryValues). */
  unknown: string[];
}

/** A dry run as a precheck keeps it (in the plan report): its execution, the plan (bounded), what was left out. */
export interface DryRunRecord {
  execution: string;
  plan: DryRunPlan;
  /** Databases left out of `plan.databases` to keep the state bounded; the findings were judged on all of them. */
  databasesOmitted: number;
}

/** The prechecks' report; for the outgoing kind with its dry run (what `plan` and `status` show). */
export type PrecheckReport = PlanReport & { dryRun?: DryRunRecord };

const FAILING_ACTIONS: readonly string[] = ['ERROR', 'DEPENDENCY_FAILURE'];

/** The plan from a dry run's summary (from the execution, or the report's own) and, when read, its report. */
export function dryRunPlan(
  summary: MigrationSummary | undefined,
  report?: MigrationReport,
  state?: BackfillState,
): DryRunPlan {
  const source = summary ?? report?.summary;
  const databases: DatabasePlan[] = [];
  for (const catalog of source?.catalogSummaries ?? []) {
    const catalogName = catalog.catalog ?? '';
    const catalogReport = report?.catalogReports?.find((c) => c.catalog === catalogName);
    for (const db of catalog.databaseSummaries ?? []) {
      const name = db.database ?? '';
      const found = catalogReport?.databaseReports?.[name];
      databases.push({
        catalog: catalogName,
        catalogType: catalog.catalogType,
        database: name,
        action: db.planAction,
        reason: found?.executionPlan?.reason,
        diffs: diffList(found?.executionPlan?.diffs),
        tables: { ...db.tableSummary?.planCounts },
        failingTables: failingTables(found?.tableReports),
        updatedTables: updatedTables(found?.tableReports),
      });
    }
  }
  return {
    dryRun: source?.dryRun,
    state,
    finished: source !== undefined,
    reportRead: report !== undefined,
    databases,
    unknown: unknownSummaryValues({ state, migrationSummary: source }, report),
  };
}

function failingTables(tables: Record<string, TableReport> | undefined): TablePlanProblem[] {
  return Object.entries(tables ?? {})
    .filter(([, table]) => FAILING_ACTIONS.includes(table.executionPlan?.action ?? ''))
    .map(([name, table]) => ({
      table: table.table ?? name,
      action: table.executionPlan?.action as PlanAction,
      reason: table.executionPlan?.reason,
    }))
    .sort((a, b) => a.table.localeCompare(b.table));
}

function diffList(diffs: Record<string, FieldDiff> | undefined): ({ field: string } & FieldDiff)[] {
  return Object.entries(diffs ?? {}).map(([field, diff]) => ({ field, ...diff }));
}

function updatedTables(tables: Record<string, TableReport> | undefined): TablePlanChange[] {
  return Object.entries(tables ?? {})
    .filter(([, table]) => table.executionPlan?.action === 'UPDATE')
    .map(([name, table]) => ({
      table: table.table ?? name,
      reason: table.executionPlan?.reason,
      diffs: diffList(table.executionPlan?.diffs),
    }))
    .sort((a, b) => a.table.localeCompare(b.table));
}

/**
 * How much of a plan's detail is kept (it lands in workflow history and in every status read). The report's texts
 * are the API's and unbounded: reasons and diff values are cut, and so are the lists per database. A plan of 200
 * databases each at every limit would still be megabytes, so the detail as a whole has a budget too, spent on the
 * databases that need reading first (ERROR, DEPENDENCY_FAILURE, UPDATE); the rest keep their action and counts.
 */
export const DRY_RUN_LIMITS = {
  reasonChars: 240,
  diffValueChars: 120,
  diffsPerItem: 5,
  tablesPerDatabase: 5,
  detailChars: 200_000,
} as const;

/** One line of the API's text, at most `max` characters: control characters (a terminal's escapes) become spaces. */
export function clipText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function clipReason(reason: string | undefined): string | undefined {
  return reason === undefined ? undefined : clipText(reason, DRY_RUN_LIMITS.reasonChars);
}

function clipDiffs(diffs: ({ field: string } & FieldDiff)[]): {
  kept: ({ field: string } & FieldDiff)[];
  omitted: number;
} {
  const clip = (value: string | undefined) =>
    value === undefined ? undefined : clipText(value, DRY_RUN_LIMITS.diffValueChars);
  const kept = diffs.slice(0, DRY_RUN_LIMITS.diffsPerItem).map((d) => ({
    field: clipText(d.field, DRY_RUN_LIMITS.diffValueChars),
    ...(d.sourceValue !== undefined ? { sourceValue: clip(d.sourceValue) } : {}),
    ...(d.targetValue !== undefined ? { targetValue: clip(d.targetValue) } : {}),
  }));
  return { kept, omitted: diffs.length - kept.length };
}

const NEEDS_READING: readonly (string | undefined)[] = ['ERROR', 'DEPENDENCY_FAILURE', 'UPDATE'];

function boundedDatabase(db: DatabasePlan): DatabasePlan {
  const limit = DRY_RUN_LIMITS.tablesPerDatabase;
  const diffs = clipDiffs(db.diffs);
  const failing = db.failingTables.slice(0, limit).map((t) => ({ ...t, reason: clipReason(t.reason) }));
  const allUpdated = db.updatedTables ?? [];
  const updated = allUpdated.slice(0, limit).map((t) => {
    const clipped = clipDiffs(t.diffs);
    return {
      table: t.table,
      reason: clipReason(t.reason),
      diffs: clipped.kept,
      ...(clipped.omitted > 0 ? { diffsOmitted: clipped.omitted } : {}),
    };
  });
  const omitted = {
    ...(diffs.omitted > 0 ? { diffs: diffs.omitted } : {}),
    ...(db.failingTables.length > limit ? { failingTables: db.failingTables.length - limit } : {}),
    ...(allUpdated.length > limit ? { updatedTables: allUpdated.length - limit } : {}),
  };
  return {
    ...db,
    reason: clipReason(db.reason),
    diffs: diffs.kept,
    failingTables: failing,
    updatedTables: updated,
    ...(Object.keys(omitted).length > 0 ? { omitted } : {}),
  };
}

/** The database without the report's detail (its action and counts stay), saying that it was left out. */
function withoutDetail(db: DatabasePlan): DatabasePlan {
  const { reason: _reason, ...rest } = db;
  return { ...rest, diffs: [], failingTables: [], updatedTables: [], omitted: { detail: true } };
}

/**
 * The plan as a record keeps it: the first `databasesKept` databases, each clipped (DRY_RUN_LIMITS), within the
 * detail budget. The findings are judged on the whole plan before this.
 */
export function boundedDryRunPlan(plan: DryRunPlan, databasesKept: number): DryRunPlan {
  const databases = plan.databases.slice(0, databasesKept).map(boundedDatabase);
  const order = databases
    .map((db, i) => ({ db, i, first: NEEDS_READING.includes(db.action) || db.failingTables.length > 0 ? 0 : 1 }))
    .sort((a, b) => a.first - b.first || a.i - b.i);
  let budget = DRY_RUN_LIMITS.detailChars;
  for (const { db, i } of order) {
    const size = JSON.stringify([db.reason, db.diffs, db.failingTables, db.updatedTables]).length;
    if (size > budget) databases[i] = withoutDetail(db);
    else budget -= size;
  }
  return { ...plan, databases };
}

/** The findings of a dry run's plan, one per check in DRY_RUN_CHECKS. */
export function dryRunFindings(plan: DryRunPlan): Finding[] {
  if (!plan.finished) {
    const state = plan.state ?? 'STATE_UNSPECIFIED';
    return [
      {
        check: DRY_RUN_CHECKS.finished,
        level: 'error',
        message: `the dry run has no summary yet (backfill state ${state}): there is no plan to judge`,
      },
    ];
  }
  const findings: Finding[] = [];
  if (plan.dryRun === false) {
    findings.push({
      check: DRY_RUN_CHECKS.finished,
      level: 'error',
      message: 'the summary is of a real backfill (dryRun false), not of a dry run',
    });
  } else {
    const count = plan.databases.length;
    findings.push({ check: DRY_RUN_CHECKS.finished, level: 'ok', message: `the dry run planned ${count} databases` });
  }
  findings.push(
    failingFinding(plan, 'ERROR', DRY_RUN_CHECKS.errors),
    failingFinding(plan, 'DEPENDENCY_FAILURE', DRY_RUN_CHECKS.dependencyFailures),
  );
  findings.push(
    plan.unknown.length > 0
      ? {
          check: DRY_RUN_CHECKS.unknownValues,
          level: 'error',
          message: `the plan holds values this tool does not know (${plan.unknown.join('; ')}): read the report before overriding`,
        }
      : { check: DRY_RUN_CHECKS.unknownValues, level: 'ok', message: 'every value in the plan is known' },
  );
  const updates = plan.databases.filter((db) => db.action === 'UPDATE' || (db.tables['UPDATE'] ?? 0) > 0);
  findings.push(
    updates.length > 0
      ? {
          check: DRY_RUN_CHECKS.updates,
          level: 'warning',
          message: `the backfill would change objects already in the target: ${listed(updates.map(updateLine))}`,
        }
      : { check: DRY_RUN_CHECKS.updates, level: 'ok', message: 'nothing already in the target would be changed' },
  );
  return findings;
}

/** Databases planned `action`, or with tables planned so: by name, each with the report's reason when read. */
function failingFinding(plan: DryRunPlan, action: 'ERROR' | 'DEPENDENCY_FAILURE', check: string): Finding {
  const parts: string[] = [];
  for (const db of plan.databases) {
    const where = db.database;
    if (db.action === action) parts.push(`database ${where}${db.reason ? ` (${clipReason(db.reason)})` : ''}`);
    const tables = db.failingTables.filter((t) => t.action === action);
    const counted = db.tables[action] ?? 0;
    if (tables.length > 0) {
      const named = tables
        .slice(0, DRY_RUN_LIMITS.tablesPerDatabase)
        .map((t) => `${where}.${t.table}${t.reason ? ` (${clipReason(t.reason)})` : ''}`);
      const more = tables.length - named.length;
      parts.push(`${tables.length} tables: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
    } else if (counted > 0) {
      parts.push(`${counted} tables in ${where} (read the report for their names)`);
    }
  }
  if (parts.length === 0) return { check, level: 'ok', message: `nothing is planned ${action}` };
  return { check, level: 'error', message: `planned ${action}: ${listed(parts)}` };
}

/** A finding's message names at most this many databases (it lands in history and on one line); the rest counted. */
const FINDING_PARTS_KEPT = 20;

function listed(parts: string[]): string {
  const more = parts.length - FINDING_PARTS_KEPT;
  return more > 0 ? `${parts.slice(0, FINDING_PARTS_KEPT).join('; ')}; and ${more} more` : parts.join('; ');
}

function updateLine(db: DatabasePlan): string {
  const tables = db.tables['UPDATE'] ?? 0;
  const fields = db.diffs.map((diff) => diff.field);
  const what = db.action === 'UPDATE' ? `database ${db.database}` : db.database;
  const named = (db.updatedTables ?? []).slice(0, DRY_RUN_LIMITS.tablesPerDatabase).map((t) => t.table);
  const which = named.length > 0 ? `: ${named.join(', ')}${tables > named.length ? ', …' : ''}` : '';
  const detail = [tables > 0 ? `${tables} tables${which}` : '', fields.length > 0 ? `fields ${fields.join(', ')}` : '']
    .filter(Boolean)
    .join(', ');
  return detail ? `${what} (${detail})` : what;
}

/**
 * The `dryRun.report` finding: ok when the report was read beside the summary; a warning saying why when it was not
 * (the plan then has the summary's counts only: no reasons, diffs or table names). A warning, not an error: the
 * summary alone is enough to judge ERROR and DEPENDENCY_FAILURE by.
 */
export function dryRunReportFinding(read: { reportPath: string } | { problem: string }): Finding {
  const check = DRY_RUN_CHECKS.report;
  if ('reportPath' in read) return { check, level: 'ok', message: `read the report at ${read.reportPath}` };
  const why = clipText(read.problem, DRY_RUN_LIMITS.reasonChars * 2);
  return {
    check,
    level: 'warning',
    message: `the report was not read (${why}): the plan has the summary's counts only`,
  };
}

/**
 * The verdict on starting the backfill after this dry run: blocked by any error finding the engineer did not
 * override by name (e.g. `dryRun.errors`), as the prechecks and the cutover gate are.
 */
export function dryRunVerdict(service: string, plan: DryRunPlan, overrides: readonly string[]): PlanReport {
  return buildReport(service, dryRunFindings(plan), overrides);
}
