// The outgoing kind's state machine after the start (lakehouse-migration-api.md §3.2), on the same scheduler and
// durations as the incoming kind: the start's duration (`replication` or services.startMigration) takes the
// execution STARTING → RUNNING (backfillStatus PENDING → RUNNING); `backfill` later the backfill ends
// (SUCCEEDED or FAILED, with migrationSummary and the report). A BACKFILL then ends by itself; an
// INCREMENTAL_SYNC stays RUNNING until completeMigration (→ SUCCEEDED, service PROXY) or cancelMigration.
// cancelMigration while RUNNING → CANCELLING → CANCELLED; on a SUCCEEDED migration of a PROXY service, within
// the rollback window, → ROLLED_BACK (service ACTIVE, lakehouseProxyConfig cleared).
import type { ApiVersion } from '../../schemas/api';
import type { HiveInventory } from '../../hive/inventory';
import { emptyInventory } from '../../hive/inventory';
import type { EmulatorCore } from '../core';
import { failedPrecondition } from '../errors';
import type { OperationRecord } from '../operations';
import { type ExecutionRecord, iso } from '../store';
import type { TransitionOf } from '../transition-types';
import { execute, revert, type ExecutedCatalog } from './execute';
import { planBackfill } from './plan';
import { setProxyConfig } from './proxy';
import { buildReport } from './report';
import type { BiglakeConfig, LakehouseProxyConfig, OutgoingBookkeeping } from './types';

export function configOf(record: ExecutionRecord): BiglakeConfig {
  return record.execution.biglakeMetastoreMigrationConfig as unknown as BiglakeConfig;
}

/** The execution's bookkeeping, when it is of the outgoing kind. */
function outgoing(core: EmulatorCore, name: string): (ExecutionRecord & { outgoing: OutgoingBookkeeping }) | undefined {
  const record = core.store.executions.get(name);
  return record?.outgoing ? (record as ExecutionRecord & { outgoing: OutgoingBookkeeping }) : undefined;
}

/** STARTING → RUNNING, backfill PENDING → RUNNING; the backfill ends `backfill` ms later. */
export function finishOutgoingStart(core: EmulatorCore, t: TransitionOf<'outgoing.start'>, at: number): void {
  const record = outgoing(core, t.execution);
  if (!record || core.operations.ended(t.op)) return;
  if (record.execution.state !== 'STARTING') {
    core.operations.fail(t.op, at, 'CANCELLED', 'The migration was cancelled before it finished starting.');
    return;
  }
  const status = configOf(record).backfillStatus ?? { state: 'PENDING' };
  if (t.failWith) {
    status.state = 'FAILED';
    endOutgoing(core, record, 'FAILED', at, t.failWith.message, record.outgoing.fromState, record.outgoing.proxyBefore);
    core.operations.fail(t.op, at, t.failWith.status, t.failWith.message);
    return;
  }
  beginBackfill(core, record, at);
  core.operations.succeed(t.op, at, { type: 'MigrationExecution', value: structuredClone(record.execution) });
}

function beginBackfill(core: EmulatorCore, record: ExecutionRecord, at: number): void {
  record.execution.state = 'RUNNING';
  const config = configOf(record);
  config.backfillStatus = { state: 'RUNNING' };
  if (record.outgoing) record.outgoing.backfillStart = iso(at);
  const transition = { kind: 'outgoing.backfill', execution: record.execution.name, op: '' } as const;
  core.scheduler.schedule(core.durations.backfill(), transition);
}

/**
 * The backfill's due time: reads the service's own metastore (what its Hive endpoint serves), then plans, writes
 * and reports. The read is asynchronous; the state changes when it has been read, stamped with the due time.
 */
export function finishOutgoingBackfill(core: EmulatorCore, t: TransitionOf<'outgoing.backfill'>, at: number): void {
  const record = outgoing(core, t.execution);
  if (!record || !backfilling(record)) return;
  const read = core.hive ? core.hive.ownInventory(record.service) : Promise.resolve(emptyInventory());
  void read
    .then(
      (inventory) => applyBackfill(core, t.execution, inventory, at),
      (error: unknown) => applyBackfill(core, t.execution, emptyInventory(), at, readFailure(error)),
    )
    .finally(() => core.changed());
}

function backfilling(record: ExecutionRecord): boolean {
  return record.execution.state === 'RUNNING' && configOf(record).backfillStatus?.state === 'RUNNING';
}

function readFailure(error: unknown): string {
  return `the service's metastore could not be read (${error instanceof Error ? error.message : String(error)}).`;
}

