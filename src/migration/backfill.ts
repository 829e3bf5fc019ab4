// The outgoing kind's backfill as it ended (or stands): tables per plan action and per result, partitions
// discovered / succeeded / failed, and the tables that failed by name from the report, with a one-line verdict.
// The API gives no counts while the backfill runs (§2.2): they appear with the summary, once it ended.
import type { BackfillStatus, MigrationReport } from './migration-summary';
import { unknownSummaryValues } from './migration-summary';
import type { BackfillState } from './vocabulary';
import { BACKFILL_STATES, isKnownValue } from './vocabulary';

export interface FailedTable {
  catalog: string;
  database: string;
  table: string;
  errorMessage?: string;
  remediation?: string;
}

export interface BackfillOutcome {
  state?: BackfillState;
  dryRun?: boolean;
  /** Where the service wrote its report. */
  reportPath?: string;
  /** False until the summary is there (the backfill ended). */
  summarized: boolean;
  databases: number;
  /** Tables per plan action, summed over databases (keys as the API sends them). */
  tablesPlanned: Record<string, number>;
  /** Tables per result, summed over databases. */
  tablesByResult: Record<string, number>;
  partitions: { discovered: number; succeeded: number; failed: number };
  /** Databases whose result is FAILED, as catalog-relative names. */
  failedDatabases: string[];
  /** From the report, when read: every table whose result is FAILED. */
  failedTables: FailedTable[];
  reportRead: boolean;
  unknown: string[];
}

function add(into: Record<string, number>, counts: Record<string, number> | undefined): void {
  for (const [key, value] of Object.entries(counts ?? {})) into[key] = (into[key] ?? 0) + value;
}

export function backfillOutcome(status: BackfillStatus, report?: MigrationReport): BackfillOutcome {
  const summary = status.migrationSummary ?? report?.summary;
  const outcome: BackfillOutcome = {
    state: status.state,
    dryRun: summary?.dryRun,
    reportPath: status.reportPath,
    summarized: summary !== undefined,
    databases: 0,
    tablesPlanned: {},
    tablesByResult: {},
    partitions: { discovered: 0, succeeded: 0, failed: 0 },
    failedDatabases: [],
    failedTables: [],
    reportRead: report !== undefined,
    unknown: unknownSummaryValues({ ...status, migrationSummary: summary }, report),
  };
  for (const catalog of summary?.catalogSummaries ?? []) {
    for (const db of catalog.databaseSummaries ?? []) {
      outcome.databases += 1;
      const tables = db.tableSummary;
      add(outcome.tablesPlanned, tables?.planCounts);
      add(outcome.tablesByResult, tables?.resultCounts);
      outcome.partitions.discovered += tables?.partitionDiscoveredCount ?? 0;
      outcome.partitions.succeeded += tables?.partitionSuccessCount ?? 0;
      outcome.partitions.failed += tables?.partitionFailedCount ?? 0;
      if (db.resultStatus === 'FAILED') outcome.failedDatabases.push(db.database ?? '?');
    }
  }
  for (const catalog of report?.catalogReports ?? []) {
    for (const [database, db] of Object.entries(catalog.databaseReports ?? {})) {
      for (const [name, table] of Object.entries(db.tableReports ?? {})) {
        if (table.executionResult?.state !== 'FAILED') continue;
        outcome.failedTables.push({
          catalog: catalog.catalog ?? '',
          database: db.database ?? database,
          table: table.table ?? name,
          errorMessage: table.executionResult.errorMessage,
          remediation: table.executionResult.remediation,
        });
      }
    }
  }
  outcome.failedTables.sort((a, b) => `${a.database}.${a.table}`.localeCompare(`${b.database}.${b.table}`));
  return outcome;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((total, value) => total + value, 0);
}

