// services.startMigration: validation against the service's state, the new execution (STARTING/REPLICATION,
// the service MIGRATING), and the transition to RUNNING once the start's duration (`replication`) has passed
// and, when configured, the source check has passed too (verify-start.ts).
import { randomUUID } from 'node:crypto';
import type { ApiVersion, MigrationExecution } from '../schemas/api';
import type { EmulatorCore } from './core';
import { ApiError, failedPrecondition } from './errors';
import type { OperationRecord } from './operations';
import { completeStart, failStart } from './start-outcome';
import { beginVerification } from './start-verification';
import { type ServiceRecord, iso } from './store';
import type { TransitionOf } from './transition-types';
import type { CloudSqlMigrationConfig } from './verify-start';

export interface StartInput {
  cloudSqlMigrationConfig: CloudSqlMigrationConfig;
  migrationExecutionId?: string | undefined;
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
  const statusMessage = 'Starting the migration.';
  const op = core.operations.start({ target: name, verb: 'start migration', apiVersion, statusMessage });
  if (core.verifyStart) {
    const check = { service: serviceName, execution: name, cloudSqlMigrationConfig: input.cloudSqlMigrationConfig };
    beginVerification(core, core.verifyStart, check, op.name);
  }
  core.finishLater('services.startMigration', { kind: 'migration.start', execution: name, op: op.name });
  core.hive?.started(serviceName, name, input.cloudSqlMigrationConfig);
  core.onMigrationStarted(serviceName, name);
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

/** The start's duration has passed: RUNNING, unless it was cancelled, failed, or still awaits the source check. */
export function finishMigrationStart(core: EmulatorCore, t: TransitionOf<'migration.start'>, at: number): void {
  const record = core.store.executions.get(t.execution);
  if (!record || core.operations.ended(t.op)) return;
  if (record.execution.state !== 'STARTING') {
    // Cancelled while starting: the start operation ends CANCELLED, as a cancelled LRO does.
    core.operations.fail(t.op, at, 'CANCELLED', 'The migration was cancelled before it finished starting.');
    return;
  }
  if (t.failWith) failStart(core, record, t.op, at, t.failWith);
  else if (record.verification === 'pending') record.verification = 'due';
  else completeStart(core, record, t.op, at);
}

/** Passwords are input-only: they are dropped before anything is stored. */
function withoutPasswords(config: CloudSqlMigrationConfig): MigrationExecution['cloudSqlMigrationConfig'] {
  const { password: _connectionPassword, ...cloudSqlConnectionConfig } = config.cloudSqlConnectionConfig;
  const { password: _cdcPassword, ...cdcConfig } = config.cdcConfig;
  return { cloudSqlConnectionConfig, cdcConfig };
}
