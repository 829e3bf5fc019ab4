// Which of DPMS's tables a backfill was asked to move, and where to (R1): Hive tables of the listed databases to
// the hiveConfig catalog's database of the same name; Iceberg tables (Hive parameter table_type=ICEBERG) of the
// listed namespaces to the icebergConfig catalog's namespace of their database's name. "*" lists every database.
import type { HiveInventory, TableInventory } from '../hive/inventory';
import { entryOf, sortedNames } from '../hive/inventory';

export interface BackfillTargets {
  hive?: { catalog: string; databases: readonly string[] };
  iceberg?: { catalog: string; namespaces: readonly string[] };
}

export interface ExpectedTable {
  kind: 'HIVE' | 'ICEBERG';
  catalog: string;
  database: string;
  table: string;
  source: TableInventory;
}

export function isIcebergTable(table: TableInventory): boolean {
  const type = table.parameters ? entryOf(table.parameters, 'table_type') : undefined;
  return type?.toUpperCase() === 'ICEBERG';
}

function listed(names: readonly string[], database: string): boolean {
  return names.includes('*') || names.includes(database);
}

/** The tables the backfill should have put in a target catalog, in database and table name order. */
export function expectedTables(source: HiveInventory, targets: BackfillTargets): ExpectedTable[] {
  const expected: ExpectedTable[] = [];
  for (const database of sortedNames(source.databases)) {
    const tables = source.databases[database] as Record<string, TableInventory>;
    for (const table of sortedNames(tables)) {
      const entry = tables[table] as TableInventory;
      const iceberg = isIcebergTable(entry);
      const target = iceberg ? targets.iceberg : targets.hive;
      const names = iceberg ? targets.iceberg?.namespaces : targets.hive?.databases;
      if (!target || !names || !listed(names, database)) continue;
      expected.push({ kind: iceberg ? 'ICEBERG' : 'HIVE', catalog: target.catalog, database, table, source: entry });
    }
  }
  return expected;
}
