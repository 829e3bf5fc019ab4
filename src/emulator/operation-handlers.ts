// operations.{list,get,cancel,delete}.
import { type Handler, listParams, listResponse, requireEmptyBody } from './context';
import { ApiError } from './errors';
import { type FieldSpecs, listPage } from './list-query';
import { type OperationRecord, renderOperation } from './operations';
import type { MethodId } from './routes';
import { iso } from './store';

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

/** Migrations are cancelled with services.cancelMigration; generic LRO cancellation is not offered. */
const cancel: Handler = ({ core, resource, body }) => {
  requireEmptyBody(body);
  core.operations.get(resource);
  throw new ApiError(
    'UNIMPLEMENTED',
    'Operation cancellation is not supported; use services.cancelMigration.',
    'OPERATION_CANCEL_UNSUPPORTED',
  );
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
