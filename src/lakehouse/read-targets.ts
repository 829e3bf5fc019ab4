// What the target catalogs hold of the databases / namespaces a backfill was to fill: per Hive table its partition
// count, per Iceberg table its metadata location. Only the databases the expected tables live in are read, with
// the requests bounded by the HTTP pool; a catalog, database or namespace the API does not know reads as empty
// (the comparison then names what is missing).
import { MetastoreApiError } from '../metastore/errors';
import type { LakehouseAccess } from './access';
import type { ExpectedTable } from './backfill-scope';
import { mapLimit } from './http';

export interface TargetTable {
  /** Hive: partitions registered in the catalog. */
  partitions?: number;
  /** Iceberg: the table's current metadata file. */
  metadataLocation?: string;
}

/** catalog → database/namespace → table → what it holds; a database absent = not in the catalog. */
export type TargetContents = Map<string, Map<string, Map<string, TargetTable>>>;

/** Databases read at once; each fans out its tables' reads through the same bounded pool. */
const DATABASES_AT_ONCE = 4;
const TABLES_AT_ONCE = 16;

export async function readTargetContents(
  access: LakehouseAccess,
  expected: readonly ExpectedTable[],
  { signal, onProgress }: { signal?: AbortSignal; onProgress?: (tablesRead: number) => void } = {},
): Promise<TargetContents> {
  const wanted = new Map<string, ExpectedTable>();
  for (const table of expected) wanted.set(`${table.kind}|${table.catalog}|${table.database}`, table);
  const contents: TargetContents = new Map();
  let tablesRead = 0;
  await mapLimit([...wanted.values()], DATABASES_AT_ONCE, async ({ kind, catalog, database }) => {
    const tables = new Map<string, TargetTable>();
    const names = await absentAsEmpty(() =>
      kind === 'HIVE'
        ? access.hive.listTables(catalog, database, { signal }).then((list) => list.map((t) => t.table))
        : access.iceberg.listTables(catalog, database, { signal }),
    );
    if (names === undefined) return;
    await mapLimit(names, TABLES_AT_ONCE, async (table) => {
      tables.set(
        table,
        kind === 'HIVE' ? await hiveTable(catalog, database, table) : await icebergTable(catalog, database, table),
      );
      tablesRead += 1;
      if (tablesRead % 100 === 0) onProgress?.(tablesRead);
    });
    let databases = contents.get(catalog);
    if (!databases) contents.set(catalog, (databases = new Map()));
    databases.set(database, tables);
  });
  onProgress?.(tablesRead);
  return contents;

  async function hiveTable(catalog: string, database: string, table: string): Promise<TargetTable> {
    // Dropped between the listing and this read: counted as held with no partitions rather than failing the read.
    const partitions = await absentAsEmpty(() => access.hive.countPartitions(catalog, database, table, { signal }));
    return { partitions: partitions ?? 0 };
  }

  async function icebergTable(catalog: string, namespace: string, table: string): Promise<TargetTable> {
    const loaded = await absentAsEmpty(() => access.iceberg.loadTable(catalog, namespace, table, { signal }));
    const metadataLocation = loaded?.['metadata-location'];
    return metadataLocation === undefined ? {} : { metadataLocation };
  }
}

/** The read's value, or undefined when the API says the object does not exist. */
async function absentAsEmpty<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof MetastoreApiError && err.status === 'NOT_FOUND') return undefined;
    throw err;
  }
}
