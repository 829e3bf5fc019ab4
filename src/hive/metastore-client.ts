// A Hive Metastore Thrift client (binary protocol, buffered transport: what HMS and DPMS serve by default) over the
// Apache `thrift` package and the code generated from ./hive_metastore.thrift. Promise-based, with a bound on every
// call; a dropped connection fails the calls in flight instead of leaving them pending.
import thrift from 'thrift';
import * as ThriftHiveMetastore from './gen/ThriftHiveMetastore';
import type { Database, Function as HiveFunction, Table } from './gen/hive_metastore_types';

export type { Database, HiveFunction, Table };

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** A call that failed: the server's MetaException / NoSuchObjectException, or the connection (code set). */
export class HiveMetastoreError extends Error {
  override readonly name = 'HiveMetastoreError';
  constructor(
    message: string,
    /** 'NoSuchObjectException', 'MetaException', 'TApplicationException', or a socket code like 'ECONNREFUSED'. */
    readonly kind: string,
  ) {
    super(message);
  }
}

export interface HiveMetastoreClient {
  readonly endpoint: string;
  getAllDatabases(): Promise<string[]>;
  getDatabase(name: string): Promise<Database>;
  getAllTables(database: string): Promise<string[]>;
  getTable(database: string, table: string): Promise<Table>;
  getTableObjectsByName(database: string, tables: string[]): Promise<Table[]>;
  /** All partition names (`max_parts` -1), e.g. 'dt=2026-01-01/hr=00'. */
  getPartitionNames(database: string, table: string): Promise<string[]>;
  getAllFunctions(): Promise<HiveFunction[]>;
  close(): void;
}

/** Parses 'thrift://host:port'. */
export function parseThriftUri(uri: string): { host: string; port: number } {
  const match = /^thrift:\/\/([^:/]+):(\d{1,5})\/?$/.exec(uri);
  if (!match) throw new HiveMetastoreError(`'${uri}' is not a thrift://host:port endpoint`, 'InvalidEndpoint');
  return { host: match[1] as string, port: Number(match[2]) };
}

type Callback<T> = (err: unknown, value: T) => void;
// The generated client's methods as they are called here: arguments, then a callback. (Its promise form needs the
// `Q` library, which the current `thrift` package no longer bundles.)
type Raw = Record<string, (...args: unknown[]) => void>;

/** Connects (TCP, then nothing until the first call: Thrift has no handshake). */
export async function connectHiveMetastore(
  endpointUri: string,
  { callTimeoutMs = DEFAULT_CALL_TIMEOUT_MS }: { callTimeoutMs?: number } = {},
): Promise<HiveMetastoreClient> {
  const { host, port } = parseThriftUri(endpointUri);
  const connection = thrift.createConnection(host, port, {
    transport: thrift.TBufferedTransport,
    protocol: thrift.TBinaryProtocol,
    connect_timeout: CONNECT_TIMEOUT_MS,
  });
  const pending = new Set<(err: Error) => void>();
  let broken: HiveMetastoreError | undefined;
  const fail = (err: HiveMetastoreError) => {
    broken ??= err;
    for (const reject of pending) reject(err);
    pending.clear();
  };
  connection.on('error', (err: NodeJS.ErrnoException) =>
    fail(new HiveMetastoreError(`Hive metastore at ${host}:${port}: ${err.message}`, err.code ?? 'ConnectionError')),
  );
  connection.on('close', () =>
    fail(new HiveMetastoreError(`Hive metastore at ${host}:${port} closed the connection`, 'ConnectionClosed')),
  );
  await new Promise<void>((resolve, reject) => {
    connection.once('connect', () => resolve());
    pending.add(reject);
  });
  pending.clear();
  const raw = thrift.createClient(ThriftHiveMetastore, connection) as unknown as Raw;

  const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (broken) return reject(broken);
      const timer = setTimeout(
        () => settle(new HiveMetastoreError(`${method} took longer than ${callTimeoutMs} ms`, 'Timeout')),
        callTimeoutMs,
      );
      const settle = (err: unknown, value?: T) => {
        clearTimeout(timer);
        pending.delete(settle);
        if (err) reject(asHiveError(method, err));
        else resolve(value as T);
      };
      pending.add(settle);
      const callback: Callback<T> = (err, value) => settle(err, value);
      raw[method]?.(...args, callback);
    });

  return {
    endpoint: `${host}:${port}`,
    getAllDatabases: () => call('get_all_databases'),
    getDatabase: (name) => call('get_database', name),
    getAllTables: (database) => call('get_all_tables', database),
    getTable: (database, table) => call('get_table', database, table),
    getTableObjectsByName: (database, tables) => call('get_table_objects_by_name', database, tables),
    getPartitionNames: (database, table) => call('get_partition_names', database, table, -1),
    getAllFunctions: async () =>
      (await call<{ functions?: HiveFunction[] | null }>('get_all_functions')).functions ?? [],
    close: () => {
      broken ??= new HiveMetastoreError('the client was closed', 'ConnectionClosed');
      connection.end();
    },
  };
}

function asHiveError(method: string, err: unknown): HiveMetastoreError {
  if (err instanceof HiveMetastoreError) return err;
  const kind = (err as { name?: string })?.name ?? 'Error';
  const message = (err as { message?: string })?.message ?? String(err);
  return new HiveMetastoreError(`${method}: ${kind}: ${message}`, kind);
}
