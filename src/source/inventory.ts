// The source's Hive inventory in one pass of SQL over the Hive schema (3.x: DBS, TBLS, SDS, COLUMNS_V2,
// PARTITION_KEYS, PARTITIONS, FUNCS), all read in one consistent snapshot so the tables and their partitions are
// of the same moment. Names only, never internal ids. Databases of the default catalog ('hive') only, which is
// what a Thrift client lists.
import type { RowDataPacket } from 'mysql2/promise';
import type { HiveInventory, TableInventory } from '../hive/inventory';
import { byName, emptyInventory } from '../hive/inventory';
import { describeSourceError, openSourceConnection } from './connection';
import type { SourceConnectionOptions } from './types';

/** Reading 500,000 partition names takes seconds; the bound is for a server that stops answering. */
const INVENTORY_QUERY_TIMEOUT_MS = 300_000;

export class SourceInventoryError extends Error {
  override readonly name = 'SourceInventoryError';
}

export async function readSourceInventory(options: SourceConnectionOptions): Promise<HiveInventory> {
  let connection;
  try {
    connection = await openSourceConnection(options, { useDatabase: true });
  } catch (err) {
    throw new SourceInventoryError(describeSourceError(err, options));
  }
  connection.on('error', () => undefined);
  const rows = async (sql: string) => {
    const [result] = await connection.query<RowDataPacket[]>({
      sql,
      rowsAsArray: true,
      timeout: options.queryTimeoutMs ?? INVENTORY_QUERY_TIMEOUT_MS,
    });
    return result as unknown as unknown[][];
  };
  try {
    await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const catalogColumn =
      (
        await rows(
          `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'DBS' AND COLUMN_NAME = 'CTLG_NAME'`,
        )
      ).length > 0;
    const hasFunctions =
      (await rows(`SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'FUNCS'`))
        .length > 0;
    const catalog = catalogColumn ? `WHERE d.CTLG_NAME = 'hive'` : '';
    const databases = await rows(`SELECT d.DB_ID, d.NAME FROM DBS d ${catalog}`);
    const tables = await rows(
      `SELECT t.TBL_ID, t.DB_ID, t.TBL_NAME, t.TBL_TYPE FROM TBLS t JOIN DBS d ON d.DB_ID = t.DB_ID ${catalog}`,
    );
    const columns = await rows(
      `SELECT t.TBL_ID, c.COLUMN_NAME, c.TYPE_NAME FROM TBLS t JOIN SDS s ON s.SD_ID = t.SD_ID
       JOIN COLUMNS_V2 c ON c.CD_ID = s.CD_ID ORDER BY t.TBL_ID, c.INTEGER_IDX`,
    );
    const keys = await rows(`SELECT TBL_ID, PKEY_NAME, PKEY_TYPE FROM PARTITION_KEYS ORDER BY TBL_ID, INTEGER_IDX`);
    const partitions = await rows(`SELECT TBL_ID, PART_NAME FROM PARTITIONS`);
    const functions = hasFunctions
      ? await rows(`SELECT d.NAME, f.FUNC_NAME FROM FUNCS f JOIN DBS d ON d.DB_ID = f.DB_ID ${catalog}`)
      : [];
    await connection.query('COMMIT');
    return assemble({ databases, tables, columns, keys, partitions, functions });
  } catch (err) {
    if (err instanceof SourceInventoryError) throw err;
    throw new SourceInventoryError(
      `reading the Hive inventory from '${options.database}': ${describeSourceError(err, options)}`,
    );
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

interface InventoryRows {
  databases: unknown[][];
  tables: unknown[][];
  columns: unknown[][];
  keys: unknown[][];
  partitions: unknown[][];
  functions: unknown[][];
}

function assemble(rows: InventoryRows): HiveInventory {
  const inventory = emptyInventory();
  const databaseNames = new Map<string, string>();
  for (const [id, name] of rows.databases) {
    databaseNames.set(String(id), String(name));
    inventory.databases[String(name)] = byName();
  }
  const byId = new Map<string, TableInventory>();
  for (const [id, databaseId, name, type] of rows.tables) {
    const database = databaseNames.get(String(databaseId));
    if (database === undefined) continue;
    const entry: TableInventory = { type: String(type ?? ''), columns: [], partitionKeys: [], partitions: [] };
    (inventory.databases[database] as Record<string, TableInventory>)[String(name)] = entry;
    byId.set(String(id), entry);
  }
  for (const [id, name, type] of rows.columns) byId.get(String(id))?.columns.push(`${String(name)} ${String(type)}`);
  for (const [id, name, type] of rows.keys) byId.get(String(id))?.partitionKeys.push(`${String(name)} ${String(type)}`);
  for (const [id, name] of rows.partitions) byId.get(String(id))?.partitions.push(String(name));
  for (const entry of byId.values()) entry.partitions.sort();
  inventory.functions = rows.functions.map(([database, name]) => `${String(database)}.${String(name)}`).sort();
  return inventory;
}
