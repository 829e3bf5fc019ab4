// The worker's floors under the intervals a workflow asks for. Anyone with namespace access writes the request,
// and its options accept intervals down to a tenth of a second (tests and rehearsals against the local emulator
// need them); left alone, such a request would make the worker read Google's API and the source database as fast
// as it can. So the activities that wait between reads raise the request's intervals to the worker operator's
// minimums (config: METASTORE_MIGRATOR_MIN_*_SECONDS, production values by default). Here and not in the workflow:
// a workflow must not read the environment (replay), and a floor applied to activity arguments changes no
// command, so running migrations and their recorded histories replay as before.
import type { MinIntervals } from '../config';
import type { SourceHealthArgs } from './cutover';
import type { OperationCheckArgs, WatchArgs } from './polling';

interface IntervalActivities {
  pollMigrationChange(args: WatchArgs): Promise<unknown>;
  checkOperation(args: OperationCheckArgs): Promise<unknown>;
  awaitOperation(args: { operation: string; pollIntervalMs: number }): Promise<unknown>;
  watchSourceHealth(args: SourceHealthArgs): Promise<unknown>;
}

export function withMinIntervals<A extends IntervalActivities>(activities: A, min: MinIntervals): A {
  return {
    ...activities,
    pollMigrationChange: (args: WatchArgs) =>
      activities.pollMigrationChange({
        ...args,
        pollIntervalMs: Math.max(args.pollIntervalMs, min.pollMs),
        ...(args.fastPollIntervalMs !== undefined && {
          fastPollIntervalMs: Math.max(args.fastPollIntervalMs, min.fastPollMs),
        }),
      }),
    checkOperation: (args: OperationCheckArgs) =>
      activities.checkOperation({ ...args, pollIntervalMs: Math.max(args.pollIntervalMs, min.operationPollMs) }),
    // The old in-activity wait of histories from before retry-as-poll: the same floor.
    awaitOperation: (args: { operation: string; pollIntervalMs: number }) =>
      activities.awaitOperation({ ...args, pollIntervalMs: Math.max(args.pollIntervalMs, min.operationPollMs) }),
    watchSourceHealth: (args: SourceHealthArgs) => {
      const intervalMs = Math.max(args.intervalMs, min.sourceCheckMs);
      // The workflow computed dueAt as the last check + its interval: moved out by what the floor adds.
      const dueAt = new Date(Date.parse(args.dueAt) + intervalMs - args.intervalMs).toISOString();
      return activities.watchSourceHealth({ ...args, intervalMs, dueAt });
    },
  };
}
