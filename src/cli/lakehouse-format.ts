// Text rendering of the outgoing kind's results (the dry run's plan and verdict, the backfill's outcome), ready for
// the commands that will show them. Pure: --json prints the same objects unformatted.
import type { BackfillOutcome } from '../migration/backfill';
import { backfillVerdict } from '../migration/backfill';
import type { DatabasePlan, DryRunPlan } from '../migration/dry-run';
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

/** The dry run database by database, grouped by catalog, then its checks and the verdict on starting. */
export function formatDryRunPlan(plan: DryRunPlan, report: PlanReport): string {
  const lines = [`dry run of ${report.service} — ${verdictLine(report, 'the backfill may start')}`];
  const byCatalog = new Map<string, DatabasePlan[]>();
  for (const db of plan.databases) byCatalog.set(db.catalog, [...(byCatalog.get(db.catalog) ?? []), db]);
  for (const [catalog, databases] of byCatalog) {
    lines.push(`  catalog ${catalog} (${labelled(databases[0]?.catalogType, CATALOG_TYPES)})`);
    const width = Math.max(...databases.map((db) => db.database.length));
    for (const db of databases) lines.push(...databaseLines(db, width));
  }
  if (plan.finished && plan.databases.length === 0) lines.push('  no database to migrate');
  if (plan.finished && !plan.reportRead) lines.push('  (the report was not read: no reasons, diffs or table names)');
  lines.push('checks', ...findingLines(report.findings));
  return lines.join('\n');
}

function databaseLines(db: DatabasePlan, width: number): string[] {
  const reason = db.reason ? ` — ${db.reason}` : '';
  const lines = [
    `    ${db.database.padEnd(width)}  ${labelled(db.action, PLAN_ACTIONS)}  tables: ${counts(db.tables)}${reason}`,
  ];
  for (const diff of db.diffs) {
    lines.push(
      `      ${diff.field}: ${diff.targetValue ?? '(unset)'} in the target → ${diff.sourceValue ?? '(unset)'}`,
    );
  }
  for (const table of db.failingTables) {
    lines.push(`      table ${table.table} ${table.action}${table.reason ? `: ${table.reason}` : ''}`);
  }
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
