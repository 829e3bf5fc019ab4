// Creating, reading and deleting Lakehouse catalogs: one set of rules behind the emulator's admin API, BigLake's
// Iceberg catalog admin (`/iceberg/v1/restcatalog/extensions/…`) and its Hive catalog methods (`/hive/v1/…`).
import { z } from 'zod';
import type { EmulatorCore } from '../core';
import { ApiError, notFound } from '../errors';
import { iso } from '../store';
import type { LakehouseCatalog, LakehouseCatalogRecord, LakehouseCatalogType } from './store';

// Project ids may be domain-scoped (example.com:proj); a catalog id of a Cloud Storage bucket catalog is the
// bucket's name, so dots are allowed.
const PROJECT = '[a-z0-9](?:[a-z0-9.:-]{0,61}[a-z0-9])?';
const CATALOG_ID = '[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}';
export const CATALOG_NAME = new RegExp(`^projects/(${PROJECT})/catalogs/(${CATALOG_ID})$`);
export const CATALOG_ID_PATTERN = new RegExp(`^${CATALOG_ID}$`);

/** A Cloud Storage prefix a catalog covers: gs://bucket or gs://bucket/path (no trailing slash needed). */
export const GcsPrefixSchema = z
  .string()
  .regex(/^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/.*)?$/, 'must be gs://bucket[/path]');

export const CatalogBodySchema = z
  .object({
    name: z.string().regex(CATALOG_NAME, 'must be projects/{project}/catalogs/{catalog}'),
    type: z.enum(['HIVE', 'ICEBERG']),
    locations: z.array(GcsPrefixSchema).default([]),
  })
  .strict();

export function createCatalog(
  core: EmulatorCore,
  name: string,
  type: LakehouseCatalogType,
  locations: readonly string[],
): LakehouseCatalogRecord {
  if (core.lakehouse.find(name)) {
    throw new ApiError('ALREADY_EXISTS', `Catalog "${name}" already exists.`, 'CATALOG_ALREADY_EXISTS');
  }
  const catalog: LakehouseCatalog = { name, type, createTime: iso(core.now()), locations: [...locations] };
  return core.lakehouse.createCatalog(catalog);
}

/** The catalog, which must be of `type`: BigLake serves a Hive catalog only on /hive and an Iceberg one on /iceberg. */
export function catalogOfType(core: EmulatorCore, name: string, type: LakehouseCatalogType): LakehouseCatalogRecord {
  const record = core.lakehouse.find(name);
  if (!record || record.catalog.type !== type) {
    throw notFound(type === 'HIVE' ? 'Hive catalog' : 'Iceberg catalog', name);
  }
  return record;
}

export function deleteCatalog(core: EmulatorCore, name: string, type?: LakehouseCatalogType): void {
  const record = type ? catalogOfType(core, name, type) : core.lakehouse.catalog(name);
  core.lakehouse.deleteCatalog(record.catalog.name);
}

/** Whether `uri` lies under one of the catalog's locations (every uri does when it lists none). */
export function covers(catalog: LakehouseCatalog, uri: string): boolean {
  if (catalog.locations.length === 0) return true;
  return catalog.locations.some((prefix) => {
    const base = prefix.replace(/\/+$/, '');
    return uri === base || uri.startsWith(`${base}/`);
  });
}
