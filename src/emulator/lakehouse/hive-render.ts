// The store's Hive catalog objects in the JSON of google.cloud.biglake.hive.v1 (hive_metastore.proto): HiveCatalog,
// HiveDatabase, HiveTable with its StorageDescriptor, Partition. proto3 JSON: lowerCamelCase names, empty
// repeated fields and maps left out, timestamps as RFC 3339.
import type { LakehouseCatalog, LakehouseColumn, LakehouseHiveTable } from './store';

export function renderHiveCatalog(catalog: LakehouseCatalog) {
  return {
    name: catalog.name,
    ...(catalog.description ? { description: catalog.description } : {}),
    ...(catalog.locations[0] ? { locationUri: catalog.locations[0] } : {}),
    createTime: catalog.createTime,
    updateTime: catalog.createTime,
  };
}

export function renderHiveDatabase(catalog: string, database: string) {
  return { name: `${catalog}/databases/${database}` };
}

function fields(columns: readonly LakehouseColumn[]) {
  return columns.map((c) => ({ name: c.name, type: c.type }));
}

export function renderHiveTable(catalog: string, database: string, table: LakehouseHiveTable) {
  return {
    name: `${catalog}/databases/${database}/tables/${table.name}`,
    storageDescriptor: {
      ...(table.columns.length ? { columns: fields(table.columns) } : {}),
      ...(table.location ? { locationUri: table.location } : {}),
    },
    ...(table.partitionKeys.length ? { partitionKeys: fields(table.partitionKeys) } : {}),
    ...(Object.keys(table.parameters).length ? { parameters: table.parameters } : {}),
    tableType: table.tableType,
    updateTime: table.updateTime,
  };
}

/** Hive's partition name ('dt=2026-01-01/hr=00', values %XX-escaped) → its values in key order. */
export function partitionValues(name: string): string[] {
  return name.split('/').map((part) => {
    const value = part.slice(part.indexOf('=') + 1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  });
}

export function renderPartition(table: LakehouseHiveTable, name: string) {
  return {
    values: partitionValues(name),
    ...(table.location ? { storageDescriptor: { locationUri: `${table.location.replace(/\/+$/, '')}/${name}` } } : {}),
  };
}
