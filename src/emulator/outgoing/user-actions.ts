// What the user asks of a running or finished outgoing migration (lakehouse-migration-api.md §3.2, §F):
// completeMigration ends an INCREMENTAL_SYNC (→ SUCCEEDED, the service PROXY); cancelMigration while it runs
// → CANCELLING → CANCELLED, and on a SUCCEEDED migration of a PROXY service, within the rollback window, →
// ROLLED_BACK (the service ACTIVE, lakehouseProxyConfig cleared). Each checks, changes state at once and schedules
// the rest on the operation's duration; the finish* halves are transitions.ts's.
import type { ApiVersion } from '../../schemas/api';
import type { EmulatorCore } from '../core';
import { failedPrecondition } from '../errors';
import type { OperationRecord } from '../operations';
import { type ExecutionRecord, iso } from '../store';
import type { TransitionOf } from '../transition-types';
import { revert } from './execute';
import { beginBackfill, configOf, endOutgoing, grownProxy, outgoing } from './lifecycle';
import { setProxyConfig } from './proxy';
import type { OutgoingBookkeeping } from './types';

// ---- completeMigration ----------------------------------------------------------------------------------

export function completeOutgoing(core: EmulatorCore, record: ExecutionRecord, apiVersion: ApiVersion): OperationRecord {
  const config = configOf(record);
  const book = record.outgoing as OutgoingBookkeeping;
  if (config.mode !== 'INCREMENTAL_SYNC') {
    throw failedPrecondition(
      'completeMigration applies to INCREMENTAL_SYNC migrations; a BACKFILL ends by itself when its backfill ends.',
      'MIGRATION_NOT_INCREMENTAL',
    );
  }
  const backfill = config.backfillStatus?.state ?? 'PENDING';
  if (record.execution.state !== 'RUNNING' || backfill !== 'SUCCEEDED') {
    throw failedPrecondition(
      `The migration is ${record.execution.state} with its backfill ${backfill}; it can be completed once the backfill SUCCEEDED.`,
      'BACKFILL_NOT_FINISHED',
    );
  }
  if (book.completing) throw failedPrecondition('The migration is already being completed.', 'MIGRATION_COMPLETING');
  const statusMessage = 'Switching the service to proxy the migrated namespaces.';
  const op = core.operations.start({
    target: record.execution.name,
    verb: 'complete migration',
    apiVersion,
    statusMessage,
  });
  book.completing = op.name;
  core.finishLater('services.completeMigration', {
    kind: 'outgoing.complete',
    execution: record.execution.name,
    op: op.name,
  });
  return op;
}

/** RUNNING → SUCCEEDED, service PROXY forwarding the moved namespaces; a failed complete stays RUNNING. */
export function finishOutgoingComplete(core: EmulatorCore, t: TransitionOf<'outgoing.complete'>, at: number): void {
  const record = outgoing(core, t.execution);
  if (!record || core.operations.ended(t.op) || record.outgoing.completing !== t.op) return;
  delete record.outgoing.completing;
  if (record.execution.state !== 'RUNNING') return;
  if (t.failWith) {
    record.execution.stateMessage = `Completion failed: ${t.failWith.message}`;
    core.operations.fail(t.op, at, t.failWith.status, t.failWith.message);
    return;
  }
  const catalog = configOf(record).icebergConfig?.catalog ?? '';
  endOutgoing(core, record, 'SUCCEEDED', at, undefined, 'PROXY', grownProxy(record.outgoing, catalog));
  const value = { migrationExecution: t.execution };
  core.operations.succeed(t.op, at, { type: 'CompleteMigrationResponse', value });
}

// ---- cancelMigration: stop a running migration, or roll back a completed one --------------------------

export function cancelOutgoing(core: EmulatorCore, record: ExecutionRecord, apiVersion: ApiVersion): OperationRecord {
  const { execution } = record;
  if (execution.state === 'CANCELLING') {
    throw failedPrecondition('The migration is already being cancelled.', 'MIGRATION_CANCELLING');
  }
  if (record.outgoing?.completing) {
    throw failedPrecondition(
      'The migration is being completed and can no longer be cancelled.',
      'MIGRATION_COMPLETING',
    );
  }
  const previousState = execution.state ?? 'RUNNING';
  execution.state = 'CANCELLING';
  delete execution.stateMessage;
  const statusMessage = 'Cancelling the migration.';
  const op = core.operations.start({ target: execution.name, verb: 'cancel migration', apiVersion, statusMessage });
  const transition = { kind: 'outgoing.cancel', execution: execution.name, op: op.name, previousState } as const;
  core.finishLater('services.cancelMigration', transition);
  return op;
}

