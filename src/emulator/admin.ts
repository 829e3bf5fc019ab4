// The emulator's control API for tests and rehearsals, under /_emulator/ (no clash with /v1…). JSON in and
// out, errors in the same google.rpc shape as the REST API. Never subject to --require-token.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ServiceSchema } from '../schemas/api';
import type { ApiDeps, Reply } from './dispatch';
import { errorReply } from './dispatch';
import { parseBody } from './context';
import { DurationsUpdateSchema } from './durations';
import { ApiError } from './errors';
import { SecretVersionBodySchema } from './iam-and-secrets';
import { type EventAction, ScheduledEventSchema, applyAction } from './events';
import { FaultSchema, OperationFaultSchema } from './fault-schemas';
import { GCS_ADMIN_ROUTES } from './gcs/admin-routes';
import { LAKEHOUSE_ADMIN_ROUTES } from './lakehouse/admin-routes';
import { CopyFaultSchema } from './hive-endpoints';
import { parseJson, readBody } from './http';
import { renderOperation } from './operations';
import { decodePath } from './routes';
import { ScenarioSchema, applyScenario } from './scenario';
import { NewerApiOverlaySchema } from './newer-api';
import { SETTABLE_STATES, seedService } from './service-admin';
import { cancelExecution } from './state-machine';
import { isActive } from './store';
import { cancelOutgoing } from './outgoing/user-actions';
import { OUTGOING_ADMIN_ROUTES } from './outgoing/admin-routes';

export const ADMIN_PREFIX = '/_emulator/';

const IamBodySchema = z.object({ denied: z.array(z.string().regex(/^[a-z]+\.[a-zA-Z]+\.[a-zA-Z]+$/)) }).strict();

export type AdminHandler = (deps: ApiDeps, body: unknown, query: URLSearchParams) => unknown;

const ActionBodySchema = z
  .object({
    name: z.string().min(1),
    /** Absent: at once (the answer is the changed resource). Present: scheduled (the answer is the event). */
    afterMs: z.number().int().min(0).optional(),
    stateMessage: z.string().optional(),
    state: z.enum(SETTABLE_STATES).optional(),
    failMigration: z.boolean().optional(),
    resumeAfterMs: z.number().int().min(0).optional(),
  })
  .strict();

/** An admin action on a service or an execution, now or after `afterMs` (see events.ts). */
function action(kind: EventAction, target: 'service' | 'execution'): AdminHandler {
  return ({ core, events }, body) => {
    const { name, afterMs, ...rest } = parseBody(ActionBodySchema, body);
    const event = parseBody(ScheduledEventSchema, { action: kind, trigger: 'now', [target]: name, ...rest });
    if (afterMs === undefined) return applyAction(core, event, { [target]: name });
    const scheduled = { ...event, afterMs };
    events.arm(scheduled);
    return { scheduled };
  };
}

/** GET lists, POST adds, DELETE clears: the shape of every armed-things collection. */
function collection<T>(
  name: string,
  schema: z.ZodType<T>,
  store: (deps: ApiDeps) => { add(item: T): void; list(): unknown; clear(): void },
): Record<string, AdminHandler> {
  return {
    [`GET ${name}`]: (deps) => ({ [listKey(name)]: store(deps).list() }),
    [`POST ${name}`]: (deps, body) => {
      const item = parseBody(schema, body);
      store(deps).add(item);
      return item;
    },
    [`DELETE ${name}`]: (deps) => {
      store(deps).clear();
      return {};
    },
  };
}

