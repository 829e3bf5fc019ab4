// The outgoing kind's state machine after the start (lakehouse-migration-api.md §3.2), on the same scheduler and
// durations as the incoming kind: the start's duration (`replication` or services.startMigration) takes the
// execution STARTING → RUNNING (backfillStatus PENDING → RUNNING); `backfill` later the backfill ends
// (SUCCEEDED or FAILED, with migrationSummary and the report). A BACKFILL then ends by itself; an
// INCREMENTAL_SYNC stays RUNNING until completeMigration or cancelMigration (user-actions.ts).
import type { HiveInventory } from '../../hive/inventory';
import { emptyInventory } from '../../hive/inventory';
import type { EmulatorCore } from '../core';
import { type ExecutionRecord, iso } from '../store';
import type { TransitionOf } from '../transition-types';
import { execute, type ExecutedCatalog } from './execute';
import { planBackfill } from './plan';
import { setProxyConfig } from './proxy';
import { buildReport } from './report';
import type { BiglakeConfig, LakehouseProxyConfig, OutgoingBookkeeping } from './types';

export function configOf(record: ExecutionRecord): BiglakeConfig {
  return record.execution.biglakeMetastoreMigrationConfig as unknown as BiglakeConfig;
}

/** The execution's bookkeeping, when it is of the outgoing kind. */
export function outgoing(
  core: EmulatorCore,
  name: string,
): (ExecutionRecord & { outgoing: OutgoingBookkeeping }) | undefined {
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

export function beginBackfill(core: EmulatorCore, record: ExecutionRecord, at: number): void {
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
export function grownProxy(book: OutgoingBookkeeping, catalog: string): LakehouseProxyConfig {
  const before = book.proxyBefore?.catalog === catalog ? book.proxyBefore.namespaces : [];
  const namespaces = [...new Set([...before, ...(book.movedNamespaces ?? [])])].sort();
  return { catalog, namespaces };
}

/** The execution ends; its service leaves MIGRATING for `serviceState`, with that lakehouseProxyConfig. */
export function endOutgoing(
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
