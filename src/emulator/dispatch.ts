// One REST request: route → count → apply due transitions → fault → handler → (held) response.
import type { IncomingMessage } from 'node:http';
import type { EmulatorCore } from './core';
import type { Handler } from './context';
import { ApiError, errorBody } from './errors';
import { type Faults, faultError } from './faults';
import { migrationHandlers } from './migration-handlers';
import { operationHandlers } from './operation-handlers';
import { QueryParams, parseJson, readBody } from './http';
import { type MethodId, decodePath, matchRoute, type RouteMatch } from './routes';
import { serviceHandlers } from './service-handlers';

const HANDLERS: Record<MethodId, Handler> = { ...serviceHandlers, ...migrationHandlers, ...operationHandlers };

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  method?: MethodId;
}

export interface ApiDeps {
  core: EmulatorCore;
  faults: Faults;
  /** A tracked timer, cleared by close(). */
  delay(ms: number): Promise<void>;
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
  deps.faults.countRequest(route.method);
  deps.core.scheduler.advance();
  const fault = deps.faults.take(route.method);
  const injected = fault?.error ? faultError(fault.error) : undefined;
  const reply = injected ? errorReply(injected.error, injected.headers) : run(deps.core, route, url, raw);
  if (fault?.delayResponseMs) await deps.delay(fault.delayResponseMs);
  return { ...reply, method: route.method };
}

function run(core: EmulatorCore, route: RouteMatch, url: URL, raw: string): Reply {
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
    });
    return { status: 200, body: result };
  } catch (error) {
    if (error instanceof ApiError) return errorReply(error);
    throw error;
  }
}