function listKey(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

const ROUTES: Record<string, AdminHandler> = {
  'GET health': () => ({ ok: true }),
  'GET stats': ({ core }) => core.stats.snapshot(),
  // ?since=EPOCH_MS&method=services.completeMigration&resourcePrefix=projects/p1/ — newest million kept.
  'GET requests': ({ core }, _body, query) => ({
    requests: core.stats.requestLog({
      since: query.has('since') ? Number(query.get('since')) : undefined,
      method: query.get('method') ?? undefined,
      resourcePrefix: query.get('resourcePrefix') ?? undefined,
    }),
  }),
  'GET iam': ({ core }) => ({ denied: core.iam.list() }),
  'POST iam': ({ core }, body) => {
    core.iam.deny(parseBody(IamBodySchema, body).denied);
    return { denied: core.iam.list() };
  },
  'DELETE iam': ({ core }) => {
    core.iam.deny([]);
    return { denied: [] };
  },
  'POST secrets': ({ core }, body) => {
    const { secret, value } = parseBody(SecretVersionBodySchema, body);
    return core.secrets.add(secret, value);
  },
  'DELETE secrets': ({ core }) => {
    core.secrets.clear();
    return {};
  },
  // Answered once the service's Thrift listener is bound, so the answer carries its endpointUri.
  'POST services': async ({ core }, body) => {
    const { name } = seedService(core, parseBody(ServiceSchema, body));
    await core.hive?.open(name);
    return structuredClone(core.store.service(name).service);
  },
  'POST services:remove': action('removeService', 'service'),
  'POST services:error': action('serviceError', 'service'),
  'POST services:setState': action('setServiceState', 'service'),
  'POST executions:fail': action('failExecution', 'execution'),
  'POST executions:awaitUserAction': action('awaitUserAction', 'execution'),
  'POST executions:resume': action('resumeExecution', 'execution'),
  // As if someone pressed Cancel in the Cloud console: the same rules and operation as cancelMigration.
  'POST executions:cancel': ({ core }, body) => {
    const record = core.store.execution(parseBody(z.object({ name: z.string().min(1) }).strict(), body).name);
    const cancel = record.outgoing && isActive(record.execution) ? cancelOutgoing : cancelExecution;
    return renderOperation(cancel(core, record, 'v1'), 'v1');
  },
  ...collection('faults', FaultSchema, ({ core }) => ({
    add: (fault) => core.faults.add(fault),
    list: () => core.faults.list(),
    clear: () => core.faults.clear(),
  })),
  ...collection('operation-faults', OperationFaultSchema, ({ core }) => ({
    add: (fault) => core.faults.addOperationFault(fault),
    list: () => core.faults.listOperationFaults(),
    clear: () => core.faults.clearOperationFaults(),
  })),
  // Objects the next cutover copies leave out or get wrong (hive-endpoints.ts).
  ...collection('copy-faults', CopyFaultSchema, ({ core }) => ({
    add: (fault) => core.hive?.addFault(fault),
    list: () => core.hive?.listFaults() ?? [],
    clear: () => core.hive?.clearFaults(),
  })),
  ...collection('events', ScheduledEventSchema, ({ events }) => ({
    add: (event) => events.arm(event),
    list: () => events.list(),
    clear: () => events.clear(),
  })),
  // A newer API revision: any state name, known or not, and unknown fields, served over a resource's own.
  ...collection('newer-api', NewerApiOverlaySchema, ({ core }) => ({
    add: (overlay) => core.newerApi.set(overlay),
    list: () => core.newerApi.list(),
    clear: () => core.newerApi.clear(),
  })),
  'GET durations': ({ core }) => core.durations.snapshot(),
  'POST durations': ({ core }, body) => {
    core.durations.update(parseBody(DurationsUpdateSchema, body));
    return core.durations.snapshot();
  },
  'DELETE durations': ({ core }) => {
    core.durations.reset();
    return core.durations.snapshot();
  },
  // The outgoing kind: Lakehouse catalogs, a service's own metastore, settings, backfill faults, reports.
  ...OUTGOING_ADMIN_ROUTES,
  ...GCS_ADMIN_ROUTES,
  ...LAKEHOUSE_ADMIN_ROUTES,
  'POST scenario': (deps, body) => {
    applyScenario(deps.core, deps.events, parseBody(ScenarioSchema, body));
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
    const body: unknown = await handler(deps, parseJson(raw), url.searchParams);
    if (req.method !== 'GET') deps.core.changed();
    return { status: 200, body };
  } catch (error) {
    if (error instanceof ApiError) return errorReply(error);
    throw error;
  }
}
