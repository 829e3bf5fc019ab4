// The backfill's plan: what each requested database/namespace and table of the service's own metastore would
// become in its target catalog (CREATE, UPDATE, SKIP, ERROR, DEPENDENCY_FAILURE) and why. Pure: reads the
// inventory, the request and the target catalogs, writes nothing (a dry run stops here).
//
// Rules (R1): Hive tables go to hiveConfig.catalog, Iceberg tables (Hive parameters table_type=ICEBERG,
// metadata_location=gs://…) to icebergConfig.catalog under a namespace of their database's name. A table of the
// other kind in a listed database is reported SKIP unless the other config lists its database too (then it is
// reported there). `"*"` means every database (Hive) or every database holding an Iceberg table (namespaces).
//
// Where Google documents nothing (a choice, see docs/emulator.md):
// - a table whose location or metadata_location the catalog's `locations` do not cover is ERROR (the
//   Lakehouse guide: the catalog cannot register it), and so is its database (the strongest action wins);
// - a database new in the target is created only if all its tables can be registered: when one is ERROR,
//   the tables it would have created or updated are DEPENDENCY_FAILURE;
// - a listed database missing from the source is ERROR.
import type { HiveInventory, TableInventory } from '../../hive/inventory';
import { entryOf, sortedNames } from '../../hive/inventory';
import type { LakehouseCatalogRecord, LakehouseStore } from '../lakehouse/store';
import { type TargetTable, comparable, covered, diff, hiveTarget, icebergTarget, locationsOf } from './target-tables';
import type { BiglakeConfig, CatalogType, ExecutionPlan, PlanAction } from './types';

export type { TargetTable } from './target-tables';

export interface PlannedTable {
  name: string;
  plan: ExecutionPlan;
  /** Source partitions (Hive tables); undefined for unpartitioned and Iceberg tables. */
  partitions?: number;
  /** The table as it would be written; absent for tables that are not written (SKIP of the other kind, ERROR). */
  target?: TargetTable;
}

export interface PlannedDatabase {
  name: string;
  /** The database/namespace already exists in the target. */
  exists: boolean;
  plan: ExecutionPlan;
  tables: PlannedTable[];
}

export interface PlannedCatalog {
  catalog: string;
  catalogType: CatalogType;
  /** undefined: the catalog is missing (a whole-backfill failure). */
  record: LakehouseCatalogRecord | undefined;
  databases: PlannedDatabase[];
}

const STRENGTH: Record<PlanAction, number> = { SKIP: 1, CREATE: 2, UPDATE: 3, DEPENDENCY_FAILURE: 4, ERROR: 5 };

export function isIcebergTable(entry: TableInventory): boolean {
  return entry.parameters?.table_type?.toUpperCase() === 'ICEBERG';
}

export function planBackfill(
  inventory: HiveInventory,
  config: BiglakeConfig,
  lakehouse: LakehouseStore,
  missingCatalogs: readonly string[],
  at: string,
): PlannedCatalog[] {
  const hiveDbs = config.hiveConfig && selected(config.hiveConfig.databases, inventory, () => true);
  const icebergNs =
    config.icebergConfig &&
    selected(config.icebergConfig.namespaces, inventory, (db) => Object.values(db).some(isIcebergTable));
  const policy = config.conflictPolicy === 'OVERWRITE' ? 'OVERWRITE' : 'SKIP';
  const catalogs: PlannedCatalog[] = [];
  const find = (name: string) => (missingCatalogs.includes(name) ? undefined : lakehouse.find(name));
  for (const [kind, target, names, other] of [
    ['HIVE', config.hiveConfig?.catalog, hiveDbs, icebergNs],
    ['ICEBERG', config.icebergConfig?.catalog, icebergNs, hiveDbs],
  ] as const) {
    if (target === undefined || names === undefined) continue;
    const record = find(target);
    const databases = names.map((db) =>
      record
        ? planDatabase({
            kind,
            record,
            lakehouse,
            inventory,
            db,
            policy,
            otherCovers: other?.includes(db) ?? false,
            at,
          })
        : missingCatalog(db, target),
    );
    catalogs.push({ catalog: target, catalogType: kind, record, databases });
  }
  return catalogs;
}

/** The requested names, `"*"` expanded over the source (sorted, each once). */
function selected(
  requested: readonly string[],
  inventory: HiveInventory,
  holds: (tables: Record<string, TableInventory>) => boolean,
): string[] {
  const all = sortedNames(inventory.databases).filter((db) => holds(inventory.databases[db] ?? {}));
  const names = requested.flatMap((name) => (name === '*' ? all : [name]));
  return [...new Set(names)];
}

function missingCatalog(db: string, catalog: string): PlannedDatabase {
  const reason = `Catalog ${catalog} was not found; create it before migrating.`;
  return { name: db, exists: false, plan: { action: 'ERROR', reason }, tables: [] };
}

interface DatabaseInput {
  kind: CatalogType;
  record: LakehouseCatalogRecord;
  lakehouse: LakehouseStore;
  inventory: HiveInventory;
  db: string;
  policy: 'SKIP' | 'OVERWRITE';
  /** The other config lists this database too: tables of the other kind are reported there, not here. */
  otherCovers: boolean;
  at: string;
}

