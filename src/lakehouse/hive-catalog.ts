// BigLake's Hive catalog API (google.cloud.biglake.hive.v1.HiveMetastoreService under /hive/v1), the reads a
// backfill's verification needs: the catalog, its databases, a database's tables (paged), one table, and a table's
// partitions (a server-streaming method: its messages arrive as one JSON array).
import type { z } from 'zod';
import {
  HiveCatalogSchema,
  ListHiveDatabasesResponseSchema,
  ListHiveTablesResponseSchema,
  ListPartitionsResponseSchema,
  HiveTableSchema,
} from '../schemas/lakehouse-catalogs';
import type { HiveTable } from '../schemas/lakehouse-catalogs';
import { catalogPath, segment } from './catalog-names';
import type { LakehouseHttp } from './http';

export interface ListOptions {
  /** Asked of the server per page; the server may send fewer. */
  pageSize?: number;
  /** Stop once this many items are read (a readability check needs one page, not the catalog). */
  first?: number;
  signal?: AbortSignal;
}

export class HiveCatalogClient {
  constructor(private readonly http: LakehouseHttp) {}

  getCatalog(catalog: string, { signal }: ListOptions = {}): Promise<z.infer<typeof HiveCatalogSchema>> {
    return this.http.get({
      method: 'hive.catalogs.get',
      resource: catalog,
      path: `hive/v1/${catalogPath(catalog)}`,
      schema: HiveCatalogSchema,
      signal,
    });
  }

  /** Database ids (the last segment of each name), every page. */
  async listDatabases(catalog: string, { pageSize, first, signal }: ListOptions = {}): Promise<string[]> {
    const databases = await this.http.all(
      {
        method: 'hive.databases.list',
        resource: catalog,
        path: `hive/v1/${catalogPath(catalog)}/databases`,
        params: { pageSize },
        schema: ListHiveDatabasesResponseSchema,
        signal,
      },
      (page) => ({ items: page.databases ?? [], next: page.nextPageToken }),
      { first },
    );
    return databases.map((d) => lastSegment(d.name));
  }

  /** The database's tables, every page; each with its id (`table`) beside what the API sent. */
  async listTables(
    catalog: string,
    database: string,
    { pageSize, signal }: ListOptions = {},
  ): Promise<(HiveTable & { table: string })[]> {
    const tables = await this.http.all(
      {
        method: 'hive.tables.list',
        resource: `${catalog}/databases/${database}`,
        path: `hive/v1/${catalogPath(catalog)}/databases/${segment(database)}/tables`,
        params: { pageSize },
        schema: ListHiveTablesResponseSchema,
        signal,
      },
      (page) => ({ items: page.tables ?? [], next: page.nextPageToken }),
    );
    return tables.map((t) => ({ ...t, table: lastSegment(t.name) }));
  }

  getTable(catalog: string, database: string, table: string, { signal }: ListOptions = {}): Promise<HiveTable> {
    return this.http.get({
      method: 'hive.tables.get',
      resource: `${catalog}/databases/${database}/tables/${table}`,
      path: `hive/v1/${catalogPath(catalog)}/databases/${segment(database)}/tables/${segment(table)}`,
      schema: HiveTableSchema,
      signal,
    });
  }

  /** How many partitions the table has (the values are not kept: a table may have millions). */
  async countPartitions(catalog: string, database: string, table: string, { signal }: ListOptions = {}) {
    const messages = await this.http.get({
      method: 'hive.partitions.list',
      resource: `${catalog}/databases/${database}/tables/${table}`,
      path: `hive/v1/${catalogPath(catalog)}/databases/${segment(database)}/tables/${segment(table)}/partitions:list`,
      schema: ListPartitionsResponseSchema,
      signal,
    });
    const list = Array.isArray(messages) ? messages : [messages];
    return list.reduce((total, message) => total + (message.partitions?.length ?? 0), 0);
  }
}

function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
