// A Hive Metastore Thrift server (binary protocol, buffered transport, as HMS serves by default) answering the
// read calls of src/hive/hive_metastore.thrift from a catalog chosen at each call. Unknown methods get the
// standard TApplicationException from the generated processor, as a real server answers a call it lacks.
import type { AddressInfo, Server, Socket } from 'node:net';
import thrift from 'thrift';
import * as ThriftHiveMetastore from '../hive/gen/ThriftHiveMetastore';
import * as ttypes from '../hive/gen/hive_metastore_types';
import type { CatalogTable, HiveCatalog } from './hive-catalogs';

type Done<T> = (err: unknown, value?: T) => void;

export interface HiveThriftServer {
  port: number;
  close(): Promise<void>;
}

/** `catalog()` is asked at every call, so the answers follow the migration (live source, then the copy). */
export async function startHiveThriftServer(
  catalog: () => Promise<HiveCatalog>,
  { host = '127.0.0.1', port = 0 }: { host?: string; port?: number } = {},
): Promise<HiveThriftServer> {
  // The generated processor calls a handler with a callback only when the handler declares one more parameter
  // than the method has arguments (otherwise it expects a promise, through the `Q` library the current package no
  // longer bundles): so each handler's length is set to the method's arity + 1.
  const answer = <A extends unknown[], T>(arity: number, work: (c: HiveCatalog, ...args: A) => Promise<T>) =>
    Object.defineProperty(
      (...args: [...A, Done<T>]) => {
        const done = args.pop() as Done<T>;
        catalog()
          .then((c) => work(c, ...(args as unknown as A)))
          .then(
            (value) => done(null, value),
            (err: unknown) => done(asThriftError(err)),
          );
      },
      'length',
      { value: arity + 1 },
    );
  const missing = (what: string) => new ttypes.NoSuchObjectException({ message: `${what} not found` });
  const handler = {
    get_all_databases: answer(0, (c) => c.databases()),
    get_database: answer(1, async (c, name: string) => {
      if (!(await c.databases()).includes(name)) throw missing(`database ${name}`);
      return new ttypes.Database({ name, description: '', locationUri: '', parameters: {} } as ttypes.Database);
    }),
    get_all_tables: answer(1, async (c, database: string) => (await c.tables(database)) ?? []),
    get_table: answer(2, async (c, database: string, name: string) => {
      const table = await c.table(database, name);
      if (!table) throw missing(`table ${database}.${name}`);
      return toTable(table);
    }),
    get_table_objects_by_name: answer(2, async (c, database: string, names: string[]) => {
      const tables = await Promise.all(names.map((name) => c.table(database, name)));
      return tables.filter((t): t is CatalogTable => t !== undefined).map(toTable);
    }),
    get_partition_names: answer(3, async (c, database: string, name: string, maxParts: number) => {
      const names = await c.partitionNames(database, name);
      if (!names) throw missing(`table ${database}.${name}`);
      return maxParts >= 0 ? names.slice(0, maxParts) : names;
    }),
    get_all_functions: answer(
      0,
      async (c) =>
        new ttypes.GetAllFunctionsResponse({
          functions: (await c.functions()).map(
            ([dbName, functionName]) =>
              new ttypes.Function({ functionName, dbName, functionType: ttypes.FunctionType.JAVA } as ttypes.Function),
          ),
        }),
    ),
  };
  const server = thrift.createServer(ThriftHiveMetastore, handler as never, {
    transport: thrift.TBufferedTransport,
    protocol: thrift.TBinaryProtocol,
  }) as unknown as Server;
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function toTable(table: CatalogTable): ttypes.Table {
  const field = (c: { name: string; type: string }) =>
    new ttypes.FieldSchema({ name: c.name, type: c.type, comment: '' });
  return new ttypes.Table({
    tableName: table.name,
    dbName: table.database,
    tableType: table.type,
    sd: new ttypes.StorageDescriptor({
      cols: table.columns.map(field),
      ...(table.location !== undefined ? { location: table.location } : {}),
    } as ttypes.StorageDescriptor),
    partitionKeys: table.partitionKeys.map(field),
    parameters: { ...table.parameters },
  } as ttypes.Table);
}

/** The metastore's own exceptions pass as they are; anything else (the source unreachable) is a MetaException. */
function asThriftError(err: unknown): unknown {
  if (err instanceof ttypes.NoSuchObjectException || err instanceof ttypes.MetaException) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ttypes.MetaException({ message });
}
