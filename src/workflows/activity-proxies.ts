// One proxyActivities per timeout profile. Single API calls retry briefly in Temporal and then in the workflow
// (which records the error and backs off with jitter, without limit: a year-long migration outlives outages);
// long-running ones retry in Temporal from their heartbeat. Non-retryable failure types stop retries at once.
import { proxyActivities } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../activities';
import type { MigrationOptions } from '../schemas';

const RETRY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' };
/** Single calls retry a few times quickly; beyond that the workflow retries, recording the error for `status`. */
const QUICK_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '10s',
  maximumAttempts: 3,
};

export function activityProxies(options: MigrationOptions) {
  const apiTimeout = options.apiTimeoutSeconds * 1000; // ms
  return {
    /** Single REST calls. */
    api: proxyActivities<Activities>({ startToCloseTimeout: apiTimeout, retry: QUICK_RETRY }),
    precheck: proxyActivities<Activities>({ startToCloseTimeout: apiTimeout, retry: QUICK_RETRY }),
    /** awaitOperation: long, heartbeating, cancellable. */
    operations: proxyActivities<Activities>({ startToCloseTimeout: '24h', heartbeatTimeout: '30s', retry: RETRY }),
    /** watchMigration: returns on change or after maxQuietSeconds. */
    watcher: proxyActivities<Activities>({
      startToCloseTimeout: (options.maxQuietSeconds + 600) * 1000,
      heartbeatTimeout: '30s',
      retry: RETRY,
    }),
  };
}

export type ActivityProxies = ReturnType<typeof activityProxies>;
