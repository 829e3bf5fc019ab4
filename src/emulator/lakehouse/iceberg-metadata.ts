// A table's Iceberg table metadata (format version 2) as the Iceberg REST spec's LoadTableResult carries it. The
// emulator keeps no metadata files: it builds the metadata the file at `metadata-location` would hold from what
// the store knows (schema, location, properties). No snapshot: the backfill registers tables, it writes no data.
import { createHash } from 'node:crypto';
import { type IcebergStruct, maxFieldId, schemaFromColumns } from './iceberg-types';
import type { LakehouseCatalog, LakehouseIcebergTable } from './store';

/** The unpartitioned spec's last-partition-id: field ids of partition fields start at 1000. */
const UNPARTITIONED_LAST_PARTITION_ID = 999;

export function loadTableResult(catalog: LakehouseCatalog, namespace: string, table: LakehouseIcebergTable) {
  return {
    'metadata-location': table.metadataLocation,
    metadata: tableMetadata(catalog, namespace, table),
    config: {},
  };
}

export function tableMetadata(catalog: LakehouseCatalog, namespace: string, table: LakehouseIcebergTable) {
  const schema =
    (table.schema as (IcebergStruct & { 'schema-id'?: number }) | undefined) ?? schemaFromColumns(table.columns);
  const schemaId = schema['schema-id'] ?? 0;
  return {
    'format-version': 2,
    'table-uuid': tableUuid(catalog.name, namespace, table.name),
    location: tableLocation(catalog, namespace, table),
    'last-sequence-number': 0,
    'last-updated-ms': Date.parse(table.updateTime),
    'last-column-id': maxFieldId(schema),
    'current-schema-id': schemaId,
    schemas: [{ ...schema, 'schema-id': schemaId }],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [] }],
    'last-partition-id': UNPARTITIONED_LAST_PARTITION_ID,
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: table.properties,
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
    refs: {},
  };
}

/** The table's location, or one under the catalog's first location (a made-up warehouse when it has none). */
export function tableLocation(
  catalog: LakehouseCatalog,
  namespace: string,
  table: { name: string; location?: string },
) {
  if (table.location) return table.location;
  const base = (catalog.locations[0] ?? `gs://emulator-warehouse/${catalog.name}`).replace(/\/+$/, '');
  return `${base}/${namespace}/${table.name}`;
}

/**
 * A UUID derived from the table's identity: the same on every load (Iceberg clients refuse a refresh whose
 * table-uuid changed), different for a table dropped and created again only if its name differs — enough here.
 */
function tableUuid(catalog: string, namespace: string, table: string): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([catalog, namespace, table]))
    .digest('hex');
  // Shaped as a version-4-style UUID (version and variant bits set) so strict parsers accept it.
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
