// The source's tables as the Lakehouse catalogs would hold them, and how a target table is compared with them:
// which storage locations a table needs its catalog to cover, and the field diffs an UPDATE reports.
import type { TableInventory } from '../../hive/inventory';
import type { LakehouseColumn, LakehouseHiveTable, LakehouseIcebergTable } from '../lakehouse/store';
import type { FieldDiff } from './types';

/** A table as the backfill would write it, by the kind of catalog it goes to. */
export type TargetTable =
  { kind: 'HIVE'; table: LakehouseHiveTable } | { kind: 'ICEBERG'; table: LakehouseIcebergTable };

/** BigLake's Hive catalog holds external tables only (§8: tableType EXTERNAL): a managed table arrives external. */
export function hiveTarget(name: string, entry: TableInventory, updateTime: string): TargetTable {
  const table: LakehouseHiveTable = {
    name,
    tableType: entry.type === 'MANAGED_TABLE' ? 'EXTERNAL_TABLE' : entry.type,
    columns: entry.columns.map(column),
    partitionKeys: entry.partitionKeys.map(column),
    ...(entry.location !== undefined ? { location: entry.location } : {}),
    parameters: { ...entry.parameters },
    partitions: entry.partitions.slice(),
    updateTime,
  };
  return { kind: 'HIVE', table };
}

export function icebergTarget(name: string, entry: TableInventory, updateTime: string): TargetTable {
  const { table_type: _type, metadata_location: metadataLocation = '', ...properties } = entry.parameters ?? {};
  const table: LakehouseIcebergTable = {
    name,
    metadataLocation,
    ...(entry.location !== undefined ? { location: entry.location } : {}),
    columns: entry.columns.map(column),
    properties,
    updateTime,
  };
  return { kind: 'ICEBERG', table };
}

function column(value: string): LakehouseColumn {
  const space = value.indexOf(' ');
  return { name: value.slice(0, space), type: value.slice(space + 1) };
}

export function locationsOf(target: TargetTable): string[] {
  const uris = [target.table.location, target.kind === 'ICEBERG' ? target.table.metadataLocation : undefined];
  return uris.filter((uri): uri is string => uri !== undefined && uri !== '');
}

/** Empty locations cover everything (the store's lenient default); a prefix covers itself and what is below it. */
export function covered(uri: string, locations: readonly string[]): boolean {
  if (locations.length === 0) return true;
  return locations.some((prefix) => {
    const folder = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return uri === prefix || uri.startsWith(folder);
  });
}

/** The fields a diff reports, as the strings the report carries (updateTime is the target's own). */
export function comparable(table: LakehouseHiveTable | LakehouseIcebergTable): Record<string, string> {
  const columns = (list: LakehouseColumn[] | undefined) => (list ?? []).map((c) => `${c.name} ${c.type}`).join(', ');
  const sorted = (record: Record<string, string> | undefined) =>
    JSON.stringify(Object.fromEntries(Object.entries(record ?? {}).sort(([a], [b]) => a.localeCompare(b))));
  if ('metadataLocation' in table) {
    return {
      metadataLocation: table.metadataLocation,
      location: table.location ?? '',
      columns: columns(table.columns),
      properties: sorted(table.properties),
    };
  }
  return {
    tableType: table.tableType,
    location: table.location ?? '',
    columns: columns(table.columns),
    partitionKeys: columns(table.partitionKeys),
    parameters: sorted(table.parameters),
    partitions: String(table.partitions.length),
  };
}

export function diff(source: Record<string, string>, target: Record<string, string>): Record<string, FieldDiff> {
  const diffs: Record<string, FieldDiff> = {};
  for (const [field, sourceValue] of Object.entries(source)) {
    const targetValue = target[field] ?? '';
    if (sourceValue !== targetValue) diffs[field] = { sourceValue, targetValue };
  }
  return diffs;
}
