// What the outgoing kind reports, as plain JSON: the execution's backfillStatus with its MigrationSummary
// (per-database aggregates, shared/reference/lakehouse-migration-api.md §C) and the MigrationReport the service writes
// to Cloud Storage (per table, §D). The zod schemas in src/schemas/migration-summary.ts read the API's JSON into
// these; int64 counts arrive here as numbers. Every field is optional: Google may leave any of them out.
import type { BackfillState, CatalogType, PartitionReportState, PlanAction, ResultStatus } from './vocabulary';
import {
  BACKFILL_STATES,
  CATALOG_TYPES,
  PARTITION_REPORT_STATES,
  PLAN_ACTIONS,
  RESULT_STATUSES,
  isKnownValue,
} from './vocabulary';

/** Per database: tables per plan action / result (keys are PLAN_ACTIONS / RESULT_STATUSES names, or newer ones). */
export interface TableSummary {
  /** Partitions of the database's Hive tables found in the source. */
  partitionDiscoveredCount?: number;
  partitionSuccessCount?: number;
  partitionFailedCount?: number;
  planCounts?: Record<string, number>;
  /** Absent on dry runs. */
  resultCounts?: Record<string, number>;
}

export interface DatabaseSummary {
  database?: string;
  planAction?: PlanAction;
  /** Absent on dry runs. */
  resultStatus?: ResultStatus;
  tableSummary?: TableSummary;
}

export interface CatalogSummary {
  catalog?: string;
  catalogType?: CatalogType;
  databaseSummaries?: DatabaseSummary[];
}

/** Set once the backfill or the dry run has finished. */
export interface MigrationSummary {
  service?: string;
  dryRun?: boolean;
  createTime?: string;
  endTime?: string;
  catalogSummaries?: CatalogSummary[];
}

/** biglakeMetastoreMigrationConfig.backfillStatus: output only. */
export interface BackfillStatus {
  state?: BackfillState;
  /** Where the report was actually written. */
  reportPath?: string;
  migrationSummary?: MigrationSummary;
}

/** One field the plan would change in the target: its value in the source and in the target today. */
export interface FieldDiff {
  sourceValue?: string;
  targetValue?: string;
}

export interface ExecutionPlan {
  action?: PlanAction;
  /** For people: why this action. */
  reason?: string;
  /** By field name; set for UPDATE plans. */
  diffs?: Record<string, FieldDiff>;
}

export interface ExecutionResult {
  state?: ResultStatus;
  errorMessage?: string;
  remediation?: string;
}

export interface PartitionReport {
  state?: PartitionReportState;
  partitionSuccessCount?: number;
  partitionFailedCount?: number;
}

export interface TableReport {
  table?: string;
  executionPlan?: ExecutionPlan;
  executionResult?: ExecutionResult;
  /** Hive partitioned tables only. */
  partitionDiscoveredCount?: number;
  partitionReport?: PartitionReport;
}

export interface DatabaseReport {
  database?: string;
  executionPlan?: ExecutionPlan;
  executionResult?: ExecutionResult;
  /** By table name. */
  tableReports?: Record<string, TableReport>;
}

export interface CatalogReport {
  catalog?: string;
  catalogType?: CatalogType;
  /** By database name. */
  databaseReports?: Record<string, DatabaseReport>;
}

/** The report object in Cloud Storage (written after the backfill, or by a dry run). */
export interface MigrationReport {
  summary?: MigrationSummary;
  catalogReports?: CatalogReport[];
}

/** Service.lakehouseProxyConfig: where a service in PROXY forwards, and which namespaces it forwards so far. */
export interface LakehouseProxyConfig {
  catalog?: string;
  namespaces?: string[];
}

/**
 * The values in a backfill status (and its report, when read) that this client does not know, each with where it
 * is, e.g. "database sales planAction MERGE": shown to people and never read as one of the known values.
 */
export function unknownSummaryValues(status: BackfillStatus, report?: MigrationReport): string[] {
  const unknown: string[] = [];
  const check = (known: readonly string[], value: string | undefined, where: string) => {
    if (value !== undefined && !isKnownValue(known, value)) unknown.push(`${where} ${value}`);
  };
  const keys = (known: readonly string[], counts: Record<string, number> | undefined, where: string) => {
    for (const key of Object.keys(counts ?? {})) check(known, key, where);
  };
  check(BACKFILL_STATES, status.state, 'backfill state');
  for (const catalog of status.migrationSummary?.catalogSummaries ?? []) {
    check(CATALOG_TYPES, catalog.catalogType, `catalog ${catalog.catalog ?? '?'} catalogType`);
    for (const db of catalog.databaseSummaries ?? []) {
      const where = `database ${db.database ?? '?'}`;
      check(PLAN_ACTIONS, db.planAction, `${where} planAction`);
      check(RESULT_STATUSES, db.resultStatus, `${where} resultStatus`);
      keys(PLAN_ACTIONS, db.tableSummary?.planCounts, `${where} planCounts key`);
      keys(RESULT_STATUSES, db.tableSummary?.resultCounts, `${where} resultCounts key`);
    }
  }
  for (const catalog of report?.catalogReports ?? []) {
    for (const [name, db] of Object.entries(catalog.databaseReports ?? {})) {
      check(PLAN_ACTIONS, db.executionPlan?.action, `report database ${name} action`);
      check(RESULT_STATUSES, db.executionResult?.state, `report database ${name} result`);
      for (const [tableName, table] of Object.entries(db.tableReports ?? {})) {
        const where = `report table ${name}.${tableName}`;
        check(PLAN_ACTIONS, table.executionPlan?.action, `${where} action`);
        check(RESULT_STATUSES, table.executionResult?.state, `${where} result`);
        check(PARTITION_REPORT_STATES, table.partitionReport?.state, `${where} partitionReport`);
      }
    }
  }
  return unknown;
}
