// Text rendering of the outgoing kind's results (the dry run's plan and verdict, the backfill's outcome), ready for
// the commands that will show them. Pure: --json prints the same objects unformatted.
import type { BackfillOutcome } from '../migration/backfill';
import { backfillVerdict } from '../migration/backfill';
import type { DatabasePlan, DryRunPlan } from '../migration/dry-run';
import type { FieldDiff } from '../migration/migration-summary';
import type { PlanReport } from '../migration/report';
import { verdictLine } from '../migration/report';
import { CATALOG_TYPES, PLAN_ACTIONS } from '../schemas';
import { findingLines } from './findings';

/** A value from a newer API revision, marked so nobody reads it as a known one (as format.ts does). */
function labelled(value: string | undefined, known: readonly string[]): string {
  if (value === undefined) return 'unset';
  return known.includes(value) ? value : `${value} (not known to this tool)`;
}

function counts(byKey: Record<string, number>): string {
  const entries = Object.entries(byKey);
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${count} ${key}`).join(', ');
}

/**
 * Catalogs with at most this many databases list every one. Beyond it, a plan of hundreds of databases would bury
 * the few that need reading, so only those are shown in detail (ERROR, DEPENDENCY_FAILURE, UPDATE, a value this
 * tool does not know, or tables that fail or change) and the plain CREATE and SKIP ones are counted on one line;
 * `plan --json` lists every database the record kept.
 */
export const PLAN_DATABASES_LISTED = 20;

/** The dry run database by database, grouped by catalog, then its checks and the verdict on starting. */
export function formatDryRunPlan(plan: DryRunPlan, report: PlanReport): string {
  const lines = [`dry run of ${report.service} — ${verdictLine(report, 'the backfill may start')}`];
  lines.push(...dryRunPlanLines(plan, '  '));
  lines.push('checks', ...findingLines(report.findings));
  return lines.join('\n');
}

/** The plan's databases by catalog (for `plan` and `status`), each line after `indent`. */
export function dryRunPlanLines(plan: DryRunPlan, indent: string): string[] {
  const lines: string[] = [];
  const byCatalog = new Map<string, DatabasePlan[]>();
  for (const db of plan.databases) byCatalog.set(db.catalog, [...(byCatalog.get(db.catalog) ?? []), db]);
  for (const [catalog, databases] of byCatalog) {
    lines.push(`${indent}catalog ${catalog} (${labelled(databases[0]?.catalogType, CATALOG_TYPES)})`);
    const shown = databases.length <= PLAN_DATABASES_LISTED ? databases : databases.filter(needsReading);
    const width = Math.max(0, ...shown.map((db) => db.database.length));
    for (const db of shown) lines.push(...databaseLines(db, width).map((line) => `${indent}${line}`));
    const rest = databases.filter((db) => !shown.includes(db));
    if (rest.length > 0) {
      const byAction: Record<string, number> = {};
      for (const db of rest) byAction[db.action ?? 'unset'] = (byAction[db.action ?? 'unset'] ?? 0) + 1;
      lines.push(`${indent}  and ${rest.length} more databases with nothing to read: ${counts(byAction)}`);
    }
  }
  if (plan.finished && plan.databases.length === 0) lines.push(`${indent}no database to migrate`);
  if (plan.finished && !plan.reportRead) {
    lines.push(`${indent}(the report was not read: no reasons, diffs or table names)`);
  }
  return lines;
}

function needsReading(db: DatabasePlan): boolean {
  const plain = db.action === 'CREATE' || db.action === 'SKIP';
  return !plain || db.failingTables.length > 0 || (db.updatedTables ?? []).length > 0 || db.diffs.length > 0;
}

function diffLine(diff: { field: string } & FieldDiff): string {
  return `${diff.field}: ${diff.targetValue ?? '(unset)'} in the target → ${diff.sourceValue ?? '(unset)'}`;
}

function databaseLines(db: DatabasePlan, width: number): string[] {
  const reason = db.reason ? ` — ${db.reason}` : '';
  const lines = [
    `  ${db.database.padEnd(width)}  ${labelled(db.action, PLAN_ACTIONS)}  tables: ${counts(db.tables)}${reason}`,
  ];
  const omitted = db.omitted ?? {};
  for (const diff of db.diffs) lines.push(`    ${diffLine(diff)}`);
  if (omitted.diffs) lines.push(`    and ${omitted.diffs} more fields`);
  for (const table of db.failingTables) {
    lines.push(`    table ${table.table} ${table.action}${table.reason ? `: ${table.reason}` : ''}`);
  }
  if (omitted.failingTables) lines.push(`    and ${omitted.failingTables} more failing tables`);
  for (const table of db.updatedTables ?? []) {
    lines.push(`    table ${table.table} UPDATE${table.reason ? `: ${table.reason}` : ''}`);
    for (const diff of table.diffs) lines.push(`      ${diffLine(diff)}`);
    if (table.diffsOmitted) lines.push(`      and ${table.diffsOmitted} more fields`);
  }
  if (omitted.updatedTables) lines.push(`    and ${omitted.updatedTables} more tables to update`);
  if (omitted.detail) lines.push('    (its reasons and tables left out to keep the record bounded: read the report)');
  return lines;
}

/** The backfill's verdict line, then its counts and the failed tables by name. */
export function formatBackfillOutcome(outcome: BackfillOutcome): string {
  const lines = [backfillVerdict(outcome)];
  if (!outcome.summarized) return lines[0] ?? '';
  const p = outcome.partitions;
  lines.push(
    `  tables planned  ${counts(outcome.tablesPlanned)}`,
    ...(outcome.dryRun ? [] : [`  tables          ${counts(outcome.tablesByResult)}`]),
    `  partitions      ${p.discovered} discovered, ${p.succeeded} succeeded, ${p.failed} failed`,
  );
  if (outcome.failedTables.length > 0) {
    lines.push('  failed tables');
    for (const t of outcome.failedTables) {
      const why = [t.errorMessage, t.remediation && `remediation: ${t.remediation}`].filter(Boolean).join(' — ');
      lines.push(`    ${t.database}.${t.table}${why ? `: ${why}` : ''}`);
    }
  }
  return lines.join('\n');
}
