// One short-lived MySQL connection per check: connect, run the check, always close. Connection problems become
// the single finding `source.reachable`; nothing that reaches a message may contain the password. The password
// goes only over a channel tls.ts accepts (TLS verified against the request's CA, or the worker's lab opt-out).
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { tlsSettings } from './tls';
import { finding, sourceCheck, type Finding, type SourceCheck, type SourceConnectionOptions } from './types';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
/** How long a polite COM_QUIT may take before the socket is simply destroyed. */
const CLOSE_GRACE_MS = 1_000;

export interface SourceSession {
  /** Runs one statement with the query timeout (values are escaped client-side) and returns its rows. */
  query(sql: string, values?: unknown[]): Promise<RowDataPacket[]>;
}

/**
 * Connects (to `options.database` when `useDatabase`, so a missing database shows up as unreachable), runs
 * `check` and closes the connection. The result starts with a `source.reachable` finding: ok with who we are
 * connected as, or an error and nothing else.
 */
export async function withSourceConnection(
  options: SourceConnectionOptions,
  { useDatabase }: { useDatabase: boolean },
  check: (session: SourceSession) => Promise<Finding[]>,
): Promise<SourceCheck> {
  let connection: Connection;
  try {
    connection = await openSourceConnection(options, { useDatabase });
  } catch (err) {
    return sourceCheck([finding('source.reachable', 'error', describeSourceError(err, options))]);
  }
  // A server that goes away between queries emits 'error' on the connection; the pending query reports it.
  connection.on('error', () => undefined);
  let broken = false;
  try {
    const timeout = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    const query = async (sql: string, values?: unknown[]) => {
      const [rows] = await connection.query<RowDataPacket[]>({ sql, timeout }, values);
      return rows;
    };
    const [who] = await query('SELECT VERSION() AS version, CURRENT_USER() AS user');
    // VERSION() is e.g. '10.11.19-MariaDB-0+deb12u1' or '8.0.39-google'.
    const server = String(who?.version ?? 'unknown version');
    const user = String(who?.user ?? options.user);
    const reachable = finding(
      'source.reachable',
      'ok',
      `connected to ${options.host}:${options.port} as ${user} (${server}) ${channel(options)}`,
    );
    return sourceCheck([reachable, ...(await check({ query }))]);
  } catch (err) {
    if (isConnectionError(err)) {
      broken = true; // lost or timed out: no polite COM_QUIT on a connection that cannot answer
      return sourceCheck([finding('source.reachable', 'error', describeSourceError(err, options))]);
    }
    return sourceCheck([finding('source.query', 'error', describeSourceError(err, options))]);
  } finally {
    if (broken) connection.destroy();
    else await close(connection);
  }
}

/** How the reachable finding says the login went: the operator must see a lab opt-out in every report. */
function channel(options: SourceConnectionOptions): string {
  const tls = options.tls;
  if (tls.mode !== 'verify') return 'without TLS: lab opt-out (METASTORE_MIGRATOR_SOURCE_TLS=off on the worker)';
  const name = tls.serverName ? ` and the name ${tls.serverName}` : ' (host name not checked: no serverName)';
  return `over TLS, the server certificate verified against the configured CA${name}`;
}

/**
 * A connection with `options` (TLS as configured, connect timeout included), with or without the database. Throws
 * without connecting when TLS is required and no CA is configured.
 */
export async function openSourceConnection(
  options: SourceConnectionOptions,
  { useDatabase }: { useDatabase: boolean },
): Promise<Connection> {
  return createConnection({
    host: options.host,
    port: options.port,
    user: options.user,
    password: options.password,
    ...(useDatabase ? { database: options.database } : {}),
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...tlsSettings(options), // last: with a serverName it names the host mysql2 verifies
  });
}

/** The mysql2 / server error code (`ER_ACCESS_DENIED_ERROR`, `ECONNREFUSED`, …), if any. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

function isConnectionError(err: unknown): boolean {
  return CONNECTION_ERROR_CODES.has(errorCode(err) ?? '');
}

/** A one-line explanation of a connection or query failure, naming the user but never the password. */
export function describeSourceError(err: unknown, options: SourceConnectionOptions): string {
  const code = errorCode(err);
  const target = `${options.host}:${options.port}`;
  const user = `'${options.user}'`;
  const messages: Record<string, () => string> = {
    ER_ACCESS_DENIED_ERROR: () =>
      `access denied for user ${user} at ${target}: wrong password, or the user may not connect from this host`,
    ER_DBACCESS_DENIED_ERROR: () => `access denied for user ${user} to database '${options.database}' on ${target}`,
    ER_BAD_DB_ERROR: () => `unknown database '${options.database}' on ${target}`,
    ER_HOST_NOT_PRIVILEGED: () => `${target} does not let this host connect (no matching user@host)`,
    ER_HOST_IS_BLOCKED: () => `${target} has blocked this host after too many connection errors`,
    ER_CON_COUNT_ERROR: () => `${target} has too many connections`,
    ECONNREFUSED: () => `connection refused by ${target}: nothing listens on that port`,
    ETIMEDOUT: () =>
      `no MySQL handshake from ${target} within ${options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms (timeout)`,
    PROTOCOL_SEQUENCE_TIMEOUT: () =>
      `a query to ${target} got no answer within ${options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS} ms (timeout)`,
    EHOSTUNREACH: () => `${target} is unreachable (no route to host)`,
    ENETUNREACH: () => `${target} is unreachable (network unreachable)`,
    ENOTFOUND: () => `cannot resolve host '${options.host}'`,
    EAI_AGAIN: () => `cannot resolve host '${options.host}' (DNS temporarily unavailable)`,
    ECONNRESET: () => `${target} closed the connection`,
    EPIPE: () => `${target} closed the connection`,
    PROTOCOL_CONNECTION_LOST: () => `${target} closed the connection`,
    SOURCE_TLS_NOT_CONFIGURED: () => (err as Error).message,
    // TLS failures come before the login: the password was not sent.
    HANDSHAKE_NO_SSL_SUPPORT: () =>
      `${target} does not offer TLS, which the worker requires: refused before sending the login`,
    HANDSHAKE_SSL_ERROR: () =>
      `TLS to ${target} failed (${err instanceof Error ? err.message : String(err)}); refused before sending the login: the server's certificate must chain to the configured CA (and carry serverName, when given)`,
  };
  const described = code === undefined ? undefined : messages[code]?.();
  const raw = err instanceof Error ? err.message : String(err);
  const message = described ?? `${target}: ${raw}`;
  return redact(`${message} (${code ?? 'no error code'})`, options.password);
}

/** Belt and braces: server and driver messages should never echo a password, but make sure. */
export function redact(text: string, password: string): string {
  return password === '' ? text : text.split(password).join('***');
}

async function close(connection: Connection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // end() settles into a value, so losing the race cannot leave an unhandled rejection behind.
  const ended = connection.end().then(
    () => 'ended' as const,
    () => 'failed' as const, // already broken: nothing polite left to do
  );
  const graceOver = new Promise<'grace-over'>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS, 'grace-over')));
  if ((await Promise.race([ended, graceOver])) !== 'ended') connection.destroy();
  clearTimeout(timer);
}
