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
} as const;

/** One table the plan would not migrate, with the report's reason. */
export interface TablePlanProblem {
  table: string;
  action: PlanAction;
  reason?: string;
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
        diffs: Object.entries(found?.executionPlan?.diffs ?? {}).map(([field, diff]) => ({ field, ...diff })),
        tables: { ...db.tableSummary?.planCounts },
        failingTables: failingTables(found?.tableReports),
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
          message: `the backfill would change objects already in the target: ${updates.map(updateLine).join('; ')}`,
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
    if (db.action === action) parts.push(`database ${where}${db.reason ? ` (${db.reason})` : ''}`);
    const tables = db.failingTables.filter((t) => t.action === action);
    const counted = db.tables[action] ?? 0;
    if (tables.length > 0) {
      const named = tables.map((t) => `${where}.${t.table}${t.reason ? ` (${t.reason})` : ''}`).join(', ');
      parts.push(`${tables.length} tables: ${named}`);
    } else if (counted > 0) {
      parts.push(`${counted} tables in ${where} (read the report for their names)`);
    }
  }
  if (parts.length === 0) return { check, level: 'ok', message: `nothing is planned ${action}` };
  return { check, level: 'error', message: `planned ${action}: ${parts.join('; ')}` };
}

function updateLine(db: DatabasePlan): string {
  const tables = db.tables['UPDATE'] ?? 0;
  const fields = db.diffs.map((diff) => diff.field);
  const what = db.action === 'UPDATE' ? `database ${db.database}` : db.database;
  const detail = [tables > 0 ? `${tables} tables` : '', fields.length > 0 ? `fields ${fields.join(', ')}` : '']
    .filter(Boolean)
    .join(', ');
  return detail ? `${what} (${detail})` : what;
}

/**
 * The verdict on starting the backfill after this dry run: blocked by any error finding the engineer did not
 * override by name (e.g. `dryRun.errors`), as the prechecks and the cutover gate are.
 */
export function dryRunVerdict(service: string, plan: DryRunPlan, overrides: readonly string[]): PlanReport {
  return buildReport(service, dryRunFindings(plan), overrides);
}
