// Prechecks and the scheduled-backup dance: read the service, disable backups, put them back.
import { log } from '@temporalio/activity';
import type { MetastoreClient } from '../metastore/client';
import type { MigrationExecutionRequest } from '../schemas';
import type { SecretResolver } from '../secrets/resolver';
import { resolveMigrationExecution } from '../secrets/resolver';
import { SCHEDULED_BACKUP_PATHS } from '../migration/service';
import type { SavedScheduledBackup, ServiceFacts } from '../migration/service';
import { isActiveExecution } from '../migration/snapshot';
import { sourceMismatches } from '../migration/adoption';
import { createPlanActivities } from './plan';
import { createPrecheckBatch } from './precheck-batch';
import type { SourceDeps } from './source-connections';

export interface PrecheckDeps extends SourceDeps {
  metastore: MetastoreClient;
  secrets: SecretResolver;
}

export function createPrecheckActivities(deps: PrecheckDeps) {
  const { metastore, secrets } = deps;
  const checks = {
    /** Reads the facts the precheck decides on: state, database type, backups, executions in flight. */
    async checkService({ service }: { service: string }): Promise<ServiceFacts> {
      const found = await metastore.getService(service);
      const executions = await metastore.listAllMigrationExecutions(service);
      const backup = found.scheduledBackup ?? {};
      return {
        name: found.name,
        state: found.state,
        databaseType: found.databaseType,
        hiveVersion: found.hiveMetastoreConfig?.version,
        scheduledBackup: {
          enabled: backup.enabled ?? false,
          cronSchedule: backup.cronSchedule,
          timeZone: backup.timeZone,
          backupLocation: backup.backupLocation,
        },
        activeExecutions: executions.filter((e) => isActiveExecution(e.state)).map((e) => e.name),
        // Only when the service has one (PROXY): the facts of every other service stay as they were.
        ...(found.lakehouseProxyConfig ? { lakehouseProxyConfig: found.lakehouseProxyConfig } : {}),
      };
    },

    /**
     * Adoption: where the request's config names another source than the execution reads (empty: the same, or
     * the API does not say). Reads the execution; compares names, addresses and users, never passwords.
     */
    async checkAdoptedSource({
      execution,
      migrationExecution,
    }: {
      execution: string;
      migrationExecution: MigrationExecutionRequest;
    }): Promise<string[]> {
      const running = await metastore.getMigrationExecution(execution);
      return sourceMismatches(migrationExecution.cloudSqlMigrationConfig ?? {}, running.cloudSqlMigrationConfig ?? {});
    },

    /** Proves the worker can resolve both passwords before anything is changed; returns nothing secret. */
    async checkSecrets({ migrationExecution }: { migrationExecution: MigrationExecutionRequest }): Promise<void> {
      await resolveMigrationExecution(migrationExecution, secrets);
    },

    /** PATCH scheduledBackup.enabled=false. requestId makes a retry return the same operation. */
    async disableScheduledBackups({ service, requestId }: { service: string; requestId: string }) {
      log.info('disabling scheduled backups', { service });
      const patch = { scheduledBackup: { enabled: false } };
      const operation = await metastore.patchService(service, patch, ['scheduledBackup.enabled'], requestId);
      return { operation: operation.name };
    },

    /** Writes back exactly the saved setting (all four paths), so nothing else drifts. */
    async restoreScheduledBackups({
      service,
      saved,
      requestId,
    }: {
      service: string;
      saved: SavedScheduledBackup;
      requestId: string;
    }) {
      log.info('restoring scheduled backups', { service, enabled: saved.enabled });
      const scheduledBackup = {
        enabled: saved.enabled,
        cronSchedule: saved.cronSchedule,
        timeZone: saved.timeZone,
        backupLocation: saved.backupLocation,
      };
      const operation = await metastore.patchService(service, { scheduledBackup }, SCHEDULED_BACKUP_PATHS, requestId);
      return { operation: operation.name };
    },
  };
  // Every check alone (older histories, and the workflow's retry of one that may pass), and all of them as one.
  return { ...checks, ...createPrecheckBatch({ ...checks, ...createPlanActivities(deps) }) };
}
