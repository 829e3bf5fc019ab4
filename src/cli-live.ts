// What the workflow's history cannot show: the watcher activity's live heartbeat (its last poll and the
// state it saw) and the retries of a pending activity, read from DescribeWorkflowExecution.
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { MigrationSnapshot } from './workflows/migration-state';

export interface LiveActivity {
  activity: string;
  attempt: number;
  lastHeartbeatTime?: string;
  /** From the watcher's heartbeat: its most recent read. */
  lastPoll?: MigrationSnapshot;
  lastFailure?: string;
}

/** `codecs`: the client's payload codecs — heartbeat details come raw from describe(), encrypted if the codec is on. */
export async function liveWatch(handle: WorkflowHandle, codecs: readonly PayloadCodec[] = []): Promise<LiveActivity[]> {
  const description = await handle.describe();
  const pendingActivities = description.raw.pendingActivities ?? [];
  const heartbeats = await Promise.all(
    pendingActivities.map((pending) => decode(codecs, pending.heartbeatDetails?.payloads?.[0])),
  );
  return pendingActivities.map((pending, index) => {
    const payload = heartbeats[index];
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

/** Codecs decode in the reverse of their encoding order, as the SDK's own converter does. */
async function decode(codecs: readonly PayloadCodec[], payload: Payload | undefined): Promise<Payload | undefined> {
  if (payload === undefined) return undefined;
  let decoded = payload;
  for (const codec of [...codecs].reverse()) {
    const [next] = await codec.decode([decoded]);
    if (next !== undefined) decoded = next;
  }
  return decoded;
}
