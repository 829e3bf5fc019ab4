// ApplicationFailure `type` names shared by activities and the workflow. No imports: the workflow bundles this.

/** Canonical google.rpc status names that mean "retrying will not help". */
export const NON_RETRYABLE_STATUSES = [
  'INVALID_ARGUMENT',
  'FAILED_PRECONDITION',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'UNIMPLEMENTED',
  'OUT_OF_RANGE',
] as const;

export const FailureType = {
  /** A response that does not match the published contract. */
  ContractViolation: 'ContractViolation',
  /** A long-running operation that finished with an error (its google.rpc status name is in details). */
  OperationFailed: 'OperationFailed',
  /** A secret reference that cannot be resolved on the worker. */
  SecretUnresolved: 'SecretUnresolved',
  /** The service or the migration is not in a state where the migration can go on. */
  PrecheckFailed: 'PrecheckFailed',
  /** complete was refused by the cutover checks; the message names them and the overrides that would pass. */
  CutoverBlocked: 'CutoverBlocked',
  /** The migration execution ended FAILED (or its operation failed). */
  MigrationFailed: 'MigrationFailed',
  /** The service disappeared while the migration was open. */
  ServiceGone: 'ServiceGone',
  /** Scheduled backups could not be put back as they were; the message says what to restore by hand. */
  BackupRestoreFailed: 'BackupRestoreFailed',
  /** The workflow's own verification after an API call found the wrong state. */
  UnexpectedState: 'UnexpectedState',
  /** Canonical statuses used as types verbatim. */
  NotFound: 'NOT_FOUND',
  FailedPrecondition: 'FAILED_PRECONDITION',
  InvalidArgument: 'INVALID_ARGUMENT',
  Cancelled: 'CANCELLED',
} as const;
