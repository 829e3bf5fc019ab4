// BigLake's Iceberg REST catalog: the Apache Iceberg REST spec (open-api/rest-catalog-open-api.yaml) under
// `/iceberg/v1/restcatalog`. A client first asks `GET /v1/config?warehouse=projects/{p}/catalogs/{c}`; the
// answer's `prefix` override scopes every later path to that catalog (`/v1/projects/{p}/catalogs/{c}/namespaces…`),
// which is how one endpoint serves many catalogs. Namespaces have one level, as in BigLake. The catalog admin
// methods under `/extensions` are BigLake's own API (Google's error shape): iceberg-catalog-admin.ts.
import { randomUUID } from 'node:crypto';
import { entryOf, sortedNames } from '../../hive/inventory';
import type { EmulatorCore } from '../core';
import { iso } from '../store';
import type { SurfaceReply, SurfaceRequest } from '../surface-types';
import { CATALOG_NAME, covers } from './catalogs';
import { handleIcebergCatalogAdmin } from './iceberg-catalog-admin';
import { IcebergError, badRequest, fromZodIssues, icebergErrorReply } from './iceberg-errors';
import { loadTableResult, tableLocation } from './iceberg-metadata';
import { CreateNamespaceSchema, CreateTableSchema } from './iceberg-requests';
import { hiveTypeOf } from './iceberg-types';
import type { LakehouseCatalogRecord, LakehouseIcebergTable } from './store';

const BASE = '/iceberg/v1/restcatalog';

/** What this catalog serves, in the spec's `endpoints` notation; a client checks it before calling. */
const ENDPOINTS = [
  'GET /v1/{prefix}/namespaces',
  'POST /v1/{prefix}/namespaces',
  'GET /v1/{prefix}/namespaces/{namespace}',
  'HEAD /v1/{prefix}/namespaces/{namespace}',
  'DELETE /v1/{prefix}/namespaces/{namespace}',
  'GET /v1/{prefix}/namespaces/{namespace}/tables',
  'POST /v1/{prefix}/namespaces/{namespace}/tables',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}',
];

const DEFAULT_PAGE_SIZE = 1000;

export function isIcebergPath(pathname: string): boolean {
  return pathname === BASE || pathname.startsWith(`${BASE}/`);
}

export function handleIcebergRequest(request: SurfaceRequest): SurfaceReply {
  const rest = request.url.pathname.slice(BASE.length);
  if (rest.startsWith('/extensions/')) return handleIcebergCatalogAdmin(request, rest.slice('/extensions/'.length));
  try {
    return route(request, segments(rest));
  } catch (error) {
    if (error instanceof IcebergError) return icebergErrorReply(error);
    throw error;
  }
}

/** Path segments, each percent-decoded on its own (a table name may hold an encoded '/', a namespace %1F). */
function segments(rest: string): string[] {
  try {
    return rest.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw badRequest('The request path has a malformed percent-escape.');
  }
}

function route(request: SurfaceRequest, parts: string[]): SurfaceReply {
  const { method } = request;
  if (parts[0] !== 'v1') throw noRoute(request);
  if (parts.length === 2 && parts[1] === 'config' && method === 'GET') return config(request);
  if (parts[1] !== 'projects' || parts[3] !== 'catalogs' || parts.length < 6) {
    if (parts[1] === 'namespaces') {
      throw badRequest(
        'No catalog chosen: call /v1/config?warehouse=projects/{project}/catalogs/{catalog} and use its prefix.',
      );
    }
    throw noRoute(request);
  }
  const catalog = catalogFor(request.core, `projects/${parts[2]}/catalogs/${parts[4]}`, 404);
  const [collection, namespace, sub, table, ...extra] = parts.slice(5);
  if (collection !== 'namespaces' || extra.length > 0) throw noRoute(request);
  if (namespace === undefined) {
    if (method === 'GET') return listNamespaces(catalog, request.url.searchParams);
    if (method === 'POST') return createNamespace(request, catalog);
  } else if (sub === undefined) {
    if (method === 'GET') return getNamespace(catalog, namespace);
    if (method === 'HEAD') return { status: namespaceTables(catalog, namespace) ? 204 : 404 };
    if (method === 'DELETE') return dropNamespace(request.core, catalog, namespace);
  } else if (sub === 'tables' && table === undefined) {
    if (method === 'GET') return listTables(catalog, namespace, request.url.searchParams);
    if (method === 'POST') return createTable(request, catalog, namespace);
  } else if (sub === 'tables' && table !== undefined) {
    if (method === 'GET')
      return { status: 200, json: loadTableResult(catalog.catalog, namespace, tableOf(catalog, namespace, table)) };
    if (method === 'HEAD') {
      const found = namespaceTables(catalog, namespace);
      return { status: found && entryOf(found, table) ? 204 : 404 };
    }
    if (method === 'DELETE') return dropTable(catalog, namespace, table);
  }
  throw noRoute(request);
}

