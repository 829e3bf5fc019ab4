// Starting the Metastore emulator in tests, and small HTTP helpers for talking to it.
import type { StartMigrationRequest } from '../../src/schemas';
import { createEmulator, demoService, type Emulator, type EmulatorOptions } from '../../src/emulator/server';

export type { Emulator } from '../../src/emulator/server';
export { DEMO_SERVICE_NAME, demoService } from '../../src/emulator/server';

/** Plaintext passwords used by validStartRequest(): tests grep responses to prove they never come back. */
export const CONNECTION_PASSWORD = 'conn-Secret-4f1c9e27';
export const CDC_PASSWORD = 'cdc-Secret-a83b60d5';

/** An emulator on a free 127.0.0.1 port whose operations take 50 ms. Close it in `after`. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return createEmulator({ port: 0, operationDelayMs: 50, ...options });
}

/** Response bodies are read loosely in tests; assertions check their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface JsonResponse<T = Json> {
  status: number;
  body: T;
  /** The raw response text (for asserting what is *not* in it). */
  text: string;
  headers: Headers;
}

/** One JSON request to the emulator; `path` is relative to the root, e.g. `/v1/projects/…`. */
export async function call<T = Json>(
  emulator: Pick<Emulator, 'url'>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, text, headers: response.headers };
}

/** Calls the admin API (`/_emulator/{path}`, POST when a body is given); throws unless it answers 200. */
export async function admin<T = Json>(
  emulator: Pick<Emulator, 'url'>,
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
): Promise<T> {
  const response = await call<T>(emulator, method, `/_emulator/${path}`, body);
  if (response.status !== 200) throw new Error(`admin ${method} ${path} → ${response.status}: ${response.text}`);
  return response.body;
}

/** Polls an operation every 10 ms until it is done (or fails after `timeoutMs`); returns it. */
export async function waitForOperation<T = Json>(
  emulator: Pick<Emulator, 'url'>,
  name: string,
  { version = 'v1', timeoutMs = 5000 } = {},
): Promise<T & { done: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body, text } = await call<T & { done: boolean }>(emulator, 'GET', `/${version}/${name}`);
    if (status !== 200) throw new Error(`operations.get ${name} → ${status}: ${text}`);
    if (body.done) return body;
    if (Date.now() > deadline) throw new Error(`operation ${name} not done after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Polls `read` every 10 ms until `done(value)` holds; returns that value, or throws after `timeoutMs`. */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 5000, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** GET /v1/{name} and return the body (any status). */
export async function getResource(emulator: Pick<Emulator, 'url'>, name: string): Promise<Json> {
  return (await call(emulator, 'GET', `/v1/${name}`)).body;
}

/** Polls a resource until its `state` is `state`. */
export function waitForState(emulator: Pick<Emulator, 'url'>, name: string, state: string, timeoutMs = 5000) {
  return until(
    () => getResource(emulator, name),
    (body) => body?.state === state,
    { timeoutMs, what: `${name} ${state}` },
  );
}

let seeded = 0;

/** Seeds a fresh ACTIVE SPANNER service (unique name) through the admin API and returns its name. */
export async function seedSpannerService(
  emulator: Pick<Emulator, 'url'>,
  overrides: Record<string, unknown> = {},
  project = 'test-project',
): Promise<string> {
  seeded += 1;
  const name = `projects/${project}/locations/us-central1/services/emu-${process.pid}-${seeded}`;
  await admin(emulator, 'services', { ...demoService(), name, ...overrides });
  return name;
}

/** POST {service}:startMigration with `body` (a valid request by default). */
export function startMigration(
  emulator: Pick<Emulator, 'url'>,
  service: string,
  body: unknown = validStartRequest(),
  version = 'v1',
): Promise<JsonResponse> {
  return call(emulator, 'POST', `/${version}/${service}:startMigration`, body);
}

/** A complete, valid StartMigrationRequest body with plaintext passwords (127.0.0.1 only). */
export function validStartRequest(overrides: Partial<StartMigrationRequest> = {}): StartMigrationRequest {
  return {
    migrationExecution: {
      cloudSqlMigrationConfig: {
        cloudSqlConnectionConfig: {
          instanceConnectionName: 'demo-project:us-central1:hive-mysql',
          ipAddress: '127.0.0.1',
          port: 3306,
          hiveDatabaseName: 'hive',
          username: 'hive',
          password: CONNECTION_PASSWORD,
          proxySubnet: 'projects/demo-project/regions/us-central1/subnetworks/proxy',
          natSubnet: 'projects/demo-project/regions/us-central1/subnetworks/nat',
        },
        cdcConfig: {
          vpcNetwork: 'projects/demo-project/locations/global/networks/default',
          subnetIpRange: '10.0.0.0/29',
          reverseProxySubnet: 'projects/demo-project/regions/us-central1/subnetworks/reverse-proxy',
          username: 'datastream',
          password: CDC_PASSWORD,
          bucket: 'demo-cdc-bucket',
          rootPath: '/migration',
        },
      },
    },
    ...overrides,
  };
}