/**
 * CANCELLING → CANCELLED; the service returns to where it started. What the backfill wrote stays, or is undone
 * with the `cancelLeavesWritten: revert` setting. A failed cancel leaves the migration running.
 */
export function finishOutgoingCancel(core: EmulatorCore, t: TransitionOf<'outgoing.cancel'>, at: number): void {
  const record = outgoing(core, t.execution);
  if (!record || core.operations.ended(t.op) || record.execution.state !== 'CANCELLING') return;
  if (t.failWith) {
    const interruptedStart = t.previousState === 'STARTING';
    Object.assign(record.execution, { state: 'RUNNING', stateMessage: `Cancellation failed: ${t.failWith.message}` });
    // The start ended (CANCELLED) while this cancel ran: its backfill has still to happen.
    if (interruptedStart) beginBackfill(core, record, at);
    core.operations.fail(t.op, at, t.failWith.status, t.failWith.message);
    return;
  }
  if (core.outgoing.settings.cancelLeavesWritten === 'revert') revert(core.lakehouse, record.outgoing.written ?? []);
  const { fromState, proxyBefore } = record.outgoing;
  endOutgoing(core, record, 'CANCELLED', at, undefined, fromState, proxyBefore);
  core.operations.succeed(t.op, at, { type: 'CancelMigrationResponse', value: { migrationExecution: t.execution } });
}

/** The SUCCEEDED migration a PROXY service forwards for, if cancelMigration may still roll it back. */
export function rollbackOutgoing(core: EmulatorCore, serviceName: string, apiVersion: ApiVersion): OperationRecord {
  const { service } = core.store.service(serviceName);
  const record = core.store
    .executionsOf(serviceName)
    .reverse()
    .find((r) => r.outgoing && r.execution.state === 'SUCCEEDED' && configOf(r).dryRun !== true);
  if (service.state !== 'PROXY' || !record?.outgoing) {
    throw failedPrecondition('The service has no migration in progress.', 'NO_ACTIVE_MIGRATION');
  }
  if (record.outgoing.rollingBack) {
    throw failedPrecondition('The migration is already being rolled back.', 'MIGRATION_ROLLING_BACK');
  }
  const ended = Date.parse(record.execution.endTime ?? '') || core.now();
  const windowMs = core.outgoing.settings.rollbackWindowMs;
  // Allowed while less than the window has passed since the end: a window of 0 refuses every rollback.
  if (core.now() - ended >= windowMs) {
    throw failedPrecondition(
      `The migration ${record.execution.name} completed at ${iso(ended)}; it could be rolled back until ${iso(ended + windowMs)} and can no longer be.`,
      'ROLLBACK_WINDOW_ENDED',
    );
  }
  const statusMessage = 'Rolling the migration back: the service will serve its own metadata again.';
  const name = record.execution.name;
  const op = core.operations.start({ target: name, verb: 'cancel migration', apiVersion, statusMessage });
  record.outgoing.rollingBack = op.name;
  core.finishLater('services.cancelMigration', { kind: 'outgoing.rollback', execution: name, op: op.name });
  return op;
}

/** SUCCEEDED → ROLLED_BACK: the service ACTIVE again, lakehouseProxyConfig cleared. What was written stays. */
export function finishOutgoingRollback(core: EmulatorCore, t: TransitionOf<'outgoing.rollback'>, at: number): void {
  const record = outgoing(core, t.execution);
  if (!record || core.operations.ended(t.op) || record.outgoing.rollingBack !== t.op) return;
  delete record.outgoing.rollingBack;
  if (t.failWith) {
    core.operations.fail(t.op, at, t.failWith.status, t.failWith.message);
    return;
  }
  record.execution.state = 'ROLLED_BACK';
  record.execution.stateMessage = `Rolled back at ${iso(at)}: the service serves its metadata itself again.`;
  const service = core.store.services.get(record.service)?.service;
  if (service?.state === 'PROXY') {
    service.state = 'ACTIVE';
    setProxyConfig(service, undefined);
  }
  core.operations.succeed(t.op, at, { type: 'CancelMigrationResponse', value: { migrationExecution: t.execution } });
}
