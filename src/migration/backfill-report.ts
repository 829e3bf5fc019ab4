// The backfill's report (the MigrationReport object in Cloud Storage, lakehouse-migration-api.md §D) boiled down to
// what workflow history may hold: tables per plan action and per result counted from the report's own table
// entries, partitions, and the failed tables by name with their error — capped, the rest counted. The full report
// stays in Cloud Storage; a history event must not grow with the size of the metastore.
import type { MigrationReport } from './migration-summary';
import { unknownSummaryValues } from './migration-summary';

/** Failed tables named in a summary; the rest are counted in `failedTablesOmitted`. */
export const FAILED_TABLES_SHOWN = 20;
/** An error message longer than this is cut: one runaway message must not bloat history. */
export const ERROR_MESSAGE_CHARS = 300;
const UNKNOWN_VALUES_SHOWN = 10;

export interface ReportedFailedTable {
  /** 'database.table'. */
  name: string;
  catalog: string;
  errorMessage?: string;
}

export interface BackfillReportSummary {
  /** The gs:// object read. */
  reportPath: string;
  dryRun?: boolean;
  catalogs: number;
  databases: number;
  tables: number;
  /** Tables per ExecutionPlan.action, from the report's table entries (keys as sent, newer ones kept). */
  tablesByAction: Record<string, number>;
  /** Tables per ExecutionResult.state; a table without a result (a dry run) is not counted. */
  tablesByResult: Record<string, number>;
  partitions: { discovered: number; succeeded: number; failed: number };
  /** Databases whose own result is FAILED, as 'catalog-relative' names (at most FAILED_TABLES_SHOWN). */
  failedDatabases: string[];
  /** The first FAILED_TABLES_SHOWN failed tables in name order. */
  failedTables: ReportedFailedTable[];
  /** Failed tables beyond those named. */
  failedTablesOmitted: number;
  /** Values this tool does not know (a newer API), capped. */
  unknown: string[];
}

function bump(counts: Record<string, number>, key: string | undefined): void {
  if (key !== undefined) counts[key] = (counts[key] ?? 0) + 1;
}

function cut(message: string | undefined): string | undefined {
  if (message === undefined || message.length <= ERROR_MESSAGE_CHARS) return message;
  return `${message.slice(0, ERROR_MESSAGE_CHARS - 1)}…`;
}

export function summariseBackfillReport(
  reportPath: string,
  report: MigrationReport,
  { cap = FAILED_TABLES_SHOWN }: { cap?: number } = {},
): BackfillReportSummary {
  const summary: BackfillReportSummary = {
    reportPath,
    ...(report.summary?.dryRun !== undefined && { dryRun: report.summary.dryRun }),
    catalogs: 0,
    databases: 0,
    tables: 0,
    tablesByAction: {},
    tablesByResult: {},
    partitions: { discovered: 0, succeeded: 0, failed: 0 },
    failedDatabases: [],
    failedTables: [],
    failedTablesOmitted: 0,
    unknown: [],
  };
  const failed: ReportedFailedTable[] = [];
  for (const catalog of report.catalogReports ?? []) {
    summary.catalogs += 1;
    for (const [dbKey, db] of Object.entries(catalog.databaseReports ?? {})) {
      summary.databases += 1;
      const database = db.database ?? dbKey;
      if (db.executionResult?.state === 'FAILED' && summary.failedDatabases.length < cap) {
        summary.failedDatabases.push(database);
      }
      for (const [tableKey, table] of Object.entries(db.tableReports ?? {})) {
        summary.tables += 1;
        bump(summary.tablesByAction, table.executionPlan?.action);
        bump(summary.tablesByResult, table.executionResult?.state);
        summary.partitions.discovered += table.partitionDiscoveredCount ?? 0;
        summary.partitions.succeeded += table.partitionReport?.partitionSuccessCount ?? 0;
        summary.partitions.failed += table.partitionReport?.partitionFailedCount ?? 0;
        if (table.executionResult?.state === 'FAILED') {
          const errorMessage = cut(table.executionResult.errorMessage);
          failed.push({
            name: `${database}.${table.table ?? tableKey}`,
            catalog: catalog.catalog ?? '',
            ...(errorMessage !== undefined && { errorMessage }),
          });
        }
      }
    }
  }
  failed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.catalog.localeCompare(b.catalog)));
  summary.failedTables = failed.slice(0, cap);
  summary.failedTablesOmitted = failed.length - summary.failedTables.length;
  summary.unknown = unknownSummaryValues({}, report).slice(0, UNKNOWN_VALUES_SHOWN);
  return summary;
}

/** One line for logs and notifications. */
export function backfillReportLine(summary: BackfillReportSummary): string {
  const results = Object.entries(summary.tablesByResult)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  const p = summary.partitions;
  const failed = summary.failedTables.map((t) => t.name);
  const more = summary.failedTablesOmitted > 0 ? ` and ${summary.failedTablesOmitted} more` : '';
  return (
    `report ${summary.reportPath}: ${summary.tables} tables in ${summary.databases} databases (${results || 'no results'})` +
    `; partitions ${p.succeeded} of ${p.discovered}${p.failed > 0 ? ` (${p.failed} failed)` : ''}` +
    (failed.length > 0 ? `; failed: ${failed.join(', ')}${more}` : '')
  );
}
