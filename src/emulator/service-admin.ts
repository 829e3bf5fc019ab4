// What happens to services outside the API (admin API and scenarios): seeded at start, set to a state
// (ERROR, SUSPENDED, AUTOSCALING… so every Service.State value can be served), or removed out of band.
import { SERVICE_NAME } from '../migration/names';
import { type Service, type ServiceState } from '../schemas/api';
import type { EmulatorCore } from './core';
import { failedPrecondition, invalidArgument } from './errors';
import { assertAbsent, forgetService, withDefaults } from './service-lifecycle';
import { failExecution } from './state-machine';
import { iso } from './store';
import { validateUpdatedService } from './update-mask';

/** States a seed may ask for: settled ones only (transient states need an operation behind them). */
const SEED_STATES: readonly ServiceState[] = ['ACTIVE', 'SUSPENDED', 'ERROR'];

/** States the admin API may set directly; the others come from API calls (see the table in docs/emulator.md). */
export const SETTABLE_STATES = [
  'STATE_UNSPECIFIED',
  'ACTIVE',
  'SUSPENDING',
  'SUSPENDED',
  'ERROR',
  'AUTOSCALING',
] as const;
export type SettableState = (typeof SETTABLE_STATES)[number];

/**
 * What a seed leaves out: a service a managed migration can start on (SPANNER; ACTIVE and Hive 3.1.2 come with
 * it). services.create keeps the API's own default, MYSQL; a seed is a rehearsal's fixture, not the public API.
 */
const SEED_DEFAULTS: Partial<Service> = { databaseType: 'SPANNER' };

/**
 * Adds a service at once, ACTIVE unless the seed asks for SUSPENDED or ERROR: the admin API, scenarios and the
 * emulator's `services` option. Fields the seed gives win over SEED_DEFAULTS. Its endpointUri follows once its
 * Thrift listener is bound (`core.hive.open`, which the caller may await).
 */
export function seedService(core: EmulatorCore, body: Service): Service {
  if (!SERVICE_NAME.test(body.name)) {
    throw invalidArgument(`name: must be projects/PROJECT/locations/LOCATION/services/SERVICE.`);
  }
  const state = body.state ?? 'ACTIVE';
  if (!SEED_STATES.includes(state)) throw invalidArgument(`state: a seeded service may be ${SEED_STATES.join(', ')}.`);
  assertAbsent(core, body.name);
  const service = withDefaults(body.name, { ...SEED_DEFAULTS, ...body }, core.now(), state);
  if (body.stateMessage !== undefined && state !== 'ACTIVE') service.stateMessage = body.stateMessage;
  validateUpdatedService(service);
  core.store.services.set(service.name, { service });
  void core.hive?.open(service.name);
  return structuredClone(service);
}

export interface SetStateOptions {
  stateMessage?: string | undefined;
  /** ERROR only: also fail the migration in progress (default true: a broken service cannot migrate). */
  failMigration?: boolean | undefined;
}

/**
 * Sets a service's state as the platform would (an outage, a suspension, autoscaling). While a migration runs
 * only ERROR is allowed; it fails the migration unless `failMigration` is false.
 */
export function setServiceState(core: EmulatorCore, name: string, state: SettableState, options: SetStateOptions = {}) {
  const record = core.store.service(name);
  const active = core.store.activeExecution(name);
  if (active && state !== 'ERROR') {
    throw failedPrecondition(
      `The service has a migration in progress; only ERROR can be set now.`,
      'SERVICE_MIGRATING',
    );
  }
  if (active && options.failMigration !== false) {
    const reason = options.stateMessage ?? 'The service entered the ERROR state.';
    failExecution(core, active.execution.name, `The service is in ERROR: ${reason}`);
  }
  const { service } = record;
  Object.assign(service, { state, updateTime: iso(core.now()) });
  if (options.stateMessage !== undefined && state !== 'ACTIVE') service.stateMessage = options.stateMessage;
  else delete service.stateMessage;
  return structuredClone(service);
}

/**
 * The service and its executions vanish at once (as if deleted out of band). Unfinished operations on them
 * end with NOT_FOUND (5) so nothing waits forever on a resource that is gone.
 */
export function removeService(core: EmulatorCore, name: string): void {
  core.store.service(name);
  forgetService(core, name);
  const under = (link: string) => link === name || link.startsWith(`${name}/`);
  core.operations.failPending(under, core.now(), 'NOT_FOUND', `Service "${name}" no longer exists.`);
}
