// Service create / seed / patch / delete / remove. CREATING → ACTIVE, ACTIVE → UPDATING → ACTIVE (a MIGRATING
// service may be patched and stays MIGRATING), → DELETING → gone. Changes apply when the operation finishes.
import { randomUUID } from 'node:crypto';
import { SERVICE_NAME, type ApiVersion, type Service, type ServiceState } from '../schemas/api';
import type { EmulatorCore } from './core';
import { ApiError, failedPrecondition, invalidArgument } from './errors';
import type { OperationRecord } from './operations';
import { iso } from './store';
import { applyUpdateMask, validateUpdatedService } from './update-mask';

/** Output-only fields a caller cannot set; the server fills them in. */
const OUTPUT_ONLY = ['uid', 'createTime', 'updateTime', 'state', 'stateMessage', 'endpointUri'] as const;

function withDefaults(name: string, body: Partial<Service>, at: number, state: ServiceState): Service {
  const input: Partial<Service> = { ...structuredClone(body) };
  for (const field of OUTPUT_ONLY) delete input[field];
  const port = input.port ?? 9083;
  return {
    ...input,
    name,
    uid: randomUUID(),
    createTime: iso(at),
    updateTime: iso(at),
    state,
    databaseType: input.databaseType ?? 'MYSQL',
    tier: input.tier ?? 'DEVELOPER',
    releaseChannel: input.releaseChannel ?? 'STABLE',
    hiveMetastoreConfig: { version: '3.1.2', ...input.hiveMetastoreConfig },
    port,
    endpointUri: `thrift://127.0.0.1:${port}`,
  };
}

/** States a seed may ask for: settled ones only (transient states need an operation behind them). */
const SEED_STATES: readonly ServiceState[] = ['ACTIVE', 'SUSPENDED', 'ERROR'];

/** Adds a service at once, ACTIVE unless the seed asks for SUSPENDED or ERROR: the admin API and createEmulator. */
export function seedService(core: EmulatorCore, body: Service): Service {
  if (!SERVICE_NAME.test(body.name)) {
    throw invalidArgument(`name: must be projects/PROJECT/locations/LOCATION/services/SERVICE.`);
  }
  const state = body.state ?? 'ACTIVE';
  if (!SEED_STATES.includes(state)) throw invalidArgument(`state: a seeded service may be ${SEED_STATES.join(', ')}.`);
  assertAbsent(core, body.name);
  const service = withDefaults(body.name, body, core.now(), state);
  validateUpdatedService(service);
  core.store.services.set(service.name, { service });
  return structuredClone(service);
}

const SERVICE_ID = /^[a-zA-Z][a-zA-Z0-9_-]{1,61}[a-zA-Z0-9]$/;

export function createService(
  core: EmulatorCore,
  parent: string,
  serviceId: string | undefined,
  body: Partial<Service>,
  apiVersion: ApiVersion,
): OperationRecord {
  if (!serviceId || !SERVICE_ID.test(serviceId)) {
    throw invalidArgument(
      'serviceId: must be 3-63 characters of letters, digits, _ or -, start with a letter and end with a letter or digit.',
      'INVALID_ARGUMENT',
      [{ field: 'serviceId', description: 'invalid service id' }],
    );
  }
  const name = `${parent}/services/${serviceId}`;
  assertAbsent(core, name);
  const service = withDefaults(name, body, core.now(), 'CREATING');
  validateUpdatedService(service);
  core.store.services.set(name, { service });
  const op = core.operations.start({ target: name, verb: 'create', apiVersion });
  core.scheduler.after(core.delayMs, (at) => {
    if (op.done || service.state !== 'CREATING') return;
    Object.assign(service, { state: 'ACTIVE', updateTime: iso(at) });
    core.operations.succeed(op, at, { type: 'Service', value: structuredClone(service) });
  });
  return op;
}

export function patchService(
  core: EmulatorCore,
  name: string,
  paths: string[],
  patch: Partial<Service>,
  apiVersion: ApiVersion,
): OperationRecord {
  const record = core.store.service(name);
  const { service } = record;
  if (record.pendingUpdate || service.state === 'UPDATING') {
    throw failedPrecondition('The service is being updated; wait for that update to finish.', 'SERVICE_UPDATING');
  }
  if (service.state !== 'ACTIVE' && service.state !== 'MIGRATING') {
    throw failedPrecondition(`The service is ${service.state} and cannot be updated.`, 'SERVICE_NOT_ACTIVE');
  }
  validateUpdatedService(applyUpdateMask(service, patch, paths));
  // Scheduled backups are not restricted during a migration, so a MIGRATING service keeps its state.
  if (service.state === 'ACTIVE') service.state = 'UPDATING';
  const op = core.operations.start({ target: name, verb: 'update', apiVersion });
  record.pendingUpdate = op.name;
  core.scheduler.after(core.delayMs, (at) => {
    if (op.done || core.store.services.get(name) !== record) return;
    const updated = applyUpdateMask(record.service, patch, paths);
    record.service = {
      ...updated,
      state: updated.state === 'UPDATING' ? 'ACTIVE' : updated.state,
      updateTime: iso(at),
    };
    delete record.pendingUpdate;
    core.operations.succeed(op, at, { type: 'Service', value: structuredClone(record.service) });
  });
  return op;
}

export function deleteService(core: EmulatorCore, name: string, apiVersion: ApiVersion): OperationRecord {
  const record = core.store.service(name);
  const { service } = record;
  if (service.state === 'MIGRATING' || core.store.activeExecution(name)) {
    throw failedPrecondition('The service has a migration in progress and cannot be deleted.', 'SERVICE_MIGRATING');
  }
  if (service.state !== 'ACTIVE' && service.state !== 'ERROR' && service.state !== 'SUSPENDED') {
    throw failedPrecondition(`The service is ${service.state} and cannot be deleted.`, 'SERVICE_NOT_ACTIVE');
  }
  if (service.deletionProtection) {
    throw failedPrecondition('The service has deletionProtection enabled.', 'DELETION_PROTECTED');
  }
  service.state = 'DELETING';
  const op = core.operations.start({ target: name, verb: 'delete', apiVersion });
  core.scheduler.after(core.delayMs, (at) => {
    if (op.done) return;
    core.store.removeService(name);
    core.operations.succeed(op, at, { type: 'google.protobuf.Empty', value: {} });
  });
  return op;
}

/**
 * The service and its executions vanish at once (as if deleted out of band). Unfinished operations on them
 * end with NOT_FOUND (5) so nothing waits forever on a resource that is gone.
 */
export function removeService(core: EmulatorCore, name: string): void {
  core.store.service(name);
  core.store.removeService(name);
  const under = (link: string) => link === name || link.startsWith(`${name}/`);
  core.operations.failPending(under, core.now(), 'NOT_FOUND', `Service "${name}" no longer exists.`);
}

function assertAbsent(core: EmulatorCore, name: string): void {
  if (core.store.services.has(name)) {
    throw new ApiError('ALREADY_EXISTS', `Service "${name}" already exists.`, 'SERVICE_EXISTS');
  }
}
