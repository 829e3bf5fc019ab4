// The managed-migration state machine (no HTTP here). Service ACTIVE ↔ MIGRATING; execution
// STARTING → RUNNING/REPLICATION → RUNNING/CUTOVER → SUCCEEDED, or → CANCELLING → CANCELLED, or → FAILED.
// Each call checks preconditions (throwing ApiError), changes state at once, and schedules the rest.
import { randomUUID } from 'node:crypto';
import type { ApiVersion, MigrationExecution, MigrationExecutionInput } from '../schemas/api';
import type { EmulatorCore } from './core';
import { ApiError, failedPrecondition } from './errors';
import type { OperationRecord } from './operations';
import { type ExecutionRecord, type ServiceRecord, isActive, iso } from './store';

type CloudSqlConfig = NonNullable<MigrationExecutionInput['cloudSqlMigrationConfig']>;

export interface StartInput {
  cloudSqlMigrationConfig: CloudSqlConfig;
  migrationExecutionId?: string;
}

export function startMigration(
  core: EmulatorCore,
  serviceName: string,
  input: StartInput,
  apiVersion: ApiVersion,
): OperationRecord {
  const record = core.store.service(serviceName);
  // Without an id the server picks a UUID, as the API does (it may start with a digit; that is Google's rule).
  const name = `${serviceName}/migrationExecutions/${input.migrationExecutionId ?? randomUUID()}`;
  if (core.store.executions.has(name)) {
    throw new ApiError('ALREADY_EXISTS', `Migration execution "${name}" already exists.`, 'MIGRATION_EXECUTION_EXISTS');
  }
  assertCanStart(core, record);
  core.store.addExecution(serviceName, {
    name,
    createTime: iso(core.now()),
    state: 'STARTING',
    phase: 'REPLICATION',
    cloudSqlMigrationConfig: withoutPasswords(input.cloudSqlMigrationConfig),
  });
  record.service.state = 'MIGRATING';
  const op = core.operations.start({ target: name, verb: 'start migration', apiVersion });
  core.scheduler.after(core.delayMs, (at) => finishStart(core, op, name, at));
  return op;
}

function assertCanStart(core: EmulatorCore, record: ServiceRecord): void {
  const { service } = record;
  const active = core.store.activeExecution(service.name);
  if (active || service.state === 'MIGRATING') {
    const which = active ? ` (${active.execution.name} is ${active.execution.state})` : '';
    throw failedPrecondition(`A migration is already in progress on this service${which}.`, 'MIGRATION_IN_PROGRESS');
  }
  if (service.state !== 'ACTIVE' || record.pendingUpdate) {
    const state = record.pendingUpdate ? 'being updated' : service.state;
    throw failedPrecondition(
      `The service is ${state}; a migration can only start on an ACTIVE service.`,
      'SERVICE_NOT_ACTIVE',
    );
  }
  if (service.databaseType !== 'SPANNER') {
    throw failedPrecondition(
      `Managed migration requires databaseType SPANNER; this service uses ${service.databaseType ?? 'MYSQL'}.`,
      'DATABASE_TYPE_NOT_SPANNER',
    );
  }
}

function finishStart(core: EmulatorCore, op: OperationRecord, name: string, at: number): void {
  const record = core.store.executions.get(name);
  if (op.done || !record) return;
  const { execution } = record;
  if (execution.state === 'STARTING') {
    execution.state = 'RUNNING';
    core.operations.succeed(op, at, { type: 'MigrationExecution', value: publicExecution(record) });
  } else {
    // Cancelled while starting: the start operation ends CANCELLED, as a cancelled LRO does.
    core.operations.fail(op, at, 'CANCELLED', 'The migration was cancelled before it finished starting.');
  }
}

export function completeMigration(core: EmulatorCore, serviceName: string, apiVersion: ApiVersion): OperationRecord {
  core.store.service(serviceName);
  const record = requireActive(core, serviceName);
  const { execution } = record;
  if (execution.state !== 'RUNNING' || execution.phase !== 'REPLICATION') {
    throw failedPrecondition(
      `The migration is ${execution.state}/${execution.phase}; it can only be completed while RUNNING in phase REPLICATION.`,
      execution.phase === 'CUTOVER' ? 'MIGRATION_IN_CUTOVER' : 'MIGRATION_NOT_REPLICATING',
    );
  }
  execution.phase = 'CUTOVER';
  execution.stateMessage = 'Cutover in progress: the service is read-only until it finishes.';
  const op = core.operations.start({ target: execution.name, verb: 'complete migration', apiVersion });
  core.scheduler.after(core.delayMs, (at) => {
    if (op.done || execution.state !== 'RUNNING' || execution.phase !== 'CUTOVER') return;
    end(core, record, 'SUCCEEDED', at);
    const value = { migrationExecution: execution.name };
    core.operations.succeed(op, at, { type: 'CompleteMigrationResponse', value });
  });
  return op;
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
  execution.state = 'CANCELLING';
  delete execution.stateMessage;
  const op = core.operations.start({ target: execution.name, verb: 'cancel migration', apiVersion });
  core.scheduler.after(core.delayMs, (at) => {
    if (op.done || execution.state !== 'CANCELLING') return;
    end(core, record, 'CANCELLED', at);
    core.operations.succeed(op, at, { type: 'CancelMigrationResponse', value: { migrationExecution: execution.name } });
  });
  return op;
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
  end(core, record, 'FAILED', at, stateMessage);
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
  const record = core.store.execution(name);
  const { execution } = record;
  if (isActive(execution) || execution.state === 'DELETING') {
    throw failedPrecondition(
      `The migration execution is ${execution.state}; only a finished execution can be deleted.`,
      'MIGRATION_EXECUTION_ACTIVE',
    );
  }
  execution.state = 'DELETING';
  const op = core.operations.start({ target: name, verb: 'delete', apiVersion });
  core.scheduler.after(core.delayMs, (at) => {
    if (op.done) return;
    core.store.executions.delete(name);
    core.operations.succeed(op, at, { type: 'google.protobuf.Empty', value: {} });
  });
  return op;
}

function requireActive(core: EmulatorCore, serviceName: string): ExecutionRecord {
  const record = core.store.activeExecution(serviceName);
  if (!record) throw failedPrecondition('The service has no migration in progress.', 'NO_ACTIVE_MIGRATION');
  return record;
}

function end(
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

/** Passwords are input-only: they are dropped before anything is stored. */
function withoutPasswords(config: CloudSqlConfig): MigrationExecution['cloudSqlMigrationConfig'] {
  const { password: _connectionPassword, ...cloudSqlConnectionConfig } = config.cloudSqlConnectionConfig;
  const { password: _cdcPassword, ...cdcConfig } = config.cdcConfig;
  return { cloudSqlConnectionConfig, cdcConfig };
}

export function publicExecution(record: ExecutionRecord): MigrationExecution {
  return structuredClone(record.execution);
}
