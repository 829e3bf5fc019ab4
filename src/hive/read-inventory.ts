// Reads a metastore's inventory through its Thrift endpoint, as any Hive client would: databases, then each
// database's table objects in batches, then each partitioned table's partition names, then the functions.
// A few connections work in parallel (a real HMS serves one call at a time per connection).
import type { HiveInventory, TableInventory } from './inventory';
import { byName, emptyInventory } from './inventory';
import type { HiveMetastoreClient, Table } from './metastore-client';
import { connectHiveMetastore } from './metastore-client';

export interface ReadInventoryOptions {
  /** Connections opened to the endpoint; default 4. */
  connections?: number;
  /** Tables asked for per get_table_objects_by_name; default 100. */
  batch?: number;
  callTimeoutMs?: number;
  /**
   * Keep each table's parameters and storage location (TableInventory.parameters / location): the outgoing kind's
   * verification tells Iceberg tables (`table_type=ICEBERG`) from Hive ones by them. Off by default: the cutover
   * record has no use for them.
   */
  keepParameters?: boolean;
  /** Called now and then with what has been read so far (an activity heartbeats with it). */
  onProgress?: (progress: { tables: number; partitions: number }) => void;
}

export async function readMetastoreInventory(
  endpointUri: string,
  { connections = 4, batch = 100, callTimeoutMs, keepParameters = false, onProgress }: ReadInventoryOptions = {},
): Promise<HiveInventory> {
  const clients: HiveMetastoreClient[] = [];
  try {
    for (let i = 0; i < connections; i++) clients.push(await connectHiveMetastore(endpointUri, { callTimeoutMs }));
    const [first] = clients as [HiveMetastoreClient];
    const inventory = emptyInventory();
    const progress = { tables: 0, partitions: 0 };
    const databases = [...(await first.getAllDatabases())].sort();
    // Work items run on whichever connection is free: one per table batch, then one per partitioned table.
    const tableBatches: { database: string; names: string[] }[] = [];
    await inParallel(clients, databases, async (client, database) => {
      const names = [...(await client.getAllTables(database))].sort();
      inventory.databases[database] = byName();
      for (let i = 0; i < names.length; i += batch) tableBatches.push({ database, names: names.slice(i, i + batch) });
    });
    const partitioned: { database: string; table: string; entry: TableInventory }[] = [];
    await inParallel(clients, tableBatches, async (client, { database, names }) => {
      const tables = inventory.databases[database] as Record<string, TableInventory>;
      for (const table of await client.getTableObjectsByName(database, names)) {
        const entry = tableEntry(table, keepParameters);
        tables[table.tableName] = entry;
        progress.tables += 1;
        if (entry.partitionKeys.length > 0) partitioned.push({ database, table: table.tableName, entry });
      }
    });
    await inParallel(clients, partitioned, async (client, { database, table, entry }) => {
      entry.partitions = [...(await client.getPartitionNames(database, table))].sort();
      progress.partitions += entry.partitions.length;
      onProgress?.(progress);
    });
    inventory.functions = (await first.getAllFunctions()).map((fn) => `${fn.dbName}.${fn.functionName}`).sort();
    onProgress?.(progress);
    return inventory;
  } finally {
    for (const client of clients) client.close();
  }
}

function tableEntry(table: Table, keepParameters: boolean): TableInventory {
  const columns = (table.sd?.cols ?? []).map((c) => `${c.name} ${c.type}`);
  const partitionKeys = (table.partitionKeys ?? []).map((c) => `${c.name} ${c.type}`);
  const entry: TableInventory = { type: table.tableType ?? '', columns, partitionKeys, partitions: [] };
  if (keepParameters) {
    if (table.parameters) entry.parameters = { ...table.parameters };
    if (table.sd?.location) entry.location = table.sd.location;
  }
  return entry;
}

/** Runs `work` over `items`, each client taking the next item as soon as it is free. */
async function inParallel<T>(
  clients: HiveMetastoreClient[],
  items: readonly T[],
  work: (client: HiveMetastoreClient, item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(client, item);
      }
    }),
  );
}
