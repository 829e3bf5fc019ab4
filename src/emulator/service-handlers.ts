// services.{list,create,get,patch,delete,testIamPermissions}.
import { z } from 'zod';
import { SERVICE_STATES, ServiceSchema, type Service } from '../schemas/api';
import { idempotent } from './core';
import { type Handler, listParams, listResponse, parseBody } from './context';
import { invalidArgument } from './errors';
import type { FieldSpecs } from './list-query';
import { listPage } from './list-query';
import { renderOperation } from './operations';
import { RequestIdCache } from './request-ids';
import type { MethodId } from './routes';
import { createService, deleteService, patchService } from './service-lifecycle';
import { parseUpdateMask } from './update-mask';

/** A Service in a create or patch body: the name comes from the URL, so it is optional here. */
const ServiceBodySchema = ServiceSchema.extend({ name: z.string().optional() }).strict();

const SERVICE_FIELDS: FieldSpecs<Service> = {
  name: { read: (s) => s.name, sortable: true },
  createTime: { read: (s) => s.createTime, sortable: true },
  state: { read: (s) => s.state, values: SERVICE_STATES },
  databaseType: { read: (s) => s.databaseType },
  tier: { read: (s) => s.tier },
};

const TestIamPermissionsSchema = z.object({ permissions: z.array(z.string()).optional() }).strict();

const list: Handler = ({ core, resource, query }) => {
  const services = [...core.store.services.values()]
    .map((record) => record.service)
    .filter((service) => service.name.startsWith(`${resource}/services/`));
  const page = listPage(services, listParams(query), SERVICE_FIELDS, resource);
  return listResponse('services', structuredClone(page.items), page.nextPageToken);
};

const create: Handler = ({ core, method, resource, query, body, version }) => {
  const service = parseBody(ServiceBodySchema, body);
  const requestId = RequestIdCache.parse(query.get('requestId'));
  const op = idempotent(core, { method, resource, requestId }, () =>
    createService(core, resource, query.get('serviceId'), service, version),
  );
  return renderOperation(op, version);
};

const get: Handler = ({ core, resource }) => structuredClone(core.store.service(resource).service);

const patch: Handler = ({ core, method, resource, query, body, version }) => {
  const requestId = RequestIdCache.parse(query.get('requestId'));
  const service = parseBody(ServiceBodySchema, body);
  const paths = parseUpdateMask(query.get('updateMask'));
  const op = idempotent(core, { method, resource, requestId }, () =>
    patchService(core, resource, paths, service, version),
  );
  return renderOperation(op, version);
};

const remove: Handler = ({ core, method, resource, query, version }) => {
  const requestId = RequestIdCache.parse(query.get('requestId'));
  const op = idempotent(core, { method, resource, requestId }, () => deleteService(core, resource, version));
  return renderOperation(op, version);
};

/**
 * The emulator grants every permission to an accepted caller but those denied over the admin API; a caller
 * with the wrong token (--require-token) holds none. Wildcards are refused as IAM does.
 */
const testIamPermissions: Handler = ({ core, resource, body, caller }) => {
  const { permissions = [] } = parseBody(TestIamPermissionsSchema, body);
  if (permissions.some((permission) => permission.includes('*'))) {
    throw invalidArgument('permissions: wildcards are not allowed.');
  }
  core.store.service(resource);
  const held = caller === 'unauthorized' ? [] : permissions.filter((permission) => core.iam.allows(permission));
  return held.length > 0 ? { permissions: held } : {};
};

export const serviceHandlers = {
  'services.list': list,
  'services.create': create,
  'services.get': get,
  'services.patch': patch,
  'services.delete': remove,
  'services.testIamPermissions': testIamPermissions,
} satisfies Partial<Record<MethodId, Handler>>;
