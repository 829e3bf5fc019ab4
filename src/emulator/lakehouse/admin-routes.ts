// Admin API methods for Lakehouse catalogs (/_emulator/catalogs…): a test seeds the targets an outgoing
// migration needs, of either type, with the Cloud Storage prefixes they cover.
import { z } from 'zod';
import { parseBody } from '../context';
import type { ApiDeps } from '../dispatch';
import { CatalogBodySchema, createCatalog, deleteCatalog } from './catalogs';
import { CatalogSeedSchema, seedCatalog } from './seed';

type AdminHandler = (deps: ApiDeps, body: unknown, query: URLSearchParams) => unknown;

const NameBodySchema = z.object({ name: z.string().min(1) }).strict();

export const LAKEHOUSE_ADMIN_ROUTES: Record<string, AdminHandler> = {
  // ?project=projects/p narrows the list to one project; ?contents=true answers each catalog with what it holds
  // ({catalog, databases, namespaces}): what a backfill wrote, at a glance.
  'GET catalogs': ({ core }, _body, query) => {
    const project = query.get('project');
    const records = project ? core.lakehouse.list(project) : core.lakehouse.dump();
    if (query.get('contents') === 'true') return { catalogs: JSON.parse(JSON.stringify(records)) as unknown };
    return { catalogs: records.map((record) => record.catalog) };
  },
  'POST catalogs': ({ core }, body) => {
    const { name, type, locations } = parseBody(CatalogBodySchema, body);
    return structuredClone(createCatalog(core, name, type, locations).catalog);
  },
  // Databases (HIVE) or namespaces (ICEBERG) with tables, added to an existing catalog; answers the catalog's contents.
  'POST catalogs:seed': ({ core }, body) => {
    const record = seedCatalog(core, parseBody(CatalogSeedSchema, body));
    return JSON.parse(JSON.stringify(record)) as unknown;
  },
  // Removes the catalog with everything in it.
  'POST catalogs:remove': ({ core }, body) => {
    deleteCatalog(core, parseBody(NameBodySchema, body).name);
    return {};
  },
};
