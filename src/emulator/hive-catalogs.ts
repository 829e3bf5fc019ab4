// What an emulated service's Hive Thrift endpoint answers from: during a migration, the source's MySQL itself
// (DPMS runs its metastore against Cloud SQL while replicating); otherwise its own metadata, a copy taken at
// cutover (standing in for Spanner). Both answer by name, as the Thrift API does.
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import type { HiveInventory } from '../hive/inventory';
import { entryOf, sortedNames } from '../hive/inventory';

export interface CatalogTable {
  name: string;
  database: string;
  type: string;
  columns: { name: string; type: string }[];
  partitionKeys: { name: string; type: string }[];
  /** Table parameters and storage location, where the metastore keeps them (a seeded one; Iceberg tables). */
  parameters?: Record<string, string>;
  location?: string;
}

/** `undefined` = no such object (the endpoint answers NoSuchObjectException). */
export interface HiveCatalog {
  databases(): Promise<string[]>;
  tables(database: string): Promise<string[] | undefined>;
  table(database: string, table: string): Promise<CatalogTable | undefined>;
  partitionNames(database: string, table: string): Promise<string[] | undefined>;
  /** [database, function name] pairs. */
  functions(): Promise<[string, string][]>;
  close(): Promise<void>;
}

const splitNameType = (value: string) => {
  const space = value.indexOf(' ');
  return { name: value.slice(0, space), type: value.slice(space + 1) };
};

export function inventoryCatalog(inventory: HiveInventory): HiveCatalog {
  return {
    databases: async () => sortedNames(inventory.databases),
    tables: async (database) => {
      const tables = entryOf(inventory.databases, database);
      return tables && sortedNames(tables);
    },
    table: async (database, name) => {
      const tables = entryOf(inventory.databases, database);
      const entry = tables && entryOf(tables, name);
      if (!entry) return undefined;
      return {
        name,
        database,
        type: entry.type,
        columns: entry.columns.map(splitNameType),
        partitionKeys: entry.partitionKeys.map(splitNameType),
        ...(entry.parameters ? { parameters: { ...entry.parameters } } : {}),
        ...(entry.location !== undefined ? { location: entry.location } : {}),
      };
    },
    partitionNames: async (database, name) => {
      const tables = entryOf(inventory.databases, database);
      return tables && entryOf(tables, name)?.partitions.slice();
    },
    functions: async () =>
      inventory.functions.map((fn): [string, string] => {
        const dot = fn.indexOf('.');
        return [fn.slice(0, dot), fn.slice(dot + 1)];
      }),
    close: async () => {},
  };
}

export interface MysqlCatalogOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Queries the source's Hive schema on every call, through a small pool (DPMS's sessions on the source). */
export function mysqlCatalog(options: MysqlCatalogOptions): HiveCatalog {
  const pool: Pool = createPool({ ...options, connectionLimit: 4, connectTimeout: 5_000 });
  pool.on('connection', (connection) => connection.on('error', () => undefined));
  const rows = async (sql: string, values: unknown[] = []) => {
    const [result] = await pool.query<RowDataPacket[]>({ sql, rowsAsArray: true }, values);
    return result as unknown as unknown[][];
  };
  const tableId = async (database: string, table: string) => {
    const [row] = await rows(
      `SELECT t.TBL_ID, t.TBL_TYPE, t.SD_ID FROM TBLS t JOIN DBS d ON d.DB_ID = t.DB_ID
       WHERE d.CTLG_NAME = 'hive' AND d.NAME = ? AND t.TBL_NAME = ?`,
      [database, table],
    );
    return row as [number, string, number] | undefined;
  };
  return {
    databases: async () => (await rows(`SELECT NAME FROM DBS WHERE CTLG_NAME = 'hive'`)).map(([n]) => String(n)).sort(),
    tables: async (database) => {
      const [db] = await rows(`SELECT DB_ID FROM DBS WHERE CTLG_NAME = 'hive' AND NAME = ?`, [database]);
      if (!db) return undefined;
      return (await rows(`SELECT TBL_NAME FROM TBLS WHERE DB_ID = ?`, [db[0]])).map(([n]) => String(n)).sort();
    },
    table: async (database, name) => {
      const found = await tableId(database, name);
      if (!found) return undefined;
      const [id, type, sdId] = found;
      const columns = await rows(
        `SELECT c.COLUMN_NAME, c.TYPE_NAME FROM SDS s JOIN COLUMNS_V2 c ON c.CD_ID = s.CD_ID
         WHERE s.SD_ID = ? ORDER BY c.INTEGER_IDX`,
        [sdId],
      );
      const keys = await rows(`SELECT PKEY_NAME, PKEY_TYPE FROM PARTITION_KEYS WHERE TBL_ID = ? ORDER BY INTEGER_IDX`, [
        id,
      ]);
      const pair = ([n, t]: unknown[]) => ({ name: String(n), type: String(t) });
      return { name, database, type: String(type ?? ''), columns: columns.map(pair), partitionKeys: keys.map(pair) };
    },
    partitionNames: async (database, name) => {
      const found = await tableId(database, name);
      if (!found) return undefined;
      return (await rows(`SELECT PART_NAME FROM PARTITIONS WHERE TBL_ID = ?`, [found[0]]))
        .map(([n]) => String(n))
        .sort();
    },
    functions: async () =>
      (
        await rows(`SELECT d.NAME, f.FUNC_NAME FROM FUNCS f JOIN DBS d ON d.DB_ID = f.DB_ID WHERE d.CTLG_NAME = 'hive'`)
      ).map(([d, f]): [string, string] => [String(d), String(f)]),
    close: () => pool.end(),
  };
}
