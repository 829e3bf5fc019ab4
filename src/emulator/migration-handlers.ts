// services.{startMigration,completeMigration,cancelMigration} and services.migrationExecutions.*.
import { EXECUTION_STATES, PHASES, StartMigrationRequestSchema, type MigrationExecution } from '../schemas/api';
import { idempotent } from './core';
import { type Handler, listParams, listResponse, parseBody, requireEmptyBody } from './context';
import { invalidArgument } from './errors';
import { type FieldSpecs, listPage } from './list-query';
import { renderOperation } from './operations';
import { RequestIdCache } from './request-ids';
import type { MethodId } from './routes';
import { startMigration } from './migration-start';
import { cancelMigration, completeMigration, deleteExecution, publicExecution } from './state-machine';
import { cancelOutgoing, completeOutgoing, rollbackOutgoing } from './outgoing/user-actions';
import { isOutgoingRequest, parseOutgoingStart } from './outgoing/request';
import { startOutgoingMigration } from './outgoing/start';

const EXECUTION_FIELDS: FieldSpecs<MigrationExecution> = {
  name: { read: (e) => e.name, sortable: true },
  createTime: { read: (e) => e.createTime, sortable: true },
  state: { read: (e) => e.state, values: EXECUTION_STATES },
  phase: { read: (e) => e.phase, values: PHASES },
};

/**
 * Validation comes first (naming the bad field, never its value), then the requestId check, so a retry of an
 * accepted start gets its original operation even though the service is MIGRATING by now.
 */
const start: Handler = ({ core, method, resource, body, version }) => {
  if (isOutgoingRequest(body)) {
    // The outgoing kind is validated by the emulator's own rules (outgoing/request.ts), as Google's side would.
    const outgoing = parseOutgoingStart(body, version);
    const key = { method, resource, requestId: outgoing.requestId };
    const op = idempotent(core, key, () => startOutgoingMigration(core, resource, outgoing, version));
    return renderOperation(op, version);
  }
  const request = parseBody(StartMigrationRequestSchema, body);
  const config = request.migrationExecution.cloudSqlMigrationConfig;
  if (!config) throw invalidArgument('migrationExecution.cloudSqlMigrationConfig: is required.');
  const requestId = request.requestId?.toLowerCase();
  const op = idempotent(core, { method, resource, requestId }, () =>
    startMigration(
      core,
      resource,
      { cloudSqlMigrationConfig: config, migrationExecutionId: request.migrationExecutionId },
      version,
    ),
  );
  return renderOperation(op, version);
};

const complete: Handler = ({ core, resource, body, version }) => {
  requireEmptyBody(body);
  const active = core.store.service(resource) && core.store.activeExecution(resource);
  if (active?.outgoing) return renderOperation(completeOutgoing(core, active, version), version);
  return renderOperation(completeMigration(core, resource, version), version);
};

const cancel: Handler = ({ core, resource, body, version }) => {
  requireEmptyBody(body);
  const { service } = core.store.service(resource);
  const active = core.store.activeExecution(resource);
  if (active?.outgoing) return renderOperation(cancelOutgoing(core, active, version), version);
  // Nothing in flight on a PROXY service: cancel rolls the completed outgoing migration back (ROLLED_BACK).
  if (!active && service.state === 'PROXY') return renderOperation(rollbackOutgoing(core, resource, version), version);
  return renderOperation(cancelMigration(core, resource, version), version);
};

const listExecutions: Handler = ({ core, resource, query }) => {
  core.store.service(resource);
  const executions = core.store.executionsOf(resource).map(publicExecution);
  const page = listPage(executions, listParams(query), EXECUTION_FIELDS, resource);
  return listResponse('migrationExecutions', page.items, page.nextPageToken);
};

const getExecution: Handler = ({ core, resource }) => publicExecution(core.store.execution(resource));

const deleteExecutionHandler: Handler = ({ core, method, resource, query, version }) => {
  const requestId = RequestIdCache.parse(query.get('requestId'));
  const op = idempotent(core, { method, resource, requestId }, () => deleteExecution(core, resource, version));
  return renderOperation(op, version);
};

export const migrationHandlers = {
  'services.startMigration': start,
  'services.completeMigration': complete,
  'services.cancelMigration': cancel,
  'services.migrationExecutions.list': listExecutions,
  'services.migrationExecutions.get': getExecution,
  'services.migrationExecutions.delete': deleteExecutionHandler,
} satisfies Partial<Record<MethodId, Handler>>;
