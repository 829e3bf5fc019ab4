// A codec server: the Temporal Web UI (--ui-codec-endpoint) and CLI (--codec-endpoint) POST payloads here to see
// them decoded. Only someone who can reach this port (127.0.0.1 by default) and present the token gets plaintext
// (a token-less server is for local development on loopback only); the keys themselves never leave this process. Protocol: POST /encode and /decode with
// { payloads: [{ metadata: { key: base64 }, data: base64 }] } in and out (Temporal's JSON form of Payloads).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { CodecError } from './aes-gcm-codec';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** 0 = any free port. */
  port?: number;
  host?: string;
  /** Browser origins allowed to call (the Web UI's, e.g. http://127.0.0.1:8233); none = no CORS headers. */
  corsOrigins?: string[];
  /** Who may call: see CodecServerAuth. Required, so that forgetting it cannot mean "anyone". */
  auth: CodecServerAuth;
  /** Serve /encode too (a client that starts workflows through the codec server); default: /decode only. */
  encode?: boolean;
  /**
   * Host headers answered (host:port as the client addressed it). Default: the listening address under its
   * loopback names. A page on another name resolving here (DNS rebinding) is refused.
   */
  allowedHosts?: string[];
}

/**
 * `token`: every request but a CORS preflight carries it, as `Authorization: Bearer <token>` (the Temporal CLI's
 * `--codec-auth`, scripts) or as the password of HTTP Basic credentials (a browser: open the server once, enter the
 * token; with the Web UI's codec "include credentials" setting its requests then carry them). Temporal's Web UI
 * can only forward the user's own OIDC access token (`passAccessToken`) or the browser's credentials
 * (`includeCredentials`); it cannot add a configured header, hence Basic.
 * `noAuthForLocalDev`: no credentials at all, refused unless the server listens on a loopback address.
 */
export type CodecServerAuth = { token: string } | { noAuthForLocalDev: true };

/** At least 32 printable ASCII characters without spaces (`openssl rand -hex 32` gives 64). */
export const TOKEN_PATTERN = /^[\x21-\x7e]{32,1024}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export interface CodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

const JsonPayloadsSchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.string()).nullish(),
      data: z.string().nullish(),
    }),
  ),
});
type JsonPayload = z.infer<typeof JsonPayloadsSchema>['payloads'][number];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  checkAuth(options);
  const origins = new Set(options.corsOrigins ?? []);
  const hosts = new Set<string>(); // filled once the port is known, before any request is answered
  const server = createServer((req, res) => {
    handle(req, res, options, origins, hosts).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : err instanceof CodecError ? 400 : 500;
      // CodecError messages name key ids only; anything unexpected is not echoed to the caller.
      const message = status === 500 ? 'internal error' : (err as Error).message;
      if (status === 500) console.error(`codec server: ${(err as Error).name} on ${req.method} ${req.url}`);
      send(res, status, { message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  for (const host of options.allowedHosts ?? defaultHosts(address, port)) hosts.add(host.toLowerCase());
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    port,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** Refuses a configuration that would let anyone who reaches the port decode; never quotes the token. */
function checkAuth({ auth, host }: CodecServerOptions): void {
  if ('token' in auth) {
    if (!TOKEN_PATTERN.test(auth.token)) {
      throw new Error('the codec server token must be 32-1024 printable ASCII characters without spaces');
    }
  } else if (auth.noAuthForLocalDev !== true || !LOOPBACK_HOSTS.has(host ?? '127.0.0.1')) {
    throw new Error('a codec server without a token listens on a loopback address only (127.0.0.1, ::1)');
  }
}

/** The listening address and, for a loopback or wildcard one, the loopback names, each with the port. */
function defaultHosts(address: string, port: number): string[] {
  const loopback = ['127.0.0.1', 'localhost', '[::1]'];
  const names = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(address) ? loopback : [address];
  return names.map((name) => `${name}:${port}`);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: CodecServerOptions,
  origins: Set<string>,
  hosts: Set<string>,
): Promise<void> {
  // Before anything else: a request addressed to another name (DNS rebinding) or sent by a page of an origin that
  // is not listed gets nothing, not even a CORS-less answer its script cannot read but its request still caused.
  if (!hosts.has((req.headers.host ?? '').toLowerCase())) throw new HttpError(421, 'host not allowed');
  const origin = req.headers.origin;
  if (origin !== undefined && !origins.has(origin)) throw new HttpError(403, 'origin not allowed');
  if (origin !== undefined) {
    res.setHeader('access-control-allow-origin', origin);
    // The Web UI can be set to send cookies/credentials; allowing them for a listed origin is harmless.
    res.setHeader('access-control-allow-credentials', 'true');
  }
  res.setHeader('vary', 'origin');
  const path = new URL(req.url ?? '/', 'http://codec').pathname;
  const operation =
    path === '/decode' ? 'decode' : path === '/encode' && options.encode === true ? 'encode' : undefined;
  // A preflight carries no credentials (browsers never send them on one); it only says what the POST may send.
  if (req.method === 'OPTIONS') return preflight(res, origin, origins);
  // Before routing, so that an unauthenticated caller learns nothing, not even which paths exist.
  if ('token' in options.auth && !authorized(req.headers.authorization, options.auth.token)) {
    // The challenge makes a browser opened on the server ask for the token (any user name, the token as password).
    // Not to a page's cross-origin call: the UI's request gets a plain 401 rather than a login prompt over the UI
    // (headless Chromium even closes the page on one).
    if (origin === undefined) res.setHeader('www-authenticate', 'Basic realm="codec server", charset="UTF-8"');
    throw new HttpError(401, 'missing or wrong credentials');
  }
  // A browser opened on the server to enter the token lands here; its credentials are now cached for the UI.
  if (path === '/' && req.method === 'GET') return send(res, 200, { message: 'codec server: POST /decode' });
  if (operation === undefined) {
    throw new HttpError(404, options.encode ? 'POST /encode or /decode' : 'POST /decode (this server does not encode)');
  }
  if (req.method !== 'POST') throw new HttpError(405, `${req.method} is not allowed; POST /${operation}`);
  // JSON only: a form or text/plain POST is what a page may send without asking first (no CORS preflight).
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'content-type must be application/json');
  }
  const body = JsonPayloadsSchema.safeParse(parseJson(await readBody(req)));
  if (!body.success) throw new HttpError(400, 'expected { "payloads": [{ "metadata": {…}, "data": "…" }] }');
  const payloads = body.data.payloads.map(fromJson);
  const result = await options.codec[operation](payloads);
  send(res, 200, { payloads: result.map(toJson) });
}

/** Browsers ask before a cross-origin POST with JSON, an X-Namespace header and maybe Authorization. */
function preflight(res: ServerResponse, origin: string | undefined, origins: Set<string>): void {
  if (origin === undefined || !origins.has(origin)) throw new HttpError(403, 'origin not allowed');
  res.writeHead(204, {
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type, x-namespace, authorization',
    'access-control-max-age': '600',
  });
  res.end();
}

/** `Bearer <token>`, or `Basic` with the token as password (any user name). */
function authorized(header: string | undefined, token: string): boolean {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (bearer) return sameSecret(bearer[1]!, token);
  const basic = /^Basic\s+([A-Za-z0-9+/]+=*)$/i.exec(header ?? '');
  if (!basic) return false;
  const credentials = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  return colon >= 0 && sameSecret(credentials.slice(colon + 1), token);
}

/** Compares digests, so neither the length nor a prefix of the token leaks through timing. */
function sameSecret(presented: string, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Never quotes the input in the error: a SyntaxError shows a slice of it, which may be a payload. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
}

function fromJson(json: JsonPayload): Payload {
  const metadata = Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]);
  return { metadata: Object.fromEntries(metadata), data: Buffer.from(json.data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata = Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, base64(value)]);
  return { metadata: Object.fromEntries(metadata), data: base64(payload.data) };
}

function base64(bytes: Uint8Array | null | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString('base64');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
