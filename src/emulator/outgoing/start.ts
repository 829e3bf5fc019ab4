// services.startMigration for the outgoing kind (DPMS → Lakehouse runtime catalog): the checks that need the
// emulator's state, then the new execution (STARTING, backfillStatus PENDING) on a MIGRATING service.
//
// Choices where Google documents nothing (docs/emulator.md):
// - the service must be ACTIVE, or PROXY for a further batch of namespaces into the Iceberg catalog it already
//   forwards to; one execution in flight per service, as for the incoming kind;
// - a target catalog that does not exist is refused at once: 404 NOT_FOUND naming the field; one of the wrong
//   type (a Hive catalog as icebergConfig.catalog) is 400 INVALID_ARGUMENT. A catalog that disappears after the
//   start fails the backfill instead (lifecycle.ts);
// - the report goes to `reportPath`, else the service's artifactGcsUri, else gs://{project}-dpms-migration-reports,
//   as `{folder}/migration-reports/{execution id}.json` (report.ts).
import { randomUUID } from 'node:crypto';
import type { ApiVersion, Service } from '../../schemas/api';
import type { EmulatorCore } from '../core';
import { ApiError, failedPrecondition, invalidArgument, notFound } from '../errors';
import type { OperationRecord } from '../operations';
import { type ServiceRecord, iso } from '../store';
import { proxyConfigOf } from './proxy';
import { reportObject } from './report';
import { CONFIG_FIELD, type OutgoingStartRequest } from './request';
import type { BiglakeConfig, OutgoingBookkeeping } from './types';

export function startOutgoingMigration(
  core: EmulatorCore,
  serviceName: string,
  request: OutgoingStartRequest,
  apiVersion: ApiVersion,
): OperationRecord {
  const record = core.store.service(serviceName);
  const name = `${serviceName}/migrationExecutions/${request.migrationExecutionId ?? randomUUID()}`;
  if (core.store.executions.has(name)) {
    throw new ApiError('ALREADY_EXISTS', `Migration execution "${name}" already exists.`, 'MIGRATION_EXECUTION_EXISTS');
  }
  const fromState = assertCanStart(core, record, request.config);
  assertCatalogs(core, request.config);
  const proxyBefore = proxyConfigOf(record.service);
  const folder = reportFolder(record.service, request.config);
  if (request.config.reportPath === undefined) ensureServiceBucket(core, record.service, folder);
  const outgoing: OutgoingBookkeeping = {
    fromState,
    ...(proxyBefore ? { proxyBefore } : {}),
    reportObject: reportObject(folder, name),
  };
  const config: BiglakeConfig = { ...structuredClone(request.config), backfillStatus: { state: 'PENDING' } };
  const added = core.store.addExecution(serviceName, {
    name,
    createTime: iso(core.now()),
    state: 'STARTING',
    biglakeMetastoreMigrationConfig: config as unknown as Record<string, unknown>,
  });
  added.outgoing = outgoing;
  record.service.state = 'MIGRATING';
  const statusMessage = 'Starting the migration to the Lakehouse runtime catalog.';
  const op = core.operations.start({ target: name, verb: 'start migration', apiVersion, statusMessage });
  core.finishLater('services.startMigration', { kind: 'outgoing.start', execution: name, op: op.name });
  core.onMigrationStarted(serviceName, name);
  return op;
}

function assertCanStart(core: EmulatorCore, record: ServiceRecord, config: BiglakeConfig): 'ACTIVE' | 'PROXY' {
  const { service } = record;
  const active = core.store.activeExecution(service.name);
  if (active || service.state === 'MIGRATING') {
    const which = active ? ` (${active.execution.name} is ${active.execution.state})` : '';
    throw failedPrecondition(`A migration is already in progress on this service${which}.`, 'MIGRATION_IN_PROGRESS');
  }
  if (record.pendingUpdate) {
    throw failedPrecondition(
      'The service is being updated; a migration can only start on an ACTIVE service.',
      'SERVICE_NOT_ACTIVE',
    );
  }
  if (service.state === 'PROXY') {
    // Phased migrations (§3.1): between batches the service stays PROXY; a batch adds namespaces to the same
    // Iceberg REST catalog it forwards to.
    const proxied = proxyConfigOf(service)?.catalog;
    if (!config.icebergConfig || config.icebergConfig.catalog !== proxied) {
      throw failedPrecondition(
        `The service is PROXY, forwarding to ${proxied ?? 'a Lakehouse catalog'}; a further migration must move Iceberg namespaces into that catalog (icebergConfig.catalog).`,
        'SERVICE_IN_PROXY',
      );
    }
    return 'PROXY';
  }
  if (service.state !== 'ACTIVE') {
    throw failedPrecondition(
      `The service is ${service.state}; a migration can only start on an ACTIVE service.`,
      'SERVICE_NOT_ACTIVE',
    );
  }
  return 'ACTIVE';
}

function assertCatalogs(core: EmulatorCore, config: BiglakeConfig): void {
  const targets = [
    ['hiveConfig', config.hiveConfig?.catalog, 'HIVE'],
    ['icebergConfig', config.icebergConfig?.catalog, 'ICEBERG'],
  ] as const;
  for (const [field, catalog, type] of targets) {
    if (catalog === undefined) continue;
    const found = core.lakehouse.find(catalog);
    if (!found) {
      const missing = notFound('Catalog', catalog);
      throw new ApiError('NOT_FOUND', `${CONFIG_FIELD}.${field}.catalog: ${missing.message}`, missing.reason);
    }
    if (found.catalog.type !== type) {
      throw invalidArgument(
        `${CONFIG_FIELD}.${field}.catalog: ${catalog} is a ${found.catalog.type} catalog; ${field} needs a ${type} catalog.`,
      );
    }
  }
}

function reportFolder(service: Service, config: BiglakeConfig): string {
  const project = service.name.split('/')[1] ?? 'project';
  return config.reportPath ?? service.artifactGcsUri ?? `gs://${project}-dpms-migration-reports`;
}

/**
 * The service's own artifacts bucket exists on Google's side (DPMS made it), so a report written there by default
 * must not fail for want of it: the Cloud Storage stand-in gets it, in the service's project and location. A
 * `reportPath` the engineer chose is theirs to create, and a missing bucket there fails the write as it would.
 */
function ensureServiceBucket(core: EmulatorCore, service: Service, folder: string): void {
  const bucket = /^gs:\/\/([^/]+)/.exec(folder)?.[1];
  if (!bucket || core.storage.bucket(bucket)) return;
  const [, project = 'project', , location = 'us-central1'] = service.name.split('/');
  core.storage.createBucket({ name: bucket, project, location });
  core.changed();
}
