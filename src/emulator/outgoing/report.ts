// The migrationSummary (served on the execution) and the MigrationReport (written to Cloud Storage) of an
// executed or dry-run backfill (lakehouse-migration-api.md §C, §D). int64 counts are JSON strings; a zero count
// is left out and a map holds only the keys it counts, as proto3 JSON does.
import type { ExecutedCatalog, ExecutedDatabase, ExecutedTable } from './execute';
import type {
  CatalogReport,
  DatabaseReport,
  DatabaseSummary,
  MigrationReport,
  MigrationSummary,
  TableReport,
  TableSummary,
} from './types';

/** The object name inside the report folder: one report per execution, named after it. */
export function reportObject(folder: string, executionName: string): string {
  const id = executionName.split('/').pop() ?? executionName;
  return `${folder.replace(/\/+$/, '')}/migration-reports/${id}.json`;
}

export interface ReportInput {
  service: string;
  dryRun: boolean;
  createTime: string;
  endTime: string;
  catalogs: ExecutedCatalog[];
}

export function buildReport(input: ReportInput): MigrationReport {
  const summary: MigrationSummary = {
    service: input.service,
    ...(input.dryRun ? { dryRun: true as const } : {}),
    createTime: input.createTime,
    endTime: input.endTime,
    catalogSummaries: input.catalogs.map((catalog) => ({
      catalog: catalog.catalog,
      catalogType: catalog.catalogType,
      databaseSummaries: catalog.databases.map(databaseSummary),
    })),
  };
  const catalogReports: CatalogReport[] = input.catalogs.map((catalog) => ({
    catalog: catalog.catalog,
    catalogType: catalog.catalogType,
    databaseReports: Object.fromEntries(catalog.databases.map((db) => [db.name, databaseReport(db)])),
  }));
  return { summary, catalogReports };
}

function databaseSummary(db: ExecutedDatabase): DatabaseSummary {
  const sum = (count: (t: ExecutedTable) => number) => db.tables.reduce((total, t) => total + count(t), 0);
  const tableSummary: TableSummary = {
    ...int64(
      'partitionDiscoveredCount',
      sum((t) => t.partitions ?? 0),
    ),
    ...(db.result
      ? {
          ...int64(
            'partitionSuccessCount',
            sum((t) => partitionCounts(t).success),
          ),
          ...int64(
            'partitionFailedCount',
            sum((t) => partitionCounts(t).failed),
          ),
        }
      : {}),
    planCounts: counts(db.tables.map((t) => t.plan.action)),
    ...(db.result ? { resultCounts: counts(db.tables.flatMap((t) => (t.result ? [t.result.state] : []))) } : {}),
  };
  return {
    database: db.name,
    planAction: db.plan.action,
    ...(db.result ? { resultStatus: db.result.state } : {}),
    tableSummary,
  };
}

function databaseReport(db: ExecutedDatabase): DatabaseReport {
  return {
    database: db.name,
    executionPlan: db.plan,
    ...(db.result ? { executionResult: db.result } : {}),
    tableReports: Object.fromEntries(db.tables.map((t) => [t.name, tableReport(t)])),
  };
}

/** A partitioned Hive table's partitions registered and not: all of a FAILED table's count as failed. */
function partitionCounts(table: ExecutedTable): { success: number; failed: number } {
  const partitions = table.partitions ?? 0;
  const state = table.result?.state;
  if (state === 'FAILED') return { success: 0, failed: partitions };
  if (state !== 'SUCCEEDED') return { success: 0, failed: 0 };
  const failed = table.partitionsFailed ?? 0;
  return { success: partitions - failed, failed };
}

function tableReport(table: ExecutedTable): TableReport {
  const partitions = table.partitions;
  const state = table.result?.state;
  const moved = state === 'SUCCEEDED' || state === 'FAILED';
  const { success, failed } = partitionCounts(table);
  const partitionState = state === 'FAILED' ? 'FAILED' : failed > 0 ? 'PARTIALLY_SUCCEEDED' : 'SUCCEEDED';
  return {
    table: table.name,
    executionPlan: table.plan,
    ...(table.result ? { executionResult: table.result } : {}),
    ...(partitions !== undefined ? int64('partitionDiscoveredCount', partitions) : {}),
    ...(partitions !== undefined && moved
      ? {
          partitionReport: {
            state: partitionState,
            ...int64('partitionSuccessCount', success),
            ...int64('partitionFailedCount', failed),
          },
        }
      : {}),
  };
}

function int64<K extends string>(key: K, value: number): Partial<Record<K, string>> {
  return value === 0 ? {} : ({ [key]: String(value) } as Record<K, string>);
}

function counts<K extends string>(values: K[]): Partial<Record<K, string>> {
  const tally = new Map<K, number>();
  for (const value of values) tally.set(value, (tally.get(value) ?? 0) + 1);
  return Object.fromEntries([...tally].map(([key, n]) => [key, String(n)])) as Partial<Record<K, string>>;
}
