// One REST request: route → count → auth → apply due transitions → faults → handler → (held) response.
import type { IncomingMessage } from 'node:http';
import { type Caller, UNAUTHENTICATED_HEADERS, authenticate, permissionFor } from './auth';
import type { EmulatorCore } from './core';
import type { Handler } from './context';
import { ApiError, errorBody } from './errors';
import type { Events } from './events';
import { faultError } from './faults';
import { migrationHandlers } from './migration-handlers';
import { operationHandlers } from './operation-handlers';
import { accessSecretVersion } from './secret-handlers';
import { QueryParams, parseJson, readBody } from './http';
import { type MethodId, decodePath, matchRoute, type RouteMatch } from './routes';
import { serviceHandlers } from './service-handlers';

const HANDLERS: Record<MethodId, Handler> = {
  ...serviceHandlers,
  ...migrationHandlers,
  ...operationHandlers,
  'secretmanager.versions.access': accessSecretVersion,
};

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  method?: MethodId;
  /** A hang fault: send nothing; the client gave up or the emulator closed. */
  unanswered?: boolean;
}

export interface ApiDeps {
  core: EmulatorCore;
  events: Events;
  /** --require-token: the one bearer token accepted; undefined = any caller. */
  requireToken: string | undefined;
  /** Resolves after `ms`, or at once when the emulator closes. */
  delay(ms: number): Promise<void>;
  /** Resolves when the client closes the connection or the emulator closes. */
  hang(req: IncomingMessage): Promise<void>;
}

export function errorReply(error: ApiError, headers?: Record<string, string>): Reply {
  return { status: error.httpStatus, body: errorBody(error), ...(headers ? { headers } : {}) };
}

export async function handleApiRequest(deps: ApiDeps, req: IncomingMessage, url: URL): Promise<Reply> {
  const raw = await readBody(req);
  const path = decodePath(url.pathname);
  const route = path === undefined ? undefined : matchRoute(req.method ?? 'GET', path);
  if (!route) {
    // Google's front end answers 404 for unknown paths and for a verb a path does not take.
    return errorReply(new ApiError('NOT_FOUND', `Method not found: ${req.method} ${url.pathname}`, 'METHOD_NOT_FOUND'));
  }
  const { core } = deps;
  core.stats.countRequest(route.method, route.resource);
  let caller: Caller;
  try {
    caller = authenticate(deps.requireToken, req, url, route.method, route.resource);
    core.iam.check(permissionFor(route.method), route.resource);
  } catch (error) {
    const headers = error instanceof ApiError && error.httpStatus === 401 ? UNAUTHENTICATED_HEADERS : undefined;
    if (error instanceof ApiError) return { ...errorReply(error, headers), method: route.method };
    throw error;
  }
  core.scheduler.advance();
  const fault = core.faults.forRequest(route.method);
  if (fault?.hang) {
    // Lost on the way: nothing is applied and nothing comes back.
    await deps.hang(req);
    return { status: 0, body: undefined, method: route.method, unanswered: true };
  }
  const injected = fault?.error ? faultError(fault.error) : undefined;
  const reply = injected ? errorReply(injected.error, injected.headers) : run(core, route, url, raw, caller);
  if (!injected && req.method !== 'GET') core.changed();
  if (fault?.latencyMs) await deps.delay(fault.latencyMs);
  return { ...reply, method: route.method };
}

function run(core: EmulatorCore, route: RouteMatch, url: URL, raw: string, caller: Caller): Reply {
  try {
    const query = new QueryParams(url.searchParams, route.query);
    const body = parseJson(raw);
    const handler = HANDLERS[route.method];
    const result = handler({
      core,
      method: route.method,
      version: route.version,
      resource: route.resource,
      query,
      body,
      caller,
    });
    return { status: 200, body: core.newerApi.render(result) };
  } catch (error) {
    if (error instanceof ApiError) return errorReply(error);
    throw error;
  }
}