function applyBackfill(core: EmulatorCore, name: string, inventory: HiveInventory, at: number, failure?: string): void {
  const record = outgoing(core, name);
  // Cancelled (or failed by the admin API) while the metastore was being read: nothing is written.
  if (!record || !backfilling(record)) return;
  const config = configOf(record);
  const book = record.outgoing;
  const fault = core.outgoing.takeFault(record.service);
  const planned = planBackfill(inventory, config, core.lakehouse, fault?.missingCatalogs ?? [], iso(at));
  const missing = planned.find((catalog) => !catalog.record);
  const wholeFailure =
    failure ?? fault?.failBackfill ?? (missing ? `catalog ${missing.catalog} was not found.` : undefined);
  const dryRun = config.dryRun === true;
  const { catalogs, written } = execute(core.lakehouse, planned, {
    dryRun,
    failTables: fault?.failTables ?? [],
    failPartitions: fault?.failPartitions ?? [],
    wholeFailure,
  });
  const createTime = book.backfillStart ?? record.execution.createTime ?? iso(at);
  const report = buildReport({ service: record.service, dryRun, createTime, endTime: iso(at), catalogs });
  const reportPath = core.reports ? book.reportObject : undefined;
  config.backfillStatus = {
    state: wholeFailure ? 'FAILED' : 'SUCCEEDED',
    ...(reportPath ? { reportPath } : {}),
    migrationSummary: report.summary,
  };
  book.written = written;
  book.movedNamespaces = wholeFailure || dryRun ? [] : moved(catalogs, 'ICEBERG');
  const seeReport = reportPath ? ` See the report at ${reportPath}.` : '';
  if (wholeFailure) {
    const message = `The backfill failed: ${wholeFailure}${seeReport}`;
    endOutgoing(core, record, 'FAILED', at, message, book.fromState, book.proxyBefore);
  } else if (dryRun) {
    endOutgoing(core, record, 'SUCCEEDED', at, undefined, book.fromState, book.proxyBefore);
  } else if (config.mode === 'INCREMENTAL_SYNC') {
    record.execution.stateMessage =
      'The backfill finished; changes are replicated to the Lakehouse catalog until completeMigration or cancelMigration.';
  } else {
    const { state, proxy } = afterBackfill(core, record, catalogs);
    endOutgoing(core, record, 'SUCCEEDED', at, undefined, state, proxy);
  }
  if (core.reports && reportPath) {
    core.reports.write(reportPath, JSON.stringify(report, null, 2), 'application/json').catch((error: unknown) => {
      const why = error instanceof Error ? error.message : String(error);
      const note = `The report could not be written to ${reportPath}: ${why}`;
      record.execution.stateMessage = [record.execution.stateMessage, note].filter(Boolean).join(' ');
      core.changed();
    });
  }
}

/** The databases/namespaces of the catalogs of `type` that did not fail: what a proxy may forward. */
function moved(catalogs: ExecutedCatalog[], type: 'HIVE' | 'ICEBERG'): string[] {
  return catalogs
    .filter((catalog) => catalog.catalogType === type)
    .flatMap((catalog) => catalog.databases.filter((db) => db.result?.state !== 'FAILED').map((db) => db.name));
}

/**
 * Where a finished BACKFILL leaves the service: PROXY when Iceberg namespaces moved (the proxy forwards to the
 * Iceberg REST catalog); for a Hive-only backfill, the `hiveOnlyBackfillEndsIn` setting (default ACTIVE; PROXY
 * forwards the moved Hive databases to the Hive catalog); otherwise where it started.
 */
function afterBackfill(
  core: EmulatorCore,
  record: ExecutionRecord & { outgoing: OutgoingBookkeeping },
  catalogs: ExecutedCatalog[],
): { state: 'ACTIVE' | 'PROXY'; proxy: LakehouseProxyConfig | undefined } {
  const book = record.outgoing;
  const config = configOf(record);
  if (config.icebergConfig && (book.movedNamespaces ?? []).length > 0) {
    return { state: 'PROXY', proxy: grownProxy(book, config.icebergConfig.catalog) };
  }
  const hive = moved(catalogs, 'HIVE');
  if (config.hiveConfig && hive.length > 0 && core.outgoing.settings.hiveOnlyBackfillEndsIn === 'PROXY') {
    return { state: 'PROXY', proxy: { catalog: config.hiveConfig.catalog, namespaces: hive } };
  }
  return { state: book.fromState, proxy: book.proxyBefore };
}

/** The proxy after this batch: the namespaces already forwarded plus the ones just moved, sorted. */
function grownProxy(book: OutgoingBookkeeping, catalog: string): LakehouseProxyConfig {
  const before = book.proxyBefore?.catalog === catalog ? book.proxyBefore.namespaces : [];
  const namespaces = [...new Set([...before, ...(book.movedNamespaces ?? [])])].sort();
  return { catalog, namespaces };
}

/** The execution ends; its service leaves MIGRATING for `serviceState`, with that lakehouseProxyConfig. */
function endOutgoing(
  core: EmulatorCore,
  record: ExecutionRecord,
  state: 'SUCCEEDED' | 'CANCELLED' | 'FAILED',
  at: number,
  stateMessage: string | undefined,
  serviceState: 'ACTIVE' | 'PROXY',
  proxy: LakehouseProxyConfig | undefined,
): void {
  const { execution } = record;
  Object.assign(execution, { state, endTime: iso(at) });
  if (stateMessage === undefined) delete execution.stateMessage;
  else execution.stateMessage = stateMessage;
  const service = core.store.services.get(record.service)?.service;
  if (service?.state !== 'MIGRATING') return;
  service.state = serviceState;
  setProxyConfig(service, serviceState === 'PROXY' ? proxy : undefined);
}

/**
 * A failure from outside the backfill (admin `executions:fail`, a scheduled event, the service in ERROR): an
 * unfinished backfill is FAILED too, and the service returns to where the migration started.
 */
export function failOutgoing(core: EmulatorCore, record: ExecutionRecord, at: number, stateMessage: string): void {
  const status = configOf(record).backfillStatus;
  if (status && (status.state === 'PENDING' || status.state === 'RUNNING')) status.state = 'FAILED';
  const book = record.outgoing;
  endOutgoing(core, record, 'FAILED', at, stateMessage, book?.fromState ?? 'ACTIVE', book?.proxyBefore);
}

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
