// The Temporal connection, loaded the way the stock `temporal` CLI and every SDK load it (@temporalio/envconfig):
// a TOML profile (TEMPORAL_CONFIG_FILE, default ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE) overridden
// by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*. One
// configuration serves this tool, the temporal CLI and any other client. Errors name the variable or file at fault,
// never a key or certificate's content.
import { readFileSync } from 'node:fs';
import { type Socket, connect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type ClientConfigProfile, loadClientConfigProfile, toClientOptions } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

export interface TemporalConnectionConfig {
  /** host:port the connection goes to. */
  address: string;
  /** Where the address came from, for messages: `TEMPORAL_ADDRESS`, `profile "prod" in FILE`, or the default. */
  addressSource: string;
  namespace: string;
  /** For Connection.connect / NativeConnection.connect (address, tls, apiKey, metadata). */
  connectionOptions: NativeConnectionOptions;
  /** Human summary without secrets, e.g. `TLS (mTLS), API key`. */
  security: string;
}

export class TemporalConfigError extends Error {
  override readonly name = 'TemporalConfigError';
}

/** Which variable or profile field supplies each file envconfig may read: an unreadable one is named by it. */
const FILE_SOURCES = [
  ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'clientCert'],
  ['TEMPORAL_TLS_CLIENT_KEY_PATH', 'clientKey'],
  ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'serverCACert'],
] as const;

export function loadTemporalConnection(env: NodeJS.ProcessEnv = process.env): TemporalConnectionConfig {
  // docker-compose passes `${X:-}` as an empty string: empty is unset.
  const vars = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const configFile = vars.TEMPORAL_CONFIG_FILE;
  if (configFile !== undefined) readableOrThrow(configFile, 'TEMPORAL_CONFIG_FILE');
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: vars });
  } catch (err) {
    throw new TemporalConfigError(profileProblem(err, vars));
  }
  for (const [variable, field] of FILE_SOURCES) {
    const source = profile.tls?.[field];
    if (source && 'path' in source)
      readableOrThrow(source.path, vars[variable] === source.path ? variable : `tls ${field} of the profile`);
  }
  const tlsOn = profile.tls !== undefined && profile.tls.disabled !== true;
  const clientCert = profile.tls?.clientCert !== undefined;
  if (clientCert !== (profile.tls?.clientKey !== undefined) && tlsOn) {
    throw new TemporalConfigError(
      'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or their _DATA forms) go together: mTLS needs both',
    );
  }
  const { connectionOptions, namespace } = toClientOptions(profile);
  const address = connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS;
  const addressSource =
    vars.TEMPORAL_ADDRESS !== undefined
      ? 'TEMPORAL_ADDRESS'
      : profile.address !== undefined
        ? `profile "${vars.TEMPORAL_PROFILE ?? 'default'}"${configFile ? ` in ${configFile}` : ''}`
        : 'the default; set TEMPORAL_ADDRESS';
  const tls = connectionOptions.tls !== undefined && connectionOptions.tls !== false;
  const security = [
    tls ? (clientCert ? 'TLS (mTLS)' : 'TLS') : 'plaintext',
    ...(profile.apiKey !== undefined ? ['API key'] : []),
  ].join(', ');
  return {
    address,
    addressSource,
    namespace: namespace ?? 'default',
    connectionOptions: { ...connectionOptions, address },
    security,
  };
}

function readableOrThrow(path: string, what: string): void {
  try {
    readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new TemporalConfigError(`${what}: cannot read ${path} (${code})`);
  }
}

function profileProblem(err: unknown, vars: Record<string, string>): string {
  const message = err instanceof Error ? err.message : String(err);
  const file = vars.TEMPORAL_CONFIG_FILE ?? 'the default temporal.toml';
  if (/Profile '.*' not found/.test(message)) return `TEMPORAL_PROFILE: ${message.replace('config data', file)}`;
  return `Temporal client configuration (${file}): ${message}`;
}

/** Connecting to Temporal failed; the message says where to and why, in words an engineer can act on. */
export class TemporalConnectError extends Error {
  override readonly name = 'TemporalConnectError';
}

/**
 * The error for a failed connect. grpc-js (the CLI's client) says only "Failed to connect before the deadline", so
 * then the address is probed once more with plain TCP or the same TLS settings, and what that meets (refused, a
 * certificate the CA did not sign, a handshake the server ended) is the message.
 */
export async function connectError(config: TemporalConnectionConfig, err: unknown): Promise<TemporalConnectError> {
  const generic = err instanceof Error && /before the deadline/.test(err.message) && !(err.cause instanceof Error);
  const probed = generic ? await probe(config) : undefined;
  const cause = probed ? new Error(`${(err as Error).message}`, { cause: new Error(probed) }) : err;
  return new TemporalConnectError(describeConnectError(config, cause), { cause: err });
}

const PROBE_TIMEOUT_MS = 3000;
/** After a TLS 1.3 handshake, a server that wanted a client certificate says so in its first record. */
const ALERT_GRACE_MS = 300;

function probe(config: TemporalConnectionConfig): Promise<string> {
  const { host, port } = hostAndPort(config.address);
  const tlsConfig = config.connectionOptions.tls;
  return new Promise((resolve) => {
    let socket: Socket;
    const done = (message: string) => {
      socket.destroy();
      resolve(message);
    };
    if (tlsConfig === undefined || tlsConfig === null || tlsConfig === false) {
      socket = connect({ host, port });
      socket.once('connect', () => done('the port accepts TCP connections, but no Temporal gRPC service answered'));
    } else {
      const options = tlsConfig === true ? {} : tlsConfig;
      const secure = tlsConnect({
        host,
        port,
        servername: options.serverNameOverride ?? (isIP(host) ? undefined : host),
        ca: options.serverRootCACertificate ? Buffer.from(options.serverRootCACertificate) : undefined,
        cert: options.clientCertPair ? Buffer.from(options.clientCertPair.crt) : undefined,
        key: options.clientCertPair ? Buffer.from(options.clientCertPair.key) : undefined,
        ALPNProtocols: ['h2'],
      });
      socket = secure;
      secure.once('secureConnect', () => {
        secure.resume();
        setTimeout(() => done('the TLS handshake succeeds, but no Temporal gRPC service answered'), ALERT_GRACE_MS);
      });
    }
    // OpenSSL's "80…:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:…" → the reason.
    socket.once('error', (e: Error) => done(e.message.replace(/^.*SSL routines:[^:]*:([^:]+):.*$/s, '$1').trim()));
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`));
  });
}

function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(address.slice(colon + 1)) };
}

/**
 * A failed connect said the way an engineer can act on: which address, from where, and what went wrong — instead
 * of the SDK's "Failed to connect before the deadline".
 */
export function describeConnectError(config: TemporalConnectionConfig, err: unknown): string {
  const detail = causeChain(err);
  const where = `Temporal at ${config.address} (${config.addressSource}; ${config.security})`;
  if (/certificate|handshake|tls|ssl|alert|unknown ca|invalid peer|CERT/i.test(detail)) {
    return `TLS with ${where} failed: ${detail}. Check TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME and the client certificate`;
  }
  if (/unauthenticated|permission denied|unauthorized|api key/i.test(detail)) {
    return `${where} refused the credentials: ${detail}. Check TEMPORAL_API_KEY or the client certificate`;
  }
  return `cannot reach ${where}: ${detail}`;
}

function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) {
    if (!parts.includes(e.message)) parts.push(e.message);
  }
  return parts.length ? parts.join(': ') : String(err);
}
