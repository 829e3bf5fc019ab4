// Seeding a catalog's contents through the admin API (`POST /_emulator/catalogs:seed`): what a target already holds
// before a backfill (for SKIP / OVERWRITE), or a table shaped as the backfill writes it, for the read APIs' tests.
import { z } from 'zod';
import { byName } from '../../hive/inventory';
import type { EmulatorCore } from '../core';
import { failedPrecondition } from '../errors';
import { iso } from '../store';
import { tableLocation } from './iceberg-metadata';
import type { LakehouseCatalogRecord, LakehouseHiveTable, LakehouseIcebergTable } from './store';

const ColumnSchema = z.object({ name: z.string().min(1), type: z.string().min(1) }).strict();
const Strings = z.record(z.string(), z.string());

const HiveTableSeedSchema = z
  .object({
    tableType: z.string().default('EXTERNAL_TABLE'),
    columns: z.array(ColumnSchema).default([]),
    partitionKeys: z.array(ColumnSchema).default([]),
    location: z
      .string()
      .regex(/^gs:\/\//, 'must be a gs:// location')
      .optional(),
    parameters: Strings.default({}),
    partitions: z.array(z.string().min(1)).default([]),
  })
  .strict();

const IcebergTableSeedSchema = z
  .object({
    columns: z.array(ColumnSchema).default([]),
    location: z
      .string()
      .regex(/^gs:\/\//, 'must be a gs:// location')
      .optional(),
    metadataLocation: z
      .string()
      .regex(/^gs:\/\//, 'must be a gs:// location')
      .optional(),
    properties: Strings.default({}),
  })
  .strict();

/**
 * An object keyed by Hive object names, into a prototype-less record: z.record assigns keys on a plain object,
 * where a database called `__proto__` would vanish (it would set the prototype). Issues keep their paths.
 */
function namedRecord<T>(item: z.ZodType<T>) {
  return z.unknown().transform((raw, ctx) => {
    const out = byName<T>();
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      ctx.addIssue({ code: 'custom', message: 'must be an object keyed by name' });
      return out;
    }
    for (const [key, value] of Object.entries(raw)) {
      const parsed = item.safeParse(value);
      if (parsed.success) out[key] = parsed.data;
      else
        for (const issue of parsed.error.issues)
          ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
    }
    return out;
  });
}

export const CatalogSeedSchema = z
  .object({
    catalog: z.string().min(1),
    databases: namedRecord(namedRecord(HiveTableSeedSchema)).optional(),
    namespaces: namedRecord(namedRecord(IcebergTableSeedSchema)).optional(),
  })
  .strict();
export type CatalogSeed = z.infer<typeof CatalogSeedSchema>;

/** Adds (or replaces) the seeded databases' / namespaces' tables; returns the catalog's record. */
export function seedCatalog(core: EmulatorCore, seed: CatalogSeed): LakehouseCatalogRecord {
  const record = core.lakehouse.catalog(seed.catalog);
  const { type } = record.catalog;
  if ((type === 'HIVE' && seed.namespaces) || (type === 'ICEBERG' && seed.databases)) {
    throw failedPrecondition(
      `Catalog "${seed.catalog}" is a ${type} catalog: seed ${type === 'HIVE' ? 'databases' : 'namespaces'} only.`,
      'CATALOG_TYPE_MISMATCH',
    );
  }
  const updateTime = iso(core.now());
  for (const [database, tables] of Object.entries(seed.databases ?? {})) {
    const target = core.lakehouse.hiveDatabase(record, database, true) ?? {};
    for (const [name, table] of Object.entries(tables)) {
      const { location, ...rest } = table;
      const seeded: LakehouseHiveTable = {
        name,
        ...rest,
        partitions: [...rest.partitions].sort(),
        updateTime,
        ...(location ? { location } : {}),
      };
      target[name] = seeded;
    }
  }
  for (const [namespace, tables] of Object.entries(seed.namespaces ?? {})) {
    const target = core.lakehouse.icebergNamespace(record, namespace, true) ?? {};
    for (const [name, table] of Object.entries(tables)) {
      const location = tableLocation(record.catalog, namespace, {
        name,
        ...(table.location ? { location: table.location } : {}),
      });
      const seeded: LakehouseIcebergTable = {
        name,
        location,
        metadataLocation: table.metadataLocation ?? `${location}/metadata/00001-seeded.metadata.json`,
        columns: table.columns,
        properties: table.properties,
        updateTime,
      };
      target[name] = seeded;
    }
  }
  return record;
}
