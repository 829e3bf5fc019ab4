// The managed-migration state machine after the start (no HTTP here): RUNNING/REPLICATION → RUNNING/CUTOVER
// → SUCCEEDED, or → CANCELLING → CANCELLED, or → FAILED; AWAITING_USER_ACTION ↔ RUNNING; a finished execution
// → DELETING → gone. The service is MIGRATING while an execution is active and ACTIVE again when it ends.
// Each call checks preconditions (throwing ApiError), changes state at once, and schedules the rest; the
// finish* functions are the scheduled halves (transitions.ts), which roll back on an injected failWith.
import type { ApiVersion, MigrationExecution } from '../schemas/api';
import type { EmulatorCore } from './core';
import { failedPrecondition } from './errors';
import type { OperationRecord } from './operations';
import { type ExecutionRecord, isActive, iso } from './store';
import type { TransitionOf } from './transition-types';
import { failOutgoing } from './outgoing/lifecycle';

export function completeMigration(core: EmulatorCore, serviceName: string, apiVersion: ApiVersion): OperationRecord {
  core.store.service(serviceName);
  const { execution } = requireActive(core, serviceName);
  if (execution.state !== 'RUNNING' || execution.phase !== 'REPLICATION') {
    throw failedPrecondition(
      `The migration is ${execution.state}/${execution.phase}; it can only be completed while RUNNING in phase REPLICATION.`,
      execution.phase === 'CUTOVER' ? 'MIGRATION_IN_CUTOVER' : 'MIGRATION_NOT_REPLICATING',
    );
  }
  execution.phase = 'CUTOVER';
  execution.stateMessage = 'Cutover in progress: the service is read-only until it finishes.';
  core.hive?.cutover(serviceName, execution.name);
  const statusMessage = 'Cutting over to the Dataproc Metastore service.';
  const op = core.operations.start({ target: execution.name, verb: 'complete migration', apiVersion, statusMessage });
  core.finishLater('services.completeMigration', {
    kind: 'migration.complete',
    execution: execution.name,
    op: op.name,
  });
  return op;
}

/** CUTOVER → SUCCEEDED; a failed cutover goes back to REPLICATION, so the caller may try again. */
export function finishMigrationComplete(core: EmulatorCore, t: TransitionOf<'migration.complete'>, at: number): void {
  const record = core.store.executions.get(t.execution);
  const execution = record?.execution;
  if (!record || core.operations.ended(t.op) || execution?.state !== 'RUNNING' || execution.phase !== 'CUTOVER') return;
  if (t.failWith) {
    Object.assign(execution, { phase: 'REPLICATION', stateMessage: `Cutover failed: ${t.failWith.message}` });
    core.operations.fail(t.op, at, t.failWith.status, t.failWith.message);
    return;
  }
  endExecution(core, record, 'SUCCEEDED', at);
  const value = { migrationExecution: execution.name };
  core.operations.succeed(t.op, at, { type: 'CompleteMigrationResponse', value });
}

export function cancelMigration(core: EmulatorCore, serviceName: string, apiVersion: ApiVersion): OperationRecord {
  core.store.service(serviceName);
  return cancelExecution(core, requireActive(core, serviceName), apiVersion);
}

/** Cancel is allowed while starting, replicating or awaiting the user; not during cutover. */
export function cancelExecution(core: EmulatorCore, record: ExecutionRecord, apiVersion: ApiVersion): OperationRecord {
  const { execution } = record;
  if (!isActive(execution)) {
    throw failedPrecondition(`The migration is already ${execution.state}.`, 'NO_ACTIVE_MIGRATION');
  }
  if (execution.state === 'CANCELLING') {
    throw failedPrecondition('The migration is already being cancelled.', 'MIGRATION_CANCELLING');
  }
  if (execution.phase === 'CUTOVER') {
    throw failedPrecondition('The migration is in CUTOVER and can no longer be cancelled.', 'MIGRATION_IN_CUTOVER');
  }
  const previousState = execution.state ?? 'RUNNING';
  execution.state = 'CANCELLING';
  delete execution.stateMessage;
  const statusMessage = 'Cancelling the migration.';
  const op = core.operations.start({ target: execution.name, verb: 'cancel migration', apiVersion, statusMessage });
  const transition = { kind: 'migration.cancel', execution: execution.name, op: op.name, previousState } as const;
  core.finishLater('services.cancelMigration', transition);
  return op;
}

/**
 * CANCELLING → CANCELLED. A failed cancel leaves the migration running (a start it interrupted has ended by
 * then, so STARTING resumes as RUNNING).
 */