function planDatabase(input: DatabaseInput): PlannedDatabase {
  const { kind, record, lakehouse, inventory, db } = input;
  const source = entryOf(inventory.databases, db);
  const existing = kind === 'HIVE' ? lakehouse.hiveDatabase(record, db) : lakehouse.icebergNamespace(record, db);
  const exists = existing !== undefined;
  if (!source) {
    const what = kind === 'HIVE' ? 'Database' : 'Namespace';
    const reason = `${what} ${db} does not exist in the service's metastore.`;
    return { name: db, exists, plan: { action: 'ERROR', reason }, tables: [] };
  }
  const tables: PlannedTable[] = [];
  for (const name of sortedNames(source)) {
    const entry = source[name] as TableInventory;
    const ofKind = (isIcebergTable(entry) ? 'ICEBERG' : 'HIVE') === kind;
    if (!ofKind) {
      if (!input.otherCovers) tables.push(otherKind(name, entry, kind, db));
      continue;
    }
    const target = kind === 'HIVE' ? hiveTarget(name, entry, input.at) : icebergTarget(name, entry, input.at);
    const current = existing && entryOf(existing as Record<string, unknown>, name);
    tables.push(planTable(name, entry, target, current, input.policy, record.catalog.locations));
  }
  const failed = tables.filter((t) => t.plan.action === 'ERROR');
  if (!exists && failed.length > 0) {
    const reason = `Not migrated: ${db} is new in the target and is created only if all its tables can be registered (${failed.map((t) => t.name).join(', ')} cannot).`;
    for (const table of tables) {
      if (table.plan.action === 'CREATE' || table.plan.action === 'UPDATE')
        table.plan = { action: 'DEPENDENCY_FAILURE', reason };
    }
  }
  const action = tables.reduce<PlanAction>(
    (strongest, t) => (STRENGTH[t.plan.action] > STRENGTH[strongest] ? t.plan.action : strongest),
    exists ? 'SKIP' : 'CREATE',
  );
  return { name: db, exists, plan: { action, reason: databaseReason(action, exists, tables) }, tables };
}

function databaseReason(action: PlanAction, exists: boolean, tables: PlannedTable[]): string {
  const count = (a: PlanAction) => tables.filter((t) => t.plan.action === a).length;
  switch (action) {
    case 'ERROR':
      return `${count('ERROR')} table(s) cannot be registered in the target catalog.`;
    case 'DEPENDENCY_FAILURE':
      return 'Some tables depend on a database that cannot be created.';
    case 'UPDATE':
      return `Exists in the target; ${count('UPDATE')} table(s) differ and will be replaced (conflictPolicy OVERWRITE).`;
    case 'CREATE':
      return exists
        ? `Exists in the target; ${count('CREATE')} table(s) will be created.`
        : 'Not in the target; it will be created.';
    default:
      return 'Exists in the target; nothing to change.';
  }
}

function otherKind(name: string, entry: TableInventory, kind: CatalogType, db: string): PlannedTable {
  const reason =
    kind === 'HIVE'
      ? `An Iceberg table: only icebergConfig migrates it, and namespace ${db} is not listed there.`
      : `A Hive table: only hiveConfig migrates it, and database ${db} is not listed there.`;
  return { name, plan: { action: 'SKIP', reason }, ...partitionsOf(entry, kind) };
}

function planTable(
  name: string,
  entry: TableInventory,
  target: TargetTable,
  current: unknown,
  policy: 'SKIP' | 'OVERWRITE',
  locations: readonly string[],
): PlannedTable {
  const base = { name, ...partitionsOf(entry, target.kind) };
  const uncovered = locationsOf(target).find((uri) => !covered(uri, locations));
  if (uncovered !== undefined) {
    const reason = `The catalog's locations (${locations.join(', ')}) do not cover ${uncovered}; the catalog cannot register the table.`;
    return { ...base, plan: { action: 'ERROR', reason } };
  }
  if (target.kind === 'ICEBERG' && target.table.metadataLocation === '') {
    return { ...base, plan: { action: 'ERROR', reason: 'table_type=ICEBERG but no metadata_location parameter.' } };
  }
  if (current === undefined) return { ...base, target, plan: { action: 'CREATE', reason: 'Not in the target.' } };
  if (policy === 'SKIP') {
    const reason = 'Exists in the target; conflictPolicy SKIP leaves it as it is.';
    return { ...base, plan: { action: 'SKIP', reason } };
  }
  const diffs = diff(comparable(target.table), comparable(current as TargetTable['table']));
  if (Object.keys(diffs).length === 0) {
    return { ...base, plan: { action: 'SKIP', reason: 'Exists in the target and is identical.' } };
  }
  const reason = 'Exists in the target and differs; conflictPolicy OVERWRITE replaces it.';
  return { ...base, target, plan: { action: 'UPDATE', reason, diffs } };
}

function partitionsOf(entry: TableInventory, kind: CatalogType): { partitions?: number } {
  return kind === 'HIVE' && !isIcebergTable(entry) && entry.partitionKeys.length > 0
    ? { partitions: entry.partitions.length }
    : {};
}
