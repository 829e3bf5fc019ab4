// A Hive metastore's inventory, by name (never internal ids, which differ between Cloud SQL and DPMS): databases,
// tables with their type, columns and partition keys, partition names, functions. Read from the source's MySQL
// (src/source/inventory.ts) or from a metastore's Thrift endpoint (./read-inventory.ts); compared in ./reconcile.ts.
// Plain JSON, so an activity can write it to the inventory store and the emulator can serve a copy of it.
import type { InventoryCounts } from '../migration/verification';

export interface TableInventory {
  /** TBLS.TBL_TYPE / Table.tableType: MANAGED_TABLE, EXTERNAL_TABLE, VIRTUAL_VIEW, MATERIALIZED_VIEW. */
  type: string;
  /** 'name type', in column order. */
  columns: string[];
  /** 'name type', in key order. */
  partitionKeys: string[];
  /** Partition names as Hive lists them ('dt=2026-01-01/hr=00'), sorted. */
  partitions: string[];
  /**
   * Table parameters (TABLE_PARAMS), when the reader keeps them: Hive marks an Iceberg table with
   * `table_type=ICEBERG` and `metadata_location=gs://…`. Optional, and not compared by the reconciliation.
   */
  parameters?: Record<string, string>;
  /** The storage location (SDS.LOCATION), when the reader keeps it. Not compared by the reconciliation. */
  location?: string;
}

export interface HiveInventory {
  /** database → table → entry. */
  databases: Record<string, Record<string, TableInventory>>;
  /** 'database.function', sorted. */
  functions: string[];
}

export function emptyInventory(): HiveInventory {
  return { databases: byName(), functions: [] };
}

/**
 * A record keyed by Hive object names, without a prototype: a database or table may be called `__proto__` or
 * `constructor`, and on a plain object the first would set the prototype instead of adding an entry.
 */
export function byName<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The entry of `name`, only if it is the record's own (never something inherited, such as Object.prototype). */
export function entryOf<T>(record: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

export function countInventory(inventory: HiveInventory): InventoryCounts {
  const counts: InventoryCounts = { databases: 0, tables: 0, partitions: 0, columns: 0, functions: 0 };
  for (const tables of Object.values(inventory.databases)) {
    counts.databases += 1;
    for (const table of Object.values(tables)) {
      counts.tables += 1;
      counts.partitions += table.partitions.length;
      counts.columns += table.columns.length;
    }
  }
  counts.functions = inventory.functions.length;
  return counts;
}

/** The inventory's tables in a stable order: for streaming comparisons and the emulator's answers. */
export function sortedNames(record: Record<string, unknown>): string[] {
  return Object.keys(record).sort();
}
