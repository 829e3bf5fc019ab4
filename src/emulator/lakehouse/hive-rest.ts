// BigLake's Hive catalog API (google.cloud.biglake.hive.v1.HiveMetastoreService) under /hive/v1: catalogs
// (create/get/list/delete) and the reads a verification of a backfill needs — databases, tables (paged), one
// table, and a table's partitions. Errors in Google's JSON shape; a query parameter a method does not take is
// refused, as Google's front end refuses it.
import { z } from 'zod';
import { entryOf, sortedNames } from '../../hive/inventory';
import { ApiError, invalidArgument } from '../errors';
import { listPage } from '../list-query';
import { decodePath } from '../routes';
import type { SurfaceReply, SurfaceRequest } from '../surface-types';
import { CATALOG_ID_PATTERN, GcsPrefixSchema, catalogOfType, createCatalog, deleteCatalog } from './catalogs';
import { BIGLAKE_DOMAIN, googleReply, methodNotFound, parseJsonBody, queryOf } from './google-surface';
import {
  renderHiveCatalog,
  renderHiveDatabase,
  renderHiveTable,
  renderPartition,
  partitionValues,
} from './hive-render';
import { compilePartitionFilter } from './partition-filter';
import type { LakehouseCatalogRecord, LakehouseHiveTable } from './store';

const PREFIX = '/hive/v1/';
/** Partitions per streamed ListPartitionsResponse message. */
const PARTITIONS_PER_MESSAGE = 1000;

const SEGMENT = '([^/:]+)';
const PROJECT = `projects/${SEGMENT}`;
const CATALOG = `${PROJECT}/catalogs/${SEGMENT}`;
const DATABASE = `${CATALOG}/databases/${SEGMENT}`;
const TABLE = `${DATABASE}/tables/${SEGMENT}`;

type Handler = (request: SurfaceRequest, ids: string[]) => unknown;

const ROUTES: { verb: string; pattern: RegExp; handler: Handler }[] = [
  { verb: 'GET', pattern: re(`${PROJECT}/catalogs`), handler: listCatalogs },
  { verb: 'POST', pattern: re(`${PROJECT}/catalogs`), handler: createHiveCatalog },
  { verb: 'GET', pattern: re(CATALOG), handler: getCatalog },
  { verb: 'DELETE', pattern: re(CATALOG), handler: removeCatalog },
  { verb: 'GET', pattern: re(`${CATALOG}/databases`), handler: listDatabases },
  { verb: 'GET', pattern: re(DATABASE), handler: getDatabase },
  { verb: 'GET', pattern: re(`${DATABASE}/tables`), handler: listTables },
  { verb: 'GET', pattern: re(TABLE), handler: getTable },
  { verb: 'GET', pattern: re(`${TABLE}/partitions:list`), handler: listPartitions },
];

function re(body: string): RegExp {
  return new RegExp(`^${body}$`);
}

export function isHiveRestPath(pathname: string): boolean {
  return pathname.startsWith(PREFIX);
}

export function handleHiveRestRequest(request: SurfaceRequest): SurfaceReply {
  return googleReply(() => {
    const { method, url } = request;
    // Decoded as the Metastore API decodes: %3A is ':', an encoded '/' is no path at all.
    const path = decodePath(url.pathname.slice(PREFIX.length));
    for (const route of ROUTES) {
      const match = path === undefined || route.verb !== method ? null : route.pattern.exec(path);
      if (match) return route.handler(request, match.slice(1));
    }
    throw methodNotFound(method, url.pathname);
  });
}

function notFound(kind: string, name: string): ApiError {
  const reason = `${kind.replace(/ /g, '_').toUpperCase()}_NOT_FOUND`;
  return new ApiError('NOT_FOUND', `${kind} "${name}" was not found.`, reason, [], undefined, {
    domain: BIGLAKE_DOMAIN,
  });
}

function catalogName([project, catalog]: string[]): string {
  return `projects/${project}/catalogs/${catalog}`;
}

function hiveCatalog(request: SurfaceRequest, ids: string[]): LakehouseCatalogRecord {
  return catalogOfType(request.core, catalogName(ids), 'HIVE');
}

function database(
  request: SurfaceRequest,
  ids: string[],
): { catalog: string; name: string; tables: Record<string, LakehouseHiveTable> } {
  const record = hiveCatalog(request, ids);
  const name = ids[2] ?? '';
  const tables = request.core.lakehouse.hiveDatabase(record, name);
  if (!tables) throw notFound('Database', `${record.catalog.name}/databases/${name}`);
  return { catalog: record.catalog.name, name, tables };
}

