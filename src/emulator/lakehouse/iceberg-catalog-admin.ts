// BigLake's Iceberg catalog admin (google.cloud.biglake.v1.IcebergCatalogService, the `extensions` paths):
// create, get, list and delete Iceberg catalogs. JSON names are the proto's json_name (kebab-case: `catalog-type`,
// `default-location`, `iceberg-catalogs`), as BigLake serves them.
import { z } from 'zod';
import { invalidArgument } from '../errors';
import { listPage } from '../list-query';
import type { SurfaceReply, SurfaceRequest } from '../surface-types';
import { CATALOG_ID_PATTERN, GcsPrefixSchema, catalogOfType, createCatalog, deleteCatalog } from './catalogs';
import { googleReply, methodNotFound, parseJsonBody, queryOf } from './google-surface';
import type { LakehouseCatalog } from './store';

const CreateIcebergCatalogSchema = z
  .object({
    name: z.string().optional(),
    'catalog-type': z.enum(['CATALOG_TYPE_BIGLAKE', 'CATALOG_TYPE_GCS_BUCKET']),
    'credential-mode': z.enum(['CREDENTIAL_MODE_END_USER', 'CREDENTIAL_MODE_VENDED_CREDENTIALS']).optional(),
    'default-location': GcsPrefixSchema.optional(),
    description: z.string().max(1024).optional(),
  })
  .strict();

export function handleIcebergCatalogAdmin(request: SurfaceRequest, rest: string): SurfaceReply {
  return googleReply(() => {
    const { method, url, core, body } = request;
    const match = /^(projects\/[^/]+)\/catalogs(?:\/([^/]+))?$/.exec(rest);
    if (!match) throw methodNotFound(method, url.pathname);
    const [, parent, id] = match as unknown as [string, string, string | undefined];
    if (id === undefined && method === 'GET') {
      const query = queryOf(url.searchParams, ['pageSize', 'pageToken']);
      const catalogs = core.lakehouse.list(parent).filter((r) => r.catalog.type === 'ICEBERG');
      const params = { pageSize: query.get('pageSize'), pageToken: query.get('pageToken') };
      const page = listPage(catalogs, params, {}, parent);
      return {
        'iceberg-catalogs': page.items.map((r) => renderIcebergCatalog(r.catalog)),
        ...(page.nextPageToken ? { 'next-page-token': page.nextPageToken } : {}),
      };
    }
    if (id === undefined && method === 'POST') {
      const query = queryOf(url.searchParams, [
        'iceberg-catalog-id',
        'icebergCatalogId',
        'primary_location',
        'primaryLocation',
      ]);
      const catalogId = query.get('iceberg-catalog-id') ?? query.get('icebergCatalogId');
      if (!catalogId || !CATALOG_ID_PATTERN.test(catalogId)) {
        throw invalidArgument(
          'iceberg-catalog-id: required; letters, digits, "_", "-" or "." (at most 63).',
          'INVALID_ARGUMENT',
          [{ field: 'iceberg-catalog-id', description: 'required, a valid catalog id' }],
        );
      }
      const input = parseJsonBody(CreateIcebergCatalogSchema, body);
      // A bucket catalog is named after its bucket and covers it.
      const location =
        input['default-location'] ??
        (input['catalog-type'] === 'CATALOG_TYPE_GCS_BUCKET' ? `gs://${catalogId}` : undefined);
      const record = createCatalog(core, `${parent}/catalogs/${catalogId}`, 'ICEBERG', location ? [location] : []);
      record.catalog.icebergCatalogType = input['catalog-type'];
      if (input.description) record.catalog.description = input.description;
      return renderIcebergCatalog(record.catalog);
    }
    const name = `${parent}/catalogs/${id}`;
    queryOf(url.searchParams, []);
    if (method === 'GET') return renderIcebergCatalog(catalogOfType(core, name, 'ICEBERG').catalog);
    if (method === 'DELETE') {
      deleteCatalog(core, name, 'ICEBERG');
      return {};
    }
    throw methodNotFound(method, url.pathname);
  });
}

export function renderIcebergCatalog(catalog: LakehouseCatalog) {
  return {
    name: catalog.name,
    'credential-mode': 'CREDENTIAL_MODE_END_USER',
    'catalog-type': catalog.icebergCatalogType ?? 'CATALOG_TYPE_BIGLAKE',
    ...(catalog.locations[0] ? { 'default-location': catalog.locations[0] } : {}),
    'create-time': catalog.createTime,
    'update-time': catalog.createTime,
    ...(catalog.description ? { description: catalog.description } : {}),
  };
}
