// Service create / patch / delete through the API. CREATING → ACTIVE, ACTIVE → UPDATING → ACTIVE (a MIGRATING
// service may be patched and stays MIGRATING), → DELETING → gone. Changes apply when the operation finishes;
// a failed (operation fault) or cancelled operation leaves them unapplied.
import { randomUUID } from 'node:crypto';
import type { ApiVersion, Service, ServiceState } from '../schemas/api';
import type { EmulatorCore } from './core';
import { ApiError, failedPrecondition, invalidArgument } from './errors';
import type { OperationRecord } from './operations';
import { iso } from './store';
import type { OperationFailure, TransitionOf } from './transition-types';
import { applyUpdateMask, validateUpdatedService } from './update-mask';

/** Output-only fields a caller cannot set; the server fills them in. */
const OUTPUT_ONLY = [
  'uid',
  'createTime',
  'updateTime',
  'state',
  'stateMessage',
  'endpointUri',
  'artifactGcsUri',
] as const;

/**
 * A new Service with the output fields the contract lists filled in, and the API's defaults for the rest (MYSQL,
 * as services.create documents). `endpointUri` comes later, from the service's own Thrift listener
 * (hive-endpoints.ts): every service here is on 127.0.0.1, so `port` (9083 by default, as on DPMS) cannot tell
 * two of them apart.
 */
export function withDefaults(name: string, body: Partial<Service>, at: number, state: ServiceState): Service {
  const input: Partial<Service> = { ...structuredClone(body) };
  for (const field of OUTPUT_ONLY) delete input[field];
  const uid = randomUUID();
  return {
    ...input,
    name,
    uid,
    createTime: iso(at),
    updateTime: iso(at),
    state,
    databaseType: input.databaseType ?? 'MYSQL',
    tier: input.tier ?? 'DEVELOPER',
    releaseChannel: input.releaseChannel ?? 'STABLE',
    hiveMetastoreConfig: { version: '3.1.2', ...input.hiveMetastoreConfig },
    port: input.port ?? 9083,
    artifactGcsUri: `gs://gcs-bucket-${name.split('/').pop()}-${uid}/hive-warehouse`,
  };
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
  void core.hive?.open(name);
  const op = core.operations.start({
    target: name,
    verb: 'create',
    apiVersion,
    statusMessage: 'Creating the service.',
  });
  core.finishLater('services.create', { kind: 'service.create', service: name, op: op.name });
  return op;
}

/** CREATING → ACTIVE; a failed create leaves the service in ERROR, as a failed provisioning does. */
export function finishServiceCreate(core: EmulatorCore, t: TransitionOf<'service.create'>, at: number): void {
  const service = core.store.services.get(t.service)?.service;
  if (core.operations.ended(t.op) || service?.state !== 'CREATING') return;
  if (t.failWith) {
    Object.assign(service, { state: 'ERROR', stateMessage: t.failWith.message, updateTime: iso(at) });
    core.operations.fail(t.op, at, t.failWith.status, t.failWith.message);
    return;
  }
  Object.assign(service, { state: 'ACTIVE', updateTime: iso(at) });
  core.operations.succeed(t.op, at, { type: 'Service', value: structuredClone(service) });
}

/** A cancelled create leaves nothing behind. */
export function cancelServiceCreate(core: EmulatorCore, t: TransitionOf<'service.create'>, at: number): void {
  if (core.store.services.get(t.service)?.service.state === 'CREATING') forgetService(core, t.service);
  core.operations.fail(t.op, at, 'CANCELLED', 'The operation was cancelled; the service was not created.');
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
  const op = core.operations.start({
    target: name,
    verb: 'update',
    apiVersion,
    statusMessage: 'Updating the service.',
  });
  record.pendingUpdate = op.name;
  core.finishLater('services.patch', { kind: 'service.patch', service: name, op: op.name, paths, patch });
  return op;
}

export function finishServicePatch(core: EmulatorCore, t: TransitionOf<'service.patch'>, at: number): void {
  const record = core.store.services.get(t.service);
  if (!record || record.pendingUpdate !== t.op) return;
  if (t.failWith) {
    endUpdate(core, t.service);
    core.operations.fail(t.op, at, t.failWith.status, t.failWith.message);
    return;
  }
  const updated = applyUpdateMask(record.service, t.patch, t.paths);
  record.service = { ...updated, state: updated.state === 'UPDATING' ? 'ACTIVE' : updated.state, updateTime: iso(at) };
  delete record.pendingUpdate;
  core.operations.succeed(t.op, at, { type: 'Service', value: structuredClone(record.service) });
}

export function cancelServicePatch(core: EmulatorCore, t: TransitionOf<'service.patch'>, at: number): void {
  if (core.store.services.get(t.service)?.pendingUpdate === t.op) endUpdate(core, t.service);
  core.operations.fail(t.op, at, 'CANCELLED', 'The operation was cancelled; the update was not applied.');
}

/** The update ends without applying: UPDATING goes back to ACTIVE (a MIGRATING service stays MIGRATING). */
function endUpdate(core: EmulatorCore, name: string): void {
  const record = core.store.service(name);
  delete record.pendingUpdate;
  if (record.service.state === 'UPDATING') record.service.state = 'ACTIVE';
}

export function deleteService(core: EmulatorCore, name: string, apiVersion: ApiVersion): OperationRecord {
  const { service } = core.store.service(name);
  if (service.state === 'MIGRATING' || core.store.activeExecution(name)) {
    throw failedPrecondition('The service has a migration in progress and cannot be deleted.', 'SERVICE_MIGRATING');
  }
  const previousState = service.state ?? 'ACTIVE';
  if (previousState !== 'ACTIVE' && previousState !== 'ERROR' && previousState !== 'SUSPENDED') {
    throw failedPrecondition(`The service is ${previousState} and cannot be deleted.`, 'SERVICE_NOT_ACTIVE');
  }
  if (service.deletionProtection) {
    throw failedPrecondition('The service has deletionProtection enabled.', 'DELETION_PROTECTED');
  }
  service.state = 'DELETING';
  const op = core.operations.start({
    target: name,
    verb: 'delete',
    apiVersion,
    statusMessage: 'Deleting the service.',
  });
  core.finishLater('services.delete', { kind: 'service.delete', service: name, op: op.name, previousState });
  return op;
}

export function finishServiceDelete(core: EmulatorCore, t: TransitionOf<'service.delete'>, at: number): void {
  if (core.store.services.get(t.service)?.service.state !== 'DELETING') return;
  if (t.failWith) {
    cancelServiceDelete(core, t, at, t.failWith);
    return;
  }
  forgetService(core, t.service);
  core.operations.succeed(t.op, at, { type: 'google.protobuf.Empty', value: {} });
}

export function cancelServiceDelete(
  core: EmulatorCore,
  t: TransitionOf<'service.delete'>,
  at: number,
  failure: OperationFailure = {
    status: 'CANCELLED',
    message: 'The operation was cancelled; the service was not deleted.',
  },
): void {
  const service = core.store.services.get(t.service)?.service;
  if (service?.state === 'DELETING') service.state = t.previousState;
  core.operations.fail(t.op, at, failure.status, failure.message);
}

/** The service and its executions are gone, and so is its Thrift listener (its port is not reused by name). */
export function forgetService(core: EmulatorCore, name: string): void {
  core.store.removeService(name);
  core.hive?.release(name);
}

export function assertAbsent(core: EmulatorCore, name: string): void {
  if (core.store.services.has(name)) {
    throw new ApiError('ALREADY_EXISTS', `Service "${name}" already exists.`, 'SERVICE_EXISTS');
  }
}
