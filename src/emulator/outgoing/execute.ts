// The backfill carried out: each planned table's result, and the tables and databases written to the Lakehouse
// store. A dry run has no results and writes nothing. A whole-backfill failure (a fault, a missing catalog)
// writes nothing and fails every table, so the report still says what would have happened.
import { entryOf } from '../../hive/inventory';
import type { LakehouseCatalogRecord, LakehouseStore } from '../lakehouse/store';
import type { PlannedCatalog, PlannedDatabase, PlannedTable } from './plan';
import type { ExecutionResult, WrittenObject } from './types';

export interface ExecutedTable extends PlannedTable {
  result?: ExecutionResult;
  /** Partitions of a SUCCEEDED table that could not be registered (a failPartitions fault). */
  partitionsFailed?: number;
}

export interface ExecutedDatabase extends Omit<PlannedDatabase, 'tables'> {
  result?: ExecutionResult;
  tables: ExecutedTable[];
}

export interface ExecutedCatalog extends Omit<PlannedCatalog, 'databases'> {
  databases: ExecutedDatabase[];
}

export interface ExecuteOptions {
  dryRun: boolean;
  /** 'db.table' names (source names) that fail with an injected error. */
  failTables: readonly string[];
  /** 'db.table/partition' names whose partitions fail with an injected error. */
  failPartitions?: readonly string[];
  /** Set: the whole backfill failed with this message. */
  wholeFailure?: string | undefined;
}

export function execute(
  lakehouse: LakehouseStore,
  planned: PlannedCatalog[],
  options: ExecuteOptions,
): { catalogs: ExecutedCatalog[]; written: WrittenObject[] } {
  const written: WrittenObject[] = [];
  const catalogs = planned.map((catalog) => ({
    ...catalog,
    databases: catalog.databases.map((db) =>
      options.dryRun ? db : executeDatabase(lakehouse, catalog, db, options, written),
    ),
  }));
  return { catalogs, written };
}

function executeDatabase(
  lakehouse: LakehouseStore,
  catalog: PlannedCatalog,
  db: PlannedDatabase,
  options: ExecuteOptions,
  written: WrittenObject[],
): ExecutedDatabase {
  const tables: ExecutedTable[] = db.tables.map((table) =>
    options.wholeFailure
      ? {
          ...table,
          result: failed(
            `The backfill failed: ${options.wholeFailure}`,
            'See the execution stateMessage, fix it and start again.',
          ),
        }
      : withPartitionFaults(db.name, { ...table, result: tableResult(db.name, table, options.failTables) }, options),
  );
  const record = catalog.record;
  const writable = !options.wholeFailure && record !== undefined && db.plan.action !== 'DEPENDENCY_FAILURE';
  const createsDatabase = !db.exists && db.plan.action !== 'ERROR';
  if (writable && createsDatabase) {
    container(lakehouse, record, catalog.catalogType, db.name);
    written.push({ catalog: catalog.catalog, database: db.name });
  }
  for (const table of tables) {
    if (!writable || table.result?.state !== 'SUCCEEDED' || !table.target) continue;
    const tables = container(lakehouse, record, catalog.catalogType, db.name);
    const previous = entryOf(tables, table.name);
    tables[table.name] = structuredClone(table.target.table);
    written.push({ catalog: catalog.catalog, database: db.name, table: table.name, ...(previous ? { previous } : {}) });
  }
  return { ...db, tables, result: databaseResult(db, tables, options.wholeFailure) };
}

/** The Hive database's or the Iceberg namespace's tables, created when absent. */
function container(
  lakehouse: LakehouseStore,
  record: LakehouseCatalogRecord,
  type: PlannedCatalog['catalogType'],
  name: string,
): Record<string, unknown> {
  return (
    type === 'HIVE' ? lakehouse.hiveDatabase(record, name, true) : lakehouse.icebergNamespace(record, name, true)
  ) as Record<string, unknown>;
}

/** Drops the faulted partitions from what is written; a table left with none fails as a whole. */
function withPartitionFaults(db: string, table: ExecutedTable, options: ExecuteOptions): ExecutedTable {
  const target = table.target;
  if (table.result?.state !== 'SUCCEEDED' || target?.kind !== 'HIVE') return table;
  const prefix = `${db}.${table.name}/`;
  const failing = new Set(
    (options.failPartitions ?? []).filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)),
  );
  const lost = target.table.partitions.filter((partition) => failing.has(partition));
  if (lost.length === 0) return table;
  const remaining = target.table.partitions.filter((partition) => !failing.has(partition));
  const message = `Injected failure: ${lost.length} partition(s) of ${db}.${table.name} could not be registered (${lost.join(', ')}).`;
  if (remaining.length === 0)
    return { ...table, result: failed(message, 'Migrate again with conflictPolicy OVERWRITE.') };
  const kept: ExecutedTable['target'] = { kind: 'HIVE', table: { ...target.table, partitions: remaining } };
  return { ...table, target: kept, partitionsFailed: lost.length };
}

function tableResult(db: string, table: PlannedTable, failTables: readonly string[]): ExecutionResult {
  switch (table.plan.action) {
    case 'SKIP':
      return { state: 'SKIPPED' };
    case 'ERROR':
      return failed(
        table.plan.reason,
        "Add the table's Cloud Storage location to the catalog's locations (or move the data), then migrate again.",
      );
    case 'DEPENDENCY_FAILURE':
      return failed(table.plan.reason, 'Fix the failed tables of this database, then migrate again.');
    default:
      if (failTables.includes(`${db}.${table.name}`)) {
        return failed(
          `Injected failure: ${db}.${table.name} could not be written to the target catalog.`,
          'Migrate again; tables already migrated are skipped with conflictPolicy SKIP.',
        );
      }
      return { state: 'SUCCEEDED' };
  }
}

function databaseResult(db: PlannedDatabase, tables: ExecutedTable[], wholeFailure?: string): ExecutionResult {
  if (wholeFailure) return failed(`The backfill failed: ${wholeFailure}`);
  const failures = tables.filter((t) => t.result?.state === 'FAILED');
  if (db.plan.action === 'ERROR' || failures.length > 0) {
    const message =
      failures.length > 0
        ? `${failures.length} table(s) failed: ${failures.map((t) => t.name).join(', ')}.`
        : db.plan.reason;
    return failed(message);
  }
  if (!db.exists || tables.some((t) => t.result?.state === 'SUCCEEDED')) return { state: 'SUCCEEDED' };
  return { state: 'SKIPPED' };
}

function failed(errorMessage: string, remediation?: string): ExecutionResult {
  return { state: 'FAILED', errorMessage, ...(remediation ? { remediation } : {}) };
}

/** Undoes what the backfill wrote, newest first: created objects removed, overwritten tables put back. */
export function revert(lakehouse: LakehouseStore, written: readonly WrittenObject[]): void {
  for (const object of [...written].reverse()) {
    const record = lakehouse.find(object.catalog);
    if (!record) continue;
    const tables = (record.catalog.type === 'HIVE' ? record.databases : record.namespaces) as Record<
      string,
      Record<string, unknown>
    >;
    if (object.table === undefined) {
      delete tables[object.database];
      continue;
    }
    const holder = entryOf(tables, object.database);
    if (!holder) continue;
    if (object.previous === undefined) delete holder[object.table];
    else holder[object.table] = structuredClone(object.previous);
  }
}
