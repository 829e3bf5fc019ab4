// operations.{list,get,cancel,delete}.
import { type Handler, listParams, listResponse, requireEmptyBody } from './context';
import { type FieldSpecs, listPage } from './list-query';
import { type OperationRecord, renderOperation } from './operations';
import type { MethodId } from './routes';
import { iso } from './store';
import { cancelTransition, isCancellable } from './transitions';

const OPERATION_FIELDS: FieldSpecs<OperationRecord> = {
  name: { read: (op) => op.name, sortable: true },
  createTime: { read: (op) => iso(op.createTime), sortable: true },
  done: { read: (op) => String(op.done), values: ['true', 'false'] },
  target: { read: (op) => op.target },
};

const list: Handler = ({ core, resource, query, version }) => {
  const page = listPage(core.operations.list(resource), listParams(query), OPERATION_FIELDS, resource);
  const operations = page.items.map((op) => renderOperation(op, version));
  return listResponse('operations', operations, page.nextPageToken);
};

const get: Handler = ({ core, resource, version }) => renderOperation(core.operations.get(resource), version);

/**
 * Best effort, as documented: `{}` comes back and metadata.requestedCancellation turns true. A running
 * create, update or delete of a service then ends at once with CANCELLED (1) and its change is not applied.
 * A migration's operations are not cancelled this way: Google points to services.cancelMigration, and
 * stopping a start or a cutover halfway is exactly what that method exists to do safely, so they carry on
 * and finish normally (the "no guarantee" the API allows). A finished operation is left as it is.
 */
const cancel: Handler = ({ core, resource, body }) => {
  requireEmptyBody(body);
  const op = core.operations.get(resource);
  if (op.done) return {};
  op.requestedCancellation = true;
  const task = core.scheduler.take(op.name);
  if (task && isCancellable(task.transition)) cancelTransition(core, task.transition, core.now());
  else if (task) core.scheduler.restore([task]);
  return {};
};

/** Forgets the operation record; the work it tracks carries on (as operations.delete documents). */
const remove: Handler = ({ core, resource }) => {
  core.operations.delete(resource);
  return {};
};

export const operationHandlers = {
  'operations.list': list,
  'operations.get': get,
  'operations.cancel': cancel,
  'operations.delete': remove,
} satisfies Partial<Record<MethodId, Handler>>;