function table(request: SurfaceRequest, ids: string[]) {
  const found = database(request, ids);
  const name = ids[3] ?? '';
  const hive = entryOf(found.tables, name);
  if (!hive) throw notFound('Table', `${found.catalog}/databases/${found.name}/tables/${name}`);
  return { ...found, table: hive };
}

const LIST = ['pageSize', 'pageToken'];

function page<T>(request: SurfaceRequest, items: readonly T[], scope: string) {
  const query = queryOf(request.url.searchParams, LIST);
  return listPage(items, { pageSize: query.get('pageSize'), pageToken: query.get('pageToken') }, {}, scope);
}

function listCatalogs(request: SurfaceRequest, [project]: string[]) {
  const parent = `projects/${project}`;
  const records = request.core.lakehouse.list(parent).filter((r) => r.catalog.type === 'HIVE');
  const { items, nextPageToken } = page(request, records, parent);
  return {
    ...(items.length ? { catalogs: items.map((r) => renderHiveCatalog(r.catalog)) } : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  };
}

const HiveCatalogBodySchema = z
  .object({
    name: z.string().optional(),
    description: z.string().max(1024).optional(),
    locationUri: GcsPrefixSchema,
  })
  .strict();

function createHiveCatalog(request: SurfaceRequest, [project]: string[]) {
  const query = queryOf(request.url.searchParams, ['hiveCatalogId', 'primaryLocation', 'primary_location']);
  const id = query.get('hiveCatalogId');
  if (!id || !CATALOG_ID_PATTERN.test(id)) {
    throw invalidArgument(
      'hiveCatalogId: required; letters, digits, "_", "-" or "." (at most 63).',
      'INVALID_ARGUMENT',
      [{ field: 'hive_catalog_id', description: 'required, a valid catalog id' }],
    );
  }
  const body = parseJsonBody(HiveCatalogBodySchema, request.body, 'hive_catalog');
  const record = createCatalog(request.core, `projects/${project}/catalogs/${id}`, 'HIVE', [body.locationUri]);
  if (body.description) record.catalog.description = body.description;
  return renderHiveCatalog(record.catalog);
}

function getCatalog(request: SurfaceRequest, ids: string[]) {
  queryOf(request.url.searchParams, []);
  return renderHiveCatalog(hiveCatalog(request, ids).catalog);
}

function removeCatalog(request: SurfaceRequest, ids: string[]) {
  queryOf(request.url.searchParams, []);
  deleteCatalog(request.core, catalogName(ids), 'HIVE');
  return {};
}

function listDatabases(request: SurfaceRequest, ids: string[]) {
  const record = hiveCatalog(request, ids);
  const { items, nextPageToken } = page(request, sortedNames(record.databases), record.catalog.name);
  return {
    ...(items.length ? { databases: items.map((d) => renderHiveDatabase(record.catalog.name, d)) } : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  };
}

function getDatabase(request: SurfaceRequest, ids: string[]) {
  queryOf(request.url.searchParams, []);
  const found = database(request, ids);
  return renderHiveDatabase(found.catalog, found.name);
}

function listTables(request: SurfaceRequest, ids: string[]) {
  const found = database(request, ids);
  const names = sortedNames(found.tables);
  const { items, nextPageToken } = page(request, names, `${found.catalog}/databases/${found.name}`);
  return {
    ...(items.length
      ? {
          tables: items.map((name) =>
            renderHiveTable(found.catalog, found.name, found.tables[name] as LakehouseHiveTable),
          ),
        }
      : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  };
}

function getTable(request: SurfaceRequest, ids: string[]) {
  queryOf(request.url.searchParams, []);
  const found = table(request, ids);
  return renderHiveTable(found.catalog, found.name, found.table);
}

/**
 * A server-streaming method: over HTTP/JSON, Google's front end answers a JSON array of the stream's messages
 * (here ListPartitionsResponse, up to PARTITIONS_PER_MESSAGE partitions each; `[]` for none).
 */
function listPartitions(request: SurfaceRequest, ids: string[]) {
  const query = queryOf(request.url.searchParams, ['filter']);
  const found = table(request, ids);
  const keys = found.table.partitionKeys.map((k) => k.name);
  const matches = compilePartitionFilter(query.get('filter'), keys);
  const partitions = found.table.partitions.filter((name) => matches(partitionValues(name)));
  const messages = [];
  for (let at = 0; at < partitions.length; at += PARTITIONS_PER_MESSAGE) {
    const chunk = partitions.slice(at, at + PARTITIONS_PER_MESSAGE);
    messages.push({ partitions: chunk.map((name) => renderPartition(found.table, name)) });
  }
  return messages;
}