/** Whether anything was lost: a failed database, table or partition. */
export function backfillFailed(outcome: BackfillOutcome): boolean {
  return (
    outcome.state === 'FAILED' ||
    outcome.failedDatabases.length > 0 ||
    outcome.failedTables.length > 0 ||
    (outcome.tablesByResult['FAILED'] ?? 0) > 0 ||
    outcome.partitions.failed > 0
  );
}

/** Most names one line shows; the rest are counted, and the report has them all. */
const NAMES_SHOWN = 5;

function names(list: string[]): string {
  const shown = list.slice(0, NAMES_SHOWN).join(', ');
  return list.length > NAMES_SHOWN ? `${shown} and ${list.length - NAMES_SHOWN} more` : shown;
}

/**
 * One line: "backfill SUCCEEDED: 15 tables in 2 databases (12 succeeded, 3 skipped, 0 failed); partitions 120 of
 * 120" — or what failed, by name, and where the report is. A dry run says so, and counts plans instead of results.
 */
export function backfillVerdict(outcome: BackfillOutcome): string {
  const what = outcome.dryRun ? 'dry run' : 'backfill';
  const state = outcome.state ?? 'STATE_UNSPECIFIED';
  const others = outcome.unknown.filter((value) => value !== `backfill state ${state}`); // the state is said first
  const unknown = others.length > 0 ? `; not known to this tool: ${others.join(', ')}` : '';
  if (!isKnownValue(BACKFILL_STATES, state)) return `${what} state ${state} (not known to this tool)${unknown}`;
  if (!outcome.summarized) {
    const why = state === 'PENDING' ? 'it has not started' : 'the API gives counts only once it ends';
    return `${what} ${state}: no counts yet (${why})${unknown}`;
  }
  const report = outcome.reportPath ? ` — report ${outcome.reportPath}` : '';
  if (outcome.dryRun) {
    const planned = Object.entries(outcome.tablesPlanned)
      .map(([action, count]) => `${count} ${action}`)
      .join(', ');
    return `${what} ${state}: ${sum(outcome.tablesPlanned)} tables in ${outcome.databases} databases planned (${planned || 'none'})${report}${unknown}`;
  }
  const results = outcome.tablesByResult;
  const tables =
    `${sum(results)} tables in ${outcome.databases} databases (${results['SUCCEEDED'] ?? 0} succeeded, ` +
    `${results['SKIPPED'] ?? 0} skipped, ${results['FAILED'] ?? 0} failed)`;
  const p = outcome.partitions;
  const partitions = `partitions ${p.succeeded} of ${p.discovered}${p.failed > 0 ? ` (${p.failed} failed)` : ''}`;
  const lost = backfillFailed(outcome) ? `; failed: ${failedNames(outcome)}` : '';
  return `${what} ${state}: ${tables}; ${partitions}${lost}${report}${unknown}`;
}

/**
 * What failed, by the names an engineer fixes: tables as db.table (the outcome keeps a bounded few, the summary
 * counts them all, so "and N more" is exact), then any failed database none of the named tables is in (a
 * database-level failure, or tables the outcome could not name). Without table names, their count and where to
 * find them.
 */
function failedNames(outcome: BackfillOutcome): string {
  const tables = outcome.failedTables.map((t) => `${t.database}.${t.table}`);
  const named = new Set(outcome.failedTables.map((t) => t.database));
  const databases = outcome.failedDatabases.filter((db) => !named.has(db)).map((db) => `database ${db}`);
  const tableCount = Math.max(outcome.tablesByResult['FAILED'] ?? 0, tables.length);
  const unnamed = tableCount - tables.length;
  if (tables.length === 0 && tableCount > 0) {
    const where = outcome.reportRead ? 'not named in the report' : 'read the report for names';
    return `${tableCount} tables (${where})${databases.length > 0 ? `, in ${names(databases)}` : ''}`;
  }
  const listed = [...tables, ...databases];
  if (listed.length === 0) return outcome.reportRead ? 'see the counts' : 'read the report for names';
  const shown = listed.slice(0, NAMES_SHOWN);
  const more = listed.length - shown.length + unnamed;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
