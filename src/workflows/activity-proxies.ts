// One proxyActivities per timeout profile. Retries back off up to a minute and never stop for transient
// errors (a year-long migration outlives outages); non-retryable failure types stop them at once.
import { proxyActivities } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../activities';
import type { MigrationOptions } from '../schemas';

const RETRY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' };

export function activityProxies(options: MigrationOptions) {
  const apiTimeout = options.apiTimeoutSeconds * 1000; // ms
  return {
    /** Single REST calls. */
    api: proxyActivities<Activities>({ startToCloseTimeout: apiTimeout, retry: RETRY }),
    /** Prechecks give up after ~4 minutes: nothing has changed yet, so failing fast is the kind answer. */
    precheck: proxyActivities<Activities>({ startToCloseTimeout: apiTimeout, retry: { ...RETRY, maximumAttempts: 8 } }),
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