function noRoute({ method, url }: SurfaceRequest): IcebergError {
  return new IcebergError(404, 'NotFoundException', `No Iceberg REST route for ${method} ${url.pathname}.`);
}

function config({ core, url }: SurfaceRequest): SurfaceReply {
  const warehouse = url.searchParams.get('warehouse');
  if (!warehouse) throw badRequest('warehouse is required: projects/{project}/catalogs/{catalog}.');
  const record = catalogFor(core, warehouse, 400);
  // `prefix` is an override, not a default: the server decides where the warehouse's catalog lives, and a
  // client-side prefix naming another catalog would contradict the warehouse asked for.
  return {
    status: 200,
    json: { defaults: {}, overrides: { prefix: record.catalog.name, warehouse }, endpoints: ENDPOINTS },
  };
}

function catalogFor(core: EmulatorCore, name: string, malformed: 400 | 404): LakehouseCatalogRecord {
  if (!CATALOG_NAME.test(name)) {
    if (malformed === 400) throw badRequest(`warehouse: "${name}" is not projects/{project}/catalogs/{catalog}.`);
    throw new IcebergError(404, 'NotFoundException', `No catalog ${name}.`);
  }
  const record = core.lakehouse.find(name);
  if (!record) throw new IcebergError(404, 'NoSuchWarehouseException', `Catalog ${name} does not exist.`);
  if (record.catalog.type !== 'ICEBERG') {
    throw badRequest(
      `Catalog ${name} is a Hive catalog: BigLake serves it on /hive/v1, not as an Iceberg REST catalog.`,
    );
  }
  return record;
}

function namespaceTables(catalog: LakehouseCatalogRecord, namespace: string) {
  return entryOf(catalog.namespaces, namespace);
}

function requireNamespace(catalog: LakehouseCatalogRecord, namespace: string) {
  const tables = namespaceTables(catalog, namespace);
  if (!tables) throw new IcebergError(404, 'NoSuchNamespaceException', `Namespace does not exist: ${namespace}`);
  return tables;
}

function tableOf(catalog: LakehouseCatalogRecord, namespace: string, name: string): LakehouseIcebergTable {
  const table = entryOf(requireNamespace(catalog, namespace), name);
  if (!table) throw new IcebergError(404, 'NoSuchTableException', `Table does not exist: ${namespace}.${name}`);
  return table;
}

/** pageToken / pageSize as the spec names them; the token is the offset, opaque to clients. */
function page<T>(items: readonly T[], query: URLSearchParams): { items: T[]; next?: string } {
  const sizeRaw = query.get('pageSize');
  if (sizeRaw !== null && !/^[1-9]\d*$/.test(sizeRaw)) throw badRequest('pageSize: must be a positive integer.');
  const size = sizeRaw === null ? DEFAULT_PAGE_SIZE : Math.min(Number(sizeRaw), DEFAULT_PAGE_SIZE);
  const token = query.get('pageToken');
  // An empty token is a first page: Java's client sends `pageToken=` to ask for paging.
  let offset = 0;
  if (token) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded) throw badRequest('pageToken: not a token this catalog issued.');
    offset = Number(decoded[1]);
  }
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { next: Buffer.from(`o${end}`).toString('base64url') } : {}),
  };
}

function listNamespaces(catalog: LakehouseCatalogRecord, query: URLSearchParams): SurfaceReply {
  const parent = query.get('parent');
  // One level only: a namespace has no children, an unknown parent is an error.
  if (parent) {
    requireNamespace(catalog, parent);
    return { status: 200, json: { namespaces: [] } };
  }
  const { items, next } = page(sortedNames(catalog.namespaces), query);
  return { status: 200, json: { namespaces: items.map((ns) => [ns]), ...(next ? { 'next-page-token': next } : {}) } };
}

