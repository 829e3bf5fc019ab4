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
  /** Hive: column names, in order (types are not compared: BigLake may spell them its own way). */
  columns?: string[];
  /** Hive: partition key names, in order. */
  partitionKeys?: string[];
  /** Iceberg: the table's current metadata file. */
  metadataLocation?: string;
}

/** catalog → database/namespace → table → what it holds; a database absent = not in the catalog. */
export type TargetContents = Map<string, Map<string, Map<string, TargetTable>>>;

/** Databases read at once; each fans out its tables' reads through the same bounded pool. */
const DATABASES_AT_ONCE = 4;
const TABLES_AT_ONCE = 16;

/**
 * Only the expected tables are read in detail (a shared target may hold many more); a Hive table's partitions are
 * listed only when it has partition keys.
 */
export async function readTargetContents(
  access: LakehouseAccess,
  expected: readonly ExpectedTable[],
  { signal, onProgress }: { signal?: AbortSignal; onProgress?: (tablesRead: number) => void } = {},
): Promise<TargetContents> {
  const wanted = new Map<
    string,
    { kind: ExpectedTable['kind']; catalog: string; database: string; tables: Set<string> }
  >();
  for (const { kind, catalog, database, table } of expected) {
    const key = `${kind}|${catalog}|${database}`;
    let entry = wanted.get(key);
    if (!entry) wanted.set(key, (entry = { kind, catalog, database, tables: new Set() }));
    entry.tables.add(table);
  }
  const contents: TargetContents = new Map();
  let tablesRead = 0;
  const progress = () => {
    tablesRead += 1;
    if (tablesRead % 100 === 0) onProgress?.(tablesRead);
  };
  await mapLimit([...wanted.values()], DATABASES_AT_ONCE, async ({ kind, catalog, database, tables: names }) => {
    const held =
      kind === 'HIVE' ? await hiveDatabase(catalog, database, names) : await icebergNamespace(catalog, database, names);
    if (!held) return;
    let databases = contents.get(catalog);
    if (!databases) contents.set(catalog, (databases = new Map()));
    databases.set(database, held);
  });
  onProgress?.(tablesRead);
  return contents;

  async function hiveDatabase(catalog: string, database: string, names: Set<string>) {
    const listed = await absentAsEmpty(() => access.hive.listTables(catalog, database, { signal }));
    if (!listed) return undefined;
    const tables = new Map<string, TargetTable>();
    await mapLimit(
      listed.filter((t) => names.has(t.table)),
      TABLES_AT_ONCE,
      async (table) => {
        const partitionKeys = (table.partitionKeys ?? []).map((k) => k.name);
        // Dropped between the listing and this read: held with no partitions rather than a failed read.
        const partitions =
          partitionKeys.length === 0
            ? 0
            : ((await absentAsEmpty(() => access.hive.countPartitions(catalog, database, table.table, { signal }))) ??
              0);
        const columns = (table.storageDescriptor?.columns ?? []).map((c) => c.name);
        tables.set(table.table, { partitions, columns, partitionKeys });
        progress();
      },
    );
    return tables;
  }

  async function icebergNamespace(catalog: string, namespace: string, names: Set<string>) {
    const listed = await absentAsEmpty(() => access.iceberg.listTables(catalog, namespace, { signal }));
    if (!listed) return undefined;
    const tables = new Map<string, TargetTable>();
    await mapLimit(
      listed.filter((name) => names.has(name)),
      TABLES_AT_ONCE,
      async (name) => {
        const loaded = await absentAsEmpty(() => access.iceberg.loadTable(catalog, namespace, name, { signal }));
        const metadataLocation = loaded?.['metadata-location'];
        tables.set(name, metadataLocation === undefined ? {} : { metadataLocation });
        progress();
      },
    );
    return tables;
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
