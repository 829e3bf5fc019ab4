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