function createNamespace({ core, body }: SurfaceRequest, catalog: LakehouseCatalogRecord): SurfaceReply {
  const parsed = CreateNamespaceSchema.safeParse(jsonBody(body));
  if (!parsed.success) throw fromZodIssues(parsed.error);
  const [namespace] = parsed.data.namespace as [string];
  if (namespaceTables(catalog, namespace)) {
    throw new IcebergError(409, 'AlreadyExistsException', `Namespace already exists: ${namespace}`);
  }
  core.lakehouse.icebergNamespace(catalog, namespace, true);
  const properties = parsed.data.properties ?? {};
  if (Object.keys(properties).length > 0) {
    catalog.namespaceProperties ??= Object.create(null) as Record<string, Record<string, string>>;
    catalog.namespaceProperties[namespace] = properties;
  }
  return { status: 200, json: { namespace: [namespace], properties } };
}

function getNamespace(catalog: LakehouseCatalogRecord, namespace: string): SurfaceReply {
  requireNamespace(catalog, namespace);
  const properties = catalog.namespaceProperties ? (entryOf(catalog.namespaceProperties, namespace) ?? {}) : {};
  return { status: 200, json: { namespace: [namespace], properties } };
}

function dropNamespace(core: EmulatorCore, catalog: LakehouseCatalogRecord, namespace: string): SurfaceReply {
  if (Object.keys(requireNamespace(catalog, namespace)).length > 0) {
    throw new IcebergError(409, 'NamespaceNotEmptyException', `Namespace is not empty: ${namespace}`);
  }
  core.lakehouse.deleteIcebergNamespace(catalog, namespace);
  return { status: 204 };
}

function listTables(catalog: LakehouseCatalogRecord, namespace: string, query: URLSearchParams): SurfaceReply {
  const { items, next } = page(sortedNames(requireNamespace(catalog, namespace)), query);
  return {
    status: 200,
    json: {
      identifiers: items.map((name) => ({ namespace: [namespace], name })),
      ...(next ? { 'next-page-token': next } : {}),
    },
  };
}

function createTable({ core, body }: SurfaceRequest, catalog: LakehouseCatalogRecord, namespace: string): SurfaceReply {
  const parsed = CreateTableSchema.safeParse(jsonBody(body));
  if (!parsed.success) throw fromZodIssues(parsed.error);
  const request = parsed.data;
  const tables = requireNamespace(catalog, namespace);
  if (entryOf(tables, request.name)) {
    throw new IcebergError(409, 'AlreadyExistsException', `Table already exists: ${namespace}.${request.name}`);
  }
  const location = tableLocation(catalog.catalog, namespace, {
    name: request.name,
    ...(request.location ? { location: request.location } : {}),
  });
  // Lakehouse registers no table outside the Cloud Storage prefixes its catalog covers.
  if (!covers(catalog.catalog, location)) {
    throw new IcebergError(
      403,
      'ForbiddenException',
      `location: ${location} is outside the locations catalog ${catalog.catalog.name} covers.`,
    );
  }
  const table: LakehouseIcebergTable = {
    name: request.name,
    metadataLocation: `${location}/metadata/00000-${randomUUID()}.metadata.json`,
    location,
    columns: request.schema.fields.map((field) => ({ name: field.name, type: hiveTypeOf(field.type) })),
    properties: request.properties ?? {},
    updateTime: iso(core.now()),
    // Kept without the nulls a client may send for absent members, so loads answer what the spec allows.
    schema: withoutNulls({ ...request.schema, 'schema-id': request.schema['schema-id'] ?? 0 }),
  };
  tables[request.name] = table;
  return { status: 200, json: loadTableResult(catalog.catalog, namespace, table) };
}

function dropTable(catalog: LakehouseCatalogRecord, namespace: string, name: string): SurfaceReply {
  tableOf(catalog, namespace, name);
  const tables = requireNamespace(catalog, namespace);
  delete tables[name];
  return { status: 204 };
}

function withoutNulls<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v === null ? undefined : v))) as Record<
    string,
    unknown
  >;
}

function jsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
}
