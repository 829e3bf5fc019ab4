// What the workflow's history cannot show: the watcher activity's live heartbeat (its last poll and the
// state it saw) and the retries of a pending activity, read from DescribeWorkflowExecution.
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { MigrationSnapshot } from './workflows/migration-state';

export interface LiveActivity {
  activity: string;
  attempt: number;
  lastHeartbeatTime?: string;
  /** From the watcher's heartbeat: its most recent read. */
  lastPoll?: MigrationSnapshot;
  lastFailure?: string;
}

export async function liveWatch(handle: WorkflowHandle): Promise<LiveActivity[]> {
  const description = await handle.describe();
  return (description.raw.pendingActivities ?? []).map((pending) => {
    const payload = pending.heartbeatDetails?.payloads?.[0];
    const details = payload
      ? (defaultPayloadConverter.fromPayload(payload) as { last?: MigrationSnapshot })
      : undefined;
    const seconds = pending.lastHeartbeatTime?.seconds;
    return {
      activity: pending.activityType?.name ?? 'unknown',
      attempt: pending.attempt ?? 1,
      lastHeartbeatTime: seconds ? new Date(Number(seconds) * 1000).toISOString() : undefined,
      lastPoll: details?.last,
      lastFailure: pending.lastFailure?.message ?? undefined,
    };
  });
}