export function finishMigrationCancel(core: EmulatorCore, t: TransitionOf<'migration.cancel'>, at: number): void {
  const record = core.store.executions.get(t.execution);
  if (!record || core.operations.ended(t.op) || record.execution.state !== 'CANCELLING') return;
  if (t.failWith) {
    const state = t.previousState === 'STARTING' ? 'RUNNING' : t.previousState;
    Object.assign(record.execution, { state, stateMessage: `Cancellation failed: ${t.failWith.message}` });
    core.operations.fail(t.op, at, t.failWith.status, t.failWith.message);
    return;
  }
  endExecution(core, record, 'CANCELLED', at);
  const value = { migrationExecution: t.execution };
  core.operations.succeed(t.op, at, { type: 'CancelMigrationResponse', value });
}

/**
 * A pipeline failure: the execution turns FAILED, the service goes back to ACTIVE, and every unfinished
 * operation on the execution ends with INTERNAL (13), as a server-side failure would.
 */
export function failExecution(core: EmulatorCore, name: string, stateMessage: string): MigrationExecution {
  const record = core.store.execution(name);
  if (!isActive(record.execution)) {
    throw failedPrecondition(`The migration is already ${record.execution.state}.`, 'NO_ACTIVE_MIGRATION');
  }
  const at = core.now();
  if (record.outgoing) failOutgoing(core, record, at, stateMessage);
  else endExecution(core, record, 'FAILED', at, stateMessage);
  core.operations.failPending((link) => link === name, at, 'INTERNAL', `The migration failed: ${stateMessage}`);
  return publicExecution(record);
}

/** RUNNING/REPLICATION → AWAITING_USER_ACTION (e.g. a network or privilege problem the user must fix). */
export function awaitUserAction(core: EmulatorCore, name: string, stateMessage: string): MigrationExecution {
  const record = core.store.execution(name);
  const { execution } = record;
  if (execution.state !== 'RUNNING' || execution.phase !== 'REPLICATION') {
    throw failedPrecondition(
      'Only a RUNNING execution in REPLICATION can await user action.',
      'MIGRATION_NOT_REPLICATING',
    );
  }
  Object.assign(execution, { state: 'AWAITING_USER_ACTION', stateMessage });
  return publicExecution(record);
}

/** AWAITING_USER_ACTION → RUNNING/REPLICATION. */
export function resumeExecution(core: EmulatorCore, name: string): MigrationExecution {
  const record = core.store.execution(name);
  if (record.execution.state !== 'AWAITING_USER_ACTION') {
    throw failedPrecondition('The execution is not AWAITING_USER_ACTION.', 'MIGRATION_NOT_AWAITING_USER');
  }
  record.execution.state = 'RUNNING';
  delete record.execution.stateMessage;
  return publicExecution(record);
}

/** DELETING → gone. Active executions (STARTING, RUNNING, CANCELLING, AWAITING_USER_ACTION) are refused. */
export function deleteExecution(core: EmulatorCore, name: string, apiVersion: ApiVersion): OperationRecord {
  const { execution } = core.store.execution(name);
  if (isActive(execution) || execution.state === 'DELETING') {
    throw failedPrecondition(
      `The migration execution is ${execution.state}; only a finished execution can be deleted.`,
      'MIGRATION_EXECUTION_ACTIVE',
    );
  }
  const previousState = execution.state ?? 'SUCCEEDED';
  execution.state = 'DELETING';
  const statusMessage = 'Deleting the migration execution.';
  const op = core.operations.start({ target: name, verb: 'delete', apiVersion, statusMessage });
  const transition = { kind: 'execution.delete', execution: name, op: op.name, previousState } as const;
  core.finishLater('services.migrationExecutions.delete', transition);
  return op;
}

export function finishExecutionDelete(core: EmulatorCore, t: TransitionOf<'execution.delete'>, at: number): void {
  const record = core.store.executions.get(t.execution);
  if (!record || core.operations.ended(t.op) || record.execution.state !== 'DELETING') return;
  if (t.failWith) {
    record.execution.state = t.previousState;
    core.operations.fail(t.op, at, t.failWith.status, t.failWith.message);
    return;
  }
  core.store.executions.delete(t.execution);
  core.operations.succeed(t.op, at, { type: 'google.protobuf.Empty', value: {} });
}

function requireActive(core: EmulatorCore, serviceName: string): ExecutionRecord {
  const record = core.store.activeExecution(serviceName);
  if (!record) throw failedPrecondition('The service has no migration in progress.', 'NO_ACTIVE_MIGRATION');
  return record;
}

/** The execution ends (endTime set, stateMessage replaced) and its service leaves MIGRATING. */
export function endExecution(
  core: EmulatorCore,
  record: ExecutionRecord,
  state: 'SUCCEEDED' | 'CANCELLED' | 'FAILED',
  at: number,
  stateMessage?: string,
): void {
  const { execution } = record;
  Object.assign(execution, { state, endTime: iso(at) });
  if (stateMessage === undefined) delete execution.stateMessage;
  else execution.stateMessage = stateMessage;
  const service = core.store.services.get(record.service)?.service;
  if (service?.state === 'MIGRATING') service.state = 'ACTIVE';
}

export function publicExecution(record: ExecutionRecord): MigrationExecution {
  return structuredClone(record.execution);
}
