// createEmulator(): a local Dataproc Metastore REST API (the managed-migration surface) on node:http.
// Wiring only: routing, handlers and the state machine live in their own modules.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceSchema } from '../schemas/api';
import { ADMIN_PREFIX, handleAdminRequest } from './admin';
import { createCore } from './core';
import { type ApiDeps, errorReply, handleApiRequest, type Reply } from './dispatch';
import { ApiError } from './errors';
import { Faults } from './faults';
import { sendJson } from './http';
import { type SeedService } from './seed';
import { seedService } from './service-lifecycle';

export { DEMO_SERVICE_NAME, demoService, type SeedService } from './seed';

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How long each long-running operation takes; default 1000. */
  operationDelayMs?: number;
  /** Services created ACTIVE at start. */
  services?: SeedService[];
  /** Called once per request with a line like `POST /v1/… 200 services.startMigration` (no bodies). */
  log?: (line: string) => void;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** e.g. 127.0.0.1:PORT, the METASTORE_EMULATOR_HOST value */
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const core = createCore(options.operationDelayMs ?? 1000);
  for (const seed of options.services ?? []) seedService(core, ServiceSchema.parse(seed));
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  const deps: ApiDeps = { core, faults: new Faults(), delay };
  const server = createServer((req, res) => {
    void respond(deps, req, res, options.log);
  });
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const hostName = formatHost(options.host ?? '127.0.0.1');
  return {
    url: `http://${hostName}:${port}`,
    host: `${hostName}:${port}`,
    port,
    close: async () => {
      core.scheduler.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function respond(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, log?: (line: string) => void) {
  const url = new URL(req.url ?? '/', 'http://emulator');
  let reply: Reply;
  try {
    reply = url.pathname.startsWith(ADMIN_PREFIX)
      ? await handleAdminRequest(deps, req, url)
      : await handleApiRequest(deps, req, url);
  } catch (error) {
    reply = error instanceof ApiError ? errorReply(error) : internalError(error);
  }
  if (res.destroyed) return; // the client gave up (e.g. while a delayResponseMs fault held the reply)
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

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
