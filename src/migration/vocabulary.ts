// The API's enum vocabulary. Imports nothing, so workflow code uses it without pulling in zod (see index.ts).
// Response enums are open (AIP-126, AIP-180): Google adds values without a new API version, so a value this
// client does not know is kept as sent, typed apart from the known ones, and never read as one of them.
// What we send is still checked against the known values (requests are built from our own types).

declare const unknownEnumValue: unique symbol;
/** An enum value from a newer API revision than this client knows. */
export type UnknownEnumValue = string & { readonly [unknownEnumValue]: true };
export type OpenEnum<T extends string> = T | UnknownEnumValue;

/** Whether `value` is one this client knows (anything else must be treated as "unknown"). */
export function isKnownValue<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (values as readonly string[]).includes(value);
}

export const SERVICE_STATES = [
  'STATE_UNSPECIFIED',
  'CREATING',
  'ACTIVE',
  'SUSPENDING',
  'SUSPENDED',
  'UPDATING',
  'DELETING',
  'ERROR',
  'AUTOSCALING',
  'MIGRATING',
  // 2026: the service finished an outgoing migration to the Lakehouse runtime catalog and forwards to it.
  'PROXY',
] as const;
export type KnownServiceState = (typeof SERVICE_STATES)[number];
export type ServiceState = OpenEnum<KnownServiceState>;
export const DATABASE_TYPES = ['DATABASE_TYPE_UNSPECIFIED', 'MYSQL', 'SPANNER'] as const;
export const TIERS = ['TIER_UNSPECIFIED', 'DEVELOPER', 'ENTERPRISE'] as const;
export const RELEASE_CHANNELS = ['RELEASE_CHANNEL_UNSPECIFIED', 'CANARY', 'STABLE'] as const;

export const EXECUTION_STATES = [
  'STATE_UNSPECIFIED',
  'STARTING',
  'RUNNING',
  'CANCELLING',
  'AWAITING_USER_ACTION',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'DELETING',
  // 2026: cancelMigration after an outgoing migration completed; the service went back from PROXY to ACTIVE.
  'ROLLED_BACK',
] as const;
export type KnownMigrationExecutionState = (typeof EXECUTION_STATES)[number];
export type MigrationExecutionState = OpenEnum<KnownMigrationExecutionState>;
/** Deprecated by Google in 2026 (it applies to incoming migrations only), still served for them. */
export const PHASES = ['PHASE_UNSPECIFIED', 'REPLICATION', 'CUTOVER'] as const;
export type Phase = OpenEnum<(typeof PHASES)[number]>;

/** Execution states in which a migration is still in flight (only one may exist per service). */
export const ACTIVE_EXECUTION_STATES: readonly MigrationExecutionState[] = [
  'STARTING',
  'RUNNING',
  'CANCELLING',
  'AWAITING_USER_ACTION',
];
export const TERMINAL_EXECUTION_STATES: readonly MigrationExecutionState[] = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'ROLLED_BACK',
];

// ---- the outgoing kind (DPMS → Lakehouse runtime catalog): biglakeMetastoreMigrationConfig ------------------

/** The API versions; each has the same resource and verbs, but not the same enum values (MIGRATION_MODES). */
export const API_VERSIONS = ['v1', 'v1beta', 'v1alpha'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export const MIGRATION_MODES = ['MIGRATION_MODE_UNSPECIFIED', 'BACKFILL', 'INCREMENTAL_SYNC'] as const;
export type MigrationMode = OpenEnum<(typeof MIGRATION_MODES)[number]>;
/** The modes a request may choose (UNSPECIFIED is the proto default, not a choice). */
export const CHOSEN_MIGRATION_MODES = ['BACKFILL', 'INCREMENTAL_SYNC'] as const;
/** INCREMENTAL_SYNC exists in v1beta and v1alpha only: v1's discovery has BACKFILL alone (rev 20260825). */
export const INCREMENTAL_SYNC_VERSIONS: readonly ApiVersion[] = ['v1beta', 'v1alpha'];

export const CONFLICT_POLICIES = ['CONFLICT_POLICY_UNSPECIFIED', 'SKIP', 'OVERWRITE'] as const;
export type ConflictPolicy = OpenEnum<(typeof CONFLICT_POLICIES)[number]>;
export const CHOSEN_CONFLICT_POLICIES = ['SKIP', 'OVERWRITE'] as const;

/** BackfillStatus.state: PENDING → RUNNING → SUCCEEDED (report available) | FAILED (details in the report). */
export const BACKFILL_STATES = ['STATE_UNSPECIFIED', 'PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const;
export type BackfillState = OpenEnum<(typeof BACKFILL_STATES)[number]>;

export const CATALOG_TYPES = ['CATALOG_TYPE_UNSPECIFIED', 'HIVE', 'ICEBERG'] as const;
export type CatalogType = OpenEnum<(typeof CATALOG_TYPES)[number]>;

/** ExecutionPlan.action and DatabaseSummary.planAction; also the keys of TableSummary.planCounts. */
export const PLAN_ACTIONS = ['ACTION_UNSPECIFIED', 'CREATE', 'UPDATE', 'SKIP', 'DEPENDENCY_FAILURE', 'ERROR'] as const;
export type KnownPlanAction = (typeof PLAN_ACTIONS)[number];
export type PlanAction = OpenEnum<KnownPlanAction>;

/** ExecutionResult.state and DatabaseSummary.resultStatus; also the keys of TableSummary.resultCounts. */
export const RESULT_STATUSES = ['STATE_UNSPECIFIED', 'SUCCEEDED', 'FAILED', 'SKIPPED'] as const;
export type KnownResultStatus = (typeof RESULT_STATUSES)[number];
export type ResultStatus = OpenEnum<KnownResultStatus>;

export const PARTITION_REPORT_STATES = ['STATE_UNSPECIFIED', 'SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED'] as const;
export type PartitionReportState = OpenEnum<(typeof PARTITION_REPORT_STATES)[number]>;
