// createEmulator(): a local Dataproc Metastore REST API (the managed-migration surface) on node:http.
// Wiring only: routing, handlers, the state machine, faults and persistence live in their own modules.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceSchema } from '../schemas/api';
import { ADMIN_PREFIX, handleAdminRequest } from './admin';
import { createCore, type EmulatorCore } from './core';
import { type ApiDeps, errorReply, handleApiRequest, type Reply } from './dispatch';
import type { DurationOverrides } from './durations';
import { ApiError } from './errors';
import { Events } from './events';
import { sendJson } from './http';
import { randomSeed } from './rng';
import { type Scenario, applyScenario } from './scenario';
import { type SeedService } from './seed';
import { seedService } from './service-admin';
import { HiveEndpoints } from './hive-endpoints';
import { createSourceVerifier } from './source-verifier';
import { StateFile } from './state-file';
import { GcsReportSink } from './gcs/store';
import { serveSurface } from './surfaces';
import { runTransition } from './transitions';
import type { VerifyStart } from './verify-start';
import type { OutgoingSettings } from './outgoing/controls';
import type { ReportSink } from './lakehouse/store';

export { DEMO_SERVICE_NAME, demoService, type SeedService } from './seed';
export type { VerifyStart, VerifyStartInput, VerifyStartResult } from './verify-start';

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How long each long-running operation takes unless `durations` says otherwise; default 1000. */
  operationDelayMs?: number;
  /** Per-method durations and `replication` (STARTING → RUNNING), in ms; see durations.ts. */
  durations?: DurationOverrides;
  /** Seed of the fault-rate RNG; default: the scenario's, else random (reported by GET /_emulator/stats). */
  seed?: number;
  /** Services created ACTIVE at start (skipped when the state file already has one of that name). */
  services?: SeedService[];
  /** Applied at start after the services: faults, events, more services; its seed and durations yield to the options. */
  scenario?: Scenario;
  /** Accept only `Authorization: Bearer <requireToken>` on the REST API (401 without, 403 with another). */
  requireToken?: string;
  /** Keep the API's state in this JSON file across restarts (see state-file.ts). */
  stateFile?: string;
  /** A source check awaited while each migration is STARTING (see verify-start.ts). */
  verifyStart?: VerifyStart;
  /**
   * `--verify-source`: when no `verifyStart` is given, check the start's Cloud SQL source for real (connection,
   * Hive schema against the service's Hive version, CDC readiness; see source-verifier.ts).
   */
  verifySource?: boolean;
  /**
   * Serve each service's Hive Metastore Thrift API on a port of its own (`endpointUri`; see hive-endpoints.ts);
   * default true. A fleet benchmark with thousands of services turns it off.
   */
  hiveThrift?: boolean;
  /** The host named in each endpointUri; default `host` (127.0.0.1 when that is 0.0.0.0). Listeners bind `host`. */
  thriftHost?: string;
  /** Where migration reports are written (lakehouse/store.ts's ReportSink); default an in-memory one. */
  reports?: ReportSink;
  /** The outgoing kind's undocumented choices (outgoing/controls.ts); they win over a scenario's `outgoing`. */
  outgoing?: Partial<OutgoingSettings>;
  /** Called once per request with a line like `POST /v1/… 200 services.startMigration` (no bodies). */
  log?: (line: string) => void;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** e.g. 127.0.0.1:PORT, the METASTORE_EMULATOR_HOST value */
  host: string;
  port: number;
  /** The fault-rate RNG seed in use. */
  seed: number;
  close(): Promise<void>;
}

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const { scenario } = options;
  const seed = options.seed ?? scenario?.seed ?? randomSeed();
  const { default: scenarioDefault, ...scenarioDurations } = scenario?.durations ?? {};
  const core = createCore({
    delayMs: options.operationDelayMs ?? scenarioDefault ?? 1000,
    durations: { ...scenarioDurations, ...options.durations },
    seed,
    verifyStart:
      options.verifyStart ??
      (options.verifySource
        ? createSourceVerifier((service) => core.store.services.get(service)?.service.hiveMetastoreConfig?.version)
        : undefined),
    runTransition,
  });
  // Reports land in the Cloud Storage stand-in that the same port serves (gcs/json-api.ts).
  core.reports = new GcsReportSink(core.storage, () => core.changed());
  if (options.hiveThrift ?? true) {
    const bind = options.host ?? '127.0.0.1';
    const advertised = options.thriftHost ?? (bind === '0.0.0.0' ? '127.0.0.1' : bind);
    core.hive = new HiveEndpoints(core, { bind, advertised });
  }
  const events = new Events(core);
  core.onMigrationStarted = (service, execution) => events.migrationStarted(service, execution);
  const stateFile = options.stateFile === undefined ? undefined : new StateFile(options.stateFile, core);
  stateFile?.load();
  seedAll(core, options.services ?? []);
  if (scenario) applyScenario(core, events, scenario, true);
  if (options.outgoing) core.outgoing.startWith(options.outgoing);
  if (options.reports) core.reports = options.reports;
  if (stateFile) {
    core.changed = () => stateFile.markDirty();
    stateFile.flush();
  }
  // Listeners for services from the state file (new ports: the endpointUri moves, as after a DPMS restart).
  // Without Thrift endpoints no service has one: a saved endpointUri would name a port nobody serves.
  if (!core.hive) for (const { service } of core.store.services.values()) delete service.endpointUri;
  await Promise.all([...core.store.services.keys()].map((name) => core.hive?.open(name)));
  const wakers = new Set<() => void>();
  const deps = createDeps(core, events, options.requireToken, wakers);
  const server = createServer((req, res) => {
    void respond(deps, req, res, options.log);
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const hostName = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostName}:${port}`,
    host: `${hostName}:${port}`,
    port,
    seed,
    close: async () => {
      // Persist first: closing the scheduler drops the pending transitions the state file must keep.
      stateFile?.close();
      core.scheduler.close();
      for (const wake of wakers) wake();
      await core.hive?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function createDeps(
  core: EmulatorCore,
  events: Events,
  requireToken: string | undefined,
  wakers: Set<() => void>,
): ApiDeps {
  return {
    core,
    events,
    requireToken,
    delay: (ms) => wait(wakers, afterMs(ms)),
    hang: (req) => wait(wakers, onSocketClose(req)),
  };
}

function seedAll(core: EmulatorCore, services: readonly SeedService[]): void {
  for (const seed of services) {
    const service = ServiceSchema.parse(seed);
    if (!core.store.services.has(service.name)) seedService(core, service);
  }
}

/**
 * A promise that `start` settles (it gets the resolver and may return a cleanup) or close() settles early;
 * either way it is forgotten, so a held or hung request never keeps close() waiting.
 */
function wait(wakers: Set<() => void>, start: (wake: () => void) => (() => void) | undefined): Promise<void> {
  return new Promise((resolve) => {
    // `start` may wake synchronously, before its cleanup exists: hence the holder and the second check.
    const held: { woken: boolean; cleanup?: (() => void) | undefined } = { woken: false };
    const wake = () => {
      if (held.woken) return;
      held.woken = true;
      wakers.delete(wake);
      held.cleanup?.();
      resolve();
    };
    wakers.add(wake);
    held.cleanup = start(wake);
    if (held.woken) held.cleanup?.();
  });
}

function afterMs(ms: number): (wake: () => void) => () => void {
  return (wake) => {
    const timer = setTimeout(wake, ms);
    return () => clearTimeout(timer);
  };
}

/** The socket, not the request: IncomingMessage emits 'close' once its body is read, not when the client leaves. */
function onSocketClose(req: IncomingMessage): (wake: () => void) => (() => void) | undefined {
  return (wake) => {
    const { socket } = req;
    if (socket.destroyed) {
      wake();
      return undefined;
    }
    socket.once('close', wake);
    return () => socket.off('close', wake);
  };
}

async function respond(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, log?: (line: string) => void) {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const served = await serveSurface(deps.core, req, res, url);
  if (served !== undefined) {
    log?.(`${req.method} ${url.pathname} ${served}`);
    return;
  }
  let reply: Reply;
  try {
    reply = url.pathname.startsWith(ADMIN_PREFIX)
      ? await handleAdminRequest(deps, req, url)
      : await handleApiRequest(deps, req, url);
  } catch (error) {
    reply = error instanceof ApiError ? errorReply(error) : internalError(error);
  }
  // The client gave up (a latency or hang fault outlived its timeout), or a hang fault says: answer nothing.
  if (res.destroyed || reply.unanswered) return;
  const pretty = url.searchParams.get('prettyPrint') !== 'false';
  sendJson(res, reply.status, reply.body, { pretty, headers: reply.headers ?? {} });
  log?.(`${req.method} ${url.pathname} ${reply.status}${reply.method ? ` ${reply.method}` : ''}`);
}

function internalError(error: unknown): Reply {
  // Our own messages never carry request values, so the stack is safe to print.
  console.error('metastore emulator: unexpected error', error);
  return errorReply(new ApiError('INTERNAL', 'Internal error in the emulator.', 'EMULATOR_BUG'));
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
