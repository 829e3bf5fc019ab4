// One proxyActivities per timeout profile, each typed with Pick<> to the activities it runs. Single API calls retry
// briefly in Temporal and then in the workflow (which records the error and backs off with jitter, without limit: a
// year-long migration outlives outages); waits are retry-as-poll. Non-retryable failure types stop retries at once.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../activities';
import { pollTaskQueue } from '../migration/names';
import type { MigrationOptions } from '../schemas';
import type { PollQueueActivity } from './task-queues';

const RETRY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' };
/** Single calls retry a few times quickly; beyond that the workflow retries, recording the error for `status`. */
const QUICK_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '10s',
  maximumAttempts: 3,
};
/**
 * Retry as poll: every attempt is one read and says when to come back (nextRetryDelay); this policy only paces
 * attempts that time out or fail without saying. No attempt limit: a migration waits as long as it takes.
 */
const POLL_RETRY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' };
const OPERATION_CHECK_RETRY: RetryPolicy = { ...POLL_RETRY, maximumInterval: '10s' };

type Profile<K extends keyof Activities> = Pick<Activities, K>;

export function activityProxies(options: MigrationOptions) {
  const apiTimeout = options.apiTimeoutSeconds * 1000; // ms
  const pollQueue = pollTaskQueue(workflowInfo().taskQueue);
  return {
    /** Single REST calls: the control calls and the reads around them. */
    api: proxyActivities<
      Profile<
        | 'startMigration'
        | 'completeMigration'
        | 'cancelMigration'
        | 'disableScheduledBackups'
        | 'restoreScheduledBackups'
        | 'checkService'
        | 'pollMigration'
        | 'startBiglakeMigration'
        | 'rollbackMigration'
        | 'readBackfillOutcome'
      >
    >({ startToCloseTimeout: apiTimeout, retry: QUICK_RETRY }),
    /** The prechecks: reads only. */
    precheck: proxyActivities<
      Profile<'checkService' | 'checkPermissions' | 'checkSecrets' | 'checkSource' | 'checkAdoptedSource'>
    >({
      startToCloseTimeout: apiTimeout,
      retry: QUICK_RETRY,
    }),
    /**
     * The prechecks that read, as one activity (checkBeforeStart): the service's reads beside the secrets, then the
     * source, each within the API timeout, so the whole within two of them.
     */
    precheckBatch: proxyActivities<Profile<'checkBeforeStart'>>({
      startToCloseTimeout: 2 * apiTimeout,
      retry: QUICK_RETRY,
    }),
    /**
     * The waits on the poll queue (pollMigrationChange, watchSourceHealth): no slot and no history event between
     * polls. TRY_CANCEL: a read needs no cleanup, so an engineer's decision proceeds at once instead of waiting for
     * an attempt to end. An attempt lost with its worker comes back within a steady interval (1-60 s).
     */
    polls: proxyActivities<Profile<Extract<PollQueueActivity, 'pollMigrationChange'>>>({
      taskQueue: pollQueue,
      startToCloseTimeout: apiTimeout,
      retry: { ...POLL_RETRY, maximumInterval: Math.max(1, Math.min(60, options.pollIntervalSeconds)) * 1000 },
      cancellationType: 'TRY_CANCEL',
    }),
    /** The source health watch, on the poll queue: each attempt says when to come back (the check interval). */
    healthPolls: proxyActivities<Profile<Extract<PollQueueActivity, 'watchSourceHealth'>>>({
      taskQueue: pollQueue,
      startToCloseTimeout: Math.max(apiTimeout, 60_000),
      retry: POLL_RETRY,
      cancellationType: 'TRY_CANCEL',
    }),
    /**
     * checkOperation: an operation awaited by retry-as-poll on the control queue. An attempt lost with its worker
     * is tried again within 10 s: the policy's wait grows with the attempt count, which every check raises.
     * awaitDryRun (the outgoing kind's precheck) waits for its dry run's execution the same way.
     */
    operationChecks: proxyActivities<Profile<'checkOperation' | 'awaitDryRun'>>({
      startToCloseTimeout: apiTimeout,
      retry: OPERATION_CHECK_RETRY,
      cancellationType: 'TRY_CANCEL',
    }),
    /**
     * The source's inventory before cutover and the reconciliation after it: one consistent read of a large
     * metastore (500,000 partitions) may take minutes against a remote server. They heartbeat every few seconds,
     * so one lost with its worker is tried again soon.
     */
    inventory: proxyActivities<Profile<'recordSourceInventory' | 'verifyMigration'>>({
      startToCloseTimeout: '30m',
      heartbeatTimeout: '10s',
      retry: QUICK_RETRY,
    }),
    /**
     * The source baseline and the cutover checks: a few short queries with bounded connects. They heartbeat, so
     * a check lost with its worker (an engineer's complete waits on it) is tried again within seconds.
     */
    sourceChecks: proxyActivities<Profile<'readSourceBaseline' | 'checkCutoverReadiness'>>({
      startToCloseTimeout: Math.max(apiTimeout, 60_000),
      heartbeatTimeout: '10s',
      retry: QUICK_RETRY,
    }),
    /**
     * The outgoing kind's reads of the Lakehouse side: the target catalogs (a precheck), the backfill's report in
     * Cloud Storage, and the verification of the backfill against DPMS, which reads whole catalogs and heartbeats.
     */
    lakehouse: proxyActivities<Profile<'checkTargetCatalogs' | 'readBackfillReport' | 'verifyBackfill'>>({
      startToCloseTimeout: '30m',
      heartbeatTimeout: '30s',
      retry: QUICK_RETRY,
    }),
    /** Replay only (src/workflows/legacy.ts): the long activities of the wait before retry-as-poll. */
    legacy: {
      operations: proxyActivities<Profile<'awaitOperation'>>({
        startToCloseTimeout: '24h',
        heartbeatTimeout: '30s',
        retry: RETRY,
      }),
      watcher: proxyActivities<Profile<'watchMigration'>>({
        startToCloseTimeout: (options.maxQuietSeconds + 600) * 1000,
        heartbeatTimeout: '30s',
        retry: RETRY,
      }),
    },
  };
}

export type ActivityProxies = ReturnType<typeof activityProxies>;
