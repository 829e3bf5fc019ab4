// Every failure `type` this tool gives or reads: its own (FailureType) and the API's canonical google.rpc status
// names (which activity failures carry as their type verbatim). Workflow, activities, CLI and tests branch on
// these strings, never on our error classes. Imports nothing: the workflow bundles it.

/** Canonical google.rpc status names (google/rpc/code.proto): the `type` of a failure the API answered. */
export const CANONICAL_STATUSES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;
export type CanonicalStatus = (typeof CANONICAL_STATUSES)[number];

/** Canonical statuses that mean "retrying will not help"; every other one may pass (429, 5xx, timeouts). */
export const NON_RETRYABLE_STATUSES = [
  'INVALID_ARGUMENT',
  'FAILED_PRECONDITION',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'UNIMPLEMENTED',
  'OUT_OF_RANGE',
] as const satisfies readonly CanonicalStatus[];

/** Whether a failure of this canonical status (or any other type) may pass when tried again. */
export function isTransientStatus(status: string): boolean {
  return !(NON_RETRYABLE_STATUSES as readonly string[]).includes(status);
}

/** The failure types this tool itself gives. */
export const FailureType = {
  // -- the run's deliberate endings (the workflow fails with one of these) --
  /** The request, or a message's argument, is malformed; the message names each bad field. */
  InvalidArgument: 'INVALID_ARGUMENT',
  /** The service or the migration is not in a state where the migration can go on. */
  PrecheckFailed: 'PrecheckFailed',
  /** The migration execution ended FAILED (or its operation failed). */
  MigrationFailed: 'MigrationFailed',
  /** The service disappeared while the migration was open. */
  ServiceGone: 'ServiceGone',
  /** A run asked to adopt found no migration execution it may take over (none active, not the named one, the
   * service not MIGRATING, or restoreBackups impossible); nothing was changed. */
  AdoptionRefused: 'AdoptionRefused',
  /** Scheduled backups could not be put back as they were; the message says what to restore by hand. */
  BackupRestoreFailed: 'BackupRestoreFailed',
  // -- an update refused (the update fails; the run goes on) --
  /** A complete or cancel that the migration's state does not allow now; the message says why. */
  Refused: 'Refused',
  /** complete was refused by the cutover checks; the message names them and the overrides that would pass. */
  CutoverBlocked: 'CutoverBlocked',
  // -- activity failures that are not API statuses --
  /** A response that does not match the published contract. */
  ContractViolation: 'ContractViolation',
  /** A long-running operation that finished with an error (its google.rpc status name is in details). */
  OperationFailed: 'OperationFailed',
  /** A secret reference that cannot be resolved on the worker. */
  SecretUnresolved: 'SecretUnresolved',
  /** An outgoing backfill's report that could not be had (no reportPath, no object, not a MigrationReport). */
  ReportUnavailable: 'ReportUnavailable',
  /** The worker was built without Lakehouse access (createActivities without `lakehouse`). */
  LakehouseNotConfigured: 'LakehouseNotConfigured',
  /** A notification that could not be posted to every target. */
  NotificationFailed: 'NotificationFailed',
  /** Not a failure: a poll found nothing new (BENIGN), and the server comes back after its nextRetryDelay. */
  Unchanged: 'Unchanged',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];
