// createActivities({ metastore, pollMetastore, secrets }): the object the worker registers. Every activity maps its
// errors through toApplicationFailure, so the workflow sees one vocabulary of failure types.
import type { MinIntervals } from '../config';
import type { MetastoreClient } from '../metastore/client';
import type { MigratorMetrics } from '../metrics/migrator-metrics';
import type { SecretResolver } from '../secrets/resolver';
import type { SourceTlsPolicy } from '../source';
import { createMigrationActivities } from './migration';
import { createNotifyActivities } from './notify';
import { createOutgoingActivities } from './outgoing';
import { createPlanActivities } from './plan';
import { createPollingActivities } from './polling';
import { createPrecheckActivities } from './precheck';
import { createRequestActivities } from './request';
import { createRolloutActivities } from './rollout';
import { createVerificationActivities } from './verification';
import { createBulkDecisionActivities } from './bulk-decision';
import { createCutoverActivities } from './cutover';
import { createLakehouseActivities } from './lakehouse';
import type { LakehouseAccess } from '../lakehouse/access';
import { InventoryStore, defaultInventoryDir } from '../hive/inventory-store';
import { withFailureMapping } from './failures';
import { withMinIntervals } from './min-intervals';

export interface ActivityDeps {
  /** Control calls (prechecks, start, complete, cancel, restore, operation checks). */
  metastore: MetastoreClient;
  /** The waiting migrations' polls, at poll priority in the API budget; default `metastore`. */
  pollMetastore?: MetastoreClient;
  secrets: SecretResolver;
  /** METASTORE_MIGRATOR_SOURCE_TLS: 'off' is the worker's lab opt-out from TLS to the source; default 'required'. */
  sourceTlsPolicy?: SourceTlsPolicy;
  /** Per-migration poll times (and, by the clients, API calls); none when metrics are off. */
  metrics?: MigratorMetrics;
  /** The worker's notification targets (METASTORE_MIGRATOR_NOTIFY_URLS): every migration's `worker` target. */
  notifyDefaults?: readonly string[];
  /** Where source inventories recorded before cutover wait for the verification; default defaultInventoryDir(). */
  inventories?: InventoryStore;
  /** The worker's floors under the request's poll and check intervals (config.minIntervals; ./min-intervals.ts). */
  minIntervals: MinIntervals;
  /** The outgoing kind's reads of BigLake and Cloud Storage (src/lakehouse/); without it those activities fail. */
  lakehouse?: LakehouseAccess;
}

export function createActivities(deps: ActivityDeps) {
  const prechecks = createPrecheckActivities(deps);
  const activities = {
    ...prechecks,
    ...createMigrationActivities(deps),
    ...createPollingActivities(deps),
    ...createOutgoingActivities(deps),
    ...createPlanActivities(deps),
    ...createRequestActivities({
      notifyDefaults: deps.notifyDefaults ?? [],
      apiVersion: deps.metastore.apiVersion,
      checkBeforeStart: prechecks.checkBeforeStart,
    }),
    ...createNotifyActivities(deps),
    ...createRolloutActivities({
      apiVersion: deps.metastore.apiVersion,
      ...(deps.metrics && { metrics: deps.metrics }),
    }),
    ...createCutoverActivities(deps),
    ...createLakehouseActivities(deps),
    ...createBulkDecisionActivities(),
    ...createVerificationActivities({
      ...deps,
      inventories: deps.inventories ?? new InventoryStore(defaultInventoryDir()),
    }),
  };
  return withFailureMapping(withMinIntervals(activities, deps.minIntervals));
}

export type Activities = ReturnType<typeof createActivities>;
export type { OperationOutcome, MigrationCallResult } from './migration';
export type { MemberDriveResult, MemberObservation } from './rollout';
