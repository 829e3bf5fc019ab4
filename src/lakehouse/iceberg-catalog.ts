// BigLake's Iceberg REST catalog (the Apache Iceberg REST spec under /iceberg/v1/restcatalog). As any Iceberg REST
// client does, it asks `GET /v1/config?warehouse=projects/p/catalogs/c` first and scopes every later path by the
// `prefix` the server answers (cached per catalog); namespaces have one level in BigLake.
import type { z } from 'zod';
import {
  IcebergConfigResponseSchema,
  ListIcebergNamespacesResponseSchema,
  ListIcebergTablesResponseSchema,
  LoadIcebergTableResponseSchema,
} from '../schemas/lakehouse-catalogs';
import { isCatalogName, segment } from './catalog-names';
import type { ListOptions } from './hive-catalog';
import type { LakehouseHttp } from './http';
import { MetastoreContractError } from '../metastore/errors';
import { ZodError } from 'zod';

const BASE = 'iceberg/v1/restcatalog/v1';

export class IcebergCatalogClient {
  private readonly prefixes = new Map<string, Promise<string>>();

  constructor(private readonly http: LakehouseHttp) {}

  /** The catalog's config; fails (400 / 404 from the server) when the warehouse is no Iceberg catalog. */
  config(catalog: string, { signal }: ListOptions = {}): Promise<z.infer<typeof IcebergConfigResponseSchema>> {
    if (!isCatalogName(catalog)) throw new Error(`'${catalog}' is not a catalog name (projects/{p}/catalogs/{c})`);
    return this.http.get({
      method: 'iceberg.config',
      resource: catalog,
      path: `${BASE}/config`,
      params: { warehouse: catalog },
      schema: IcebergConfigResponseSchema,
      signal,
    });
  }

  async listNamespaces(catalog: string, { pageSize, first, signal }: ListOptions = {}): Promise<string[]> {
    const root = await this.root(catalog, signal);
    const namespaces = await this.http.all(
      {
        method: 'iceberg.namespaces.list',
        resource: catalog,
        path: `${root}/namespaces`,
        params: { pageSize },
        schema: ListIcebergNamespacesResponseSchema,
        signal,
      },
      (page) => ({ items: page.namespaces ?? [], next: page['next-page-token'] }),
      { first },
    );
    // One level in BigLake; a deeper one is named as the spec joins levels.
    return namespaces.map((levels) => levels.join('.'));
  }

  async listTables(catalog: string, namespace: string, { pageSize, signal }: ListOptions = {}): Promise<string[]> {
    const root = await this.root(catalog, signal);
    const identifiers = await this.http.all(
      {
        method: 'iceberg.tables.list',
        resource: `${catalog}/namespaces/${namespace}`,
        path: `${root}/namespaces/${segment(namespace)}/tables`,
        params: { pageSize },
        schema: ListIcebergTablesResponseSchema,
        signal,
      },
      (page) => ({ items: page.identifiers ?? [], next: page['next-page-token'] }),
    );
    return identifiers.map((id) => id.name);
  }

  async loadTable(catalog: string, namespace: string, table: string, { signal }: ListOptions = {}) {
    const root = await this.root(catalog, signal);
    return this.http.get({
      method: 'iceberg.tables.load',
      resource: `${catalog}/namespaces/${namespace}/tables/${table}`,
      path: `${root}/namespaces/${segment(namespace)}/tables/${segment(table)}`,
      schema: LoadIcebergTableResponseSchema,
      signal,
    });
  }

  /** The catalog's path root: BASE and the server's `prefix` override (else default), asked once per catalog. */
  private root(catalog: string, signal?: AbortSignal): Promise<string> {
    let prefix = this.prefixes.get(catalog);
    if (!prefix) {
      prefix = this.config(catalog, { signal }).then((config) => {
        const value = config.overrides?.['prefix'] ?? config.defaults?.['prefix'] ?? '';
        // The prefix becomes part of every path: only path-safe segments, never '..'.
        if (value === '') return BASE;
        if (!/^[A-Za-z0-9._:~-]+(\/[A-Za-z0-9._:~-]+)*$/.test(value) || value.split('/').includes('..')) {
          const issue = {
            code: 'custom' as const,
            path: ['overrides', 'prefix'],
            message: 'not a usable path prefix',
            input: value,
          };
          throw new MetastoreContractError('iceberg.config', new ZodError([issue]));
        }
        return `${BASE}/${value}`;
      });
      prefix.catch(() => this.prefixes.delete(catalog));
      this.prefixes.set(catalog, prefix);
    }
    return prefix;
  }
}
