// The outgoing kind's shapes as the emulator serves them (lakehouse-migration-api.md §A–§E). They are the
// emulator's own: src/schemas/ holds the client's view of the API, and Google's side must not depend on how the
// client chose to read it. JSON as the API sends it: enums as names, int64 values as decimal strings.

export const MIGRATION_MODES = ['MIGRATION_MODE_UNSPECIFIED', 'BACKFILL', 'INCREMENTAL_SYNC'] as const;
export const CONFLICT_POLICIES = ['CONFLICT_POLICY_UNSPECIFIED', 'SKIP', 'OVERWRITE'] as const;
export type MigrationMode = Exclude<(typeof MIGRATION_MODES)[number], 'MIGRATION_MODE_UNSPECIFIED'>;
export type ConflictPolicy = Exclude<(typeof CONFLICT_POLICIES)[number], 'CONFLICT_POLICY_UNSPECIFIED'>;

/** ExecutionPlan.action / DatabaseSummary.planAction. */
export type PlanAction = 'CREATE' | 'UPDATE' | 'SKIP' | 'DEPENDENCY_FAILURE' | 'ERROR';
/** ExecutionResult.state / DatabaseSummary.resultStatus. */
export type ResultState = 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
export type CatalogType = 'HIVE' | 'ICEBERG';

export interface HiveConfig {
  catalog: string;
  databases: string[];
}

export interface IcebergConfig {
  catalog: string;
  namespaces: string[];
}

/** The config as accepted (echoed on get/list) plus the output-only backfillStatus. */
export interface BiglakeConfig {
  mode: MigrationMode;
  conflictPolicy?: (typeof CONFLICT_POLICIES)[number];
  dryRun?: boolean;
  hiveConfig?: HiveConfig;
  icebergConfig?: IcebergConfig;
  reportPath?: string;
  backfillStatus?: BackfillStatus;
}

export interface BackfillStatus {
  state: 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** The report object actually written (set when the backfill or dry run ends). */
  reportPath?: string;
  migrationSummary?: MigrationSummary;
}

export interface MigrationSummary {
  service: string;
  /** Omitted when false, as proto3 JSON omits defaults. */
  dryRun?: true;
  createTime: string;
  endTime: string;
  catalogSummaries: CatalogSummary[];
}

export interface CatalogSummary {
  catalog: string;
  catalogType: CatalogType;
  databaseSummaries: DatabaseSummary[];
}

export interface DatabaseSummary {
  database: string;
  planAction: PlanAction;
  /** Absent on dry runs. */
  resultStatus?: ResultState;
  tableSummary: TableSummary;
}

/** int64 fields as strings; a zero count is omitted (proto3 JSON), a map has keys only for counts > 0. */
export interface TableSummary {
  partitionDiscoveredCount?: string;
  partitionSuccessCount?: string;
  partitionFailedCount?: string;
  planCounts: Partial<Record<PlanAction, string>>;
  resultCounts?: Partial<Record<ResultState, string>>;
}

export interface FieldDiff {
  sourceValue: string;
  targetValue: string;
}

export interface ExecutionPlan {
  action: PlanAction;
  reason: string;
  diffs?: Record<string, FieldDiff>;
}

export interface ExecutionResult {
  state: ResultState;
  errorMessage?: string;
  remediation?: string;
}

export interface TableReport {
  table: string;
  executionPlan: ExecutionPlan;
  executionResult?: ExecutionResult;
  partitionDiscoveredCount?: string;
  partitionReport?: {
    state: 'SUCCEEDED' | 'PARTIALLY_SUCCEEDED' | 'FAILED';
    partitionSuccessCount?: string;
    partitionFailedCount?: string;
  };
}

export interface DatabaseReport {
  database: string;
  executionPlan: ExecutionPlan;
  executionResult?: ExecutionResult;
  tableReports: Record<string, TableReport>;
}

export interface CatalogReport {
  catalog: string;
  catalogType: CatalogType;
  databaseReports: Record<string, DatabaseReport>;
}

/** The report object written to Cloud Storage (§D). */
export interface MigrationReport {
  summary: MigrationSummary;
  catalogReports: CatalogReport[];
}

/** Service.lakehouseProxyConfig (§E): the Iceberg REST catalog and the namespaces the service forwards to it. */
export interface LakehouseProxyConfig {
  catalog: string;
  namespaces: string[];
}

/** A Lakehouse object the backfill wrote, and what it replaced: what `cancelLeavesWritten: revert` undoes. */
export interface WrittenObject {
  catalog: string;
  /** The Hive database or Iceberg namespace. */
  database: string;
  /** Absent: the database or namespace itself was created. */
  table?: string;
  /** The table it overwrote (conflictPolicy OVERWRITE); absent = it was new. JSON of the Lakehouse store's table. */
  previous?: unknown;
}

/** The outgoing kind's bookkeeping beside its execution (kept in the state file with it). */
export interface OutgoingBookkeeping {
  /** The service's state when the migration started: where a failure or cancel returns it (ACTIVE or PROXY). */
  fromState: 'ACTIVE' | 'PROXY';
  /** Its lakehouseProxyConfig then (a further batch from PROXY). */
  proxyBefore?: LakehouseProxyConfig;
  /** Where the report goes: the object's gs:// URI, fixed at the start. */
  reportObject: string;
  /** When the backfill began reading the service's metastore (the summary's createTime). */
  backfillStart?: string;
  /** Iceberg namespaces the backfill moved: what PROXY forwards once the migration completes. */
  movedNamespaces?: string[];
  written?: WrittenObject[];
  /** The completeMigration operation in flight (INCREMENTAL_SYNC). */
  completing?: string;
  /** The cancelMigration operation rolling the SUCCEEDED execution back. */
  rollingBack?: string;
}
