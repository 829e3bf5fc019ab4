// The emulator's control API for tests and demos, under /_emulator/ (no clash with /v1…). JSON in and out,
// errors in the same google.rpc shape as the REST API.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ServiceSchema } from '../schemas/api';
import type { ApiDeps, Reply } from './dispatch';
import { errorReply } from './dispatch';
import { parseBody } from './context';
import { ApiError } from './errors';
import { FaultSchema } from './faults';
import { parseJson, readBody } from './http';
import { renderOperation } from './operations';
import { decodePath } from './routes';
import { removeService, seedService } from './service-lifecycle';
import { awaitUserAction, cancelExecution, failExecution, resumeExecution } from './state-machine';

export const ADMIN_PREFIX = '/_emulator/';

const NameSchema = z.object({ name: z.string().min(1) }).strict();
const NameMessageSchema = z.object({ name: z.string().min(1), stateMessage: z.string().optional() }).strict();

type AdminHandler = (deps: ApiDeps, body: unknown) => unknown;

const ROUTES: Record<string, AdminHandler> = {
  'GET health': () => ({ ok: true }),
  'GET stats': ({ faults }) => faults.stats(),
  'POST services': ({ core }, body) => seedService(core, parseBody(ServiceSchema, body)),
  'POST services:remove': ({ core }, body) => {
    removeService(core, parseBody(NameSchema, body).name);
    return {};
  },
  'POST executions:fail': ({ core }, body) => {
    const { name, stateMessage } = parseBody(NameMessageSchema, body);
    return failExecution(core, name, stateMessage ?? 'The migration pipeline failed (injected by the emulator).');
  },
  // As if someone pressed Cancel in the Cloud console: the same rules and operation as cancelMigration.
  'POST executions:cancel': ({ core }, body) => {
    const record = core.store.execution(parseBody(NameSchema, body).name);
    return renderOperation(cancelExecution(core, record, 'v1'), 'v1');
  },
  'POST executions:awaitUserAction': ({ core }, body) => {
    const { name, stateMessage } = parseBody(NameMessageSchema, body);
    return awaitUserAction(core, name, stateMessage ?? 'Waiting for the user to fix the migration setup.');
  },
  'POST executions:resume': ({ core }, body) => resumeExecution(core, parseBody(NameSchema, body).name),
  'GET faults': ({ faults }) => ({ faults: faults.list() }),
  'POST faults': ({ faults }, body) => {
    const fault = parseBody(FaultSchema, body);
    faults.add(fault);
    return fault;
  },
  'DELETE faults': ({ faults }) => {
    faults.clear();
    return {};
  },
};

export async function handleAdminRequest(deps: ApiDeps, req: IncomingMessage, url: URL): Promise<Reply> {
  const raw = await readBody(req);
  const path = decodePath(url.pathname.slice(ADMIN_PREFIX.length)) ?? '';
  const handler = ROUTES[`${req.method ?? 'GET'} ${path}`];
  if (!handler) {
    return errorReply(new ApiError('NOT_FOUND', `No admin method ${req.method} ${url.pathname}`, 'METHOD_NOT_FOUND'));
  }
  deps.core.scheduler.advance();
  try {
    return { status: 200, body: handler(deps, parseJson(raw)) };
  } catch (error) {
    if (error instanceof ApiError) return errorReply(error);
    throw error;
  }
}
