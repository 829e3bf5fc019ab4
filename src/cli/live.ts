// What the workflow's history cannot show, read from DescribeWorkflowExecution: the pending poll's last read
// (carried in its benign `Unchanged` failure, or an old watcher's heartbeat) and next attempt, the source check's
// last run (the state records it only when a level changed), and the retries of any other pending activity.
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { DefaultEncodedFailureAttributes, Payload, PayloadCodec, ProtoFailure } from '@temporalio/common';
import { FailureType } from '../migration/failure-types';
import type { MigrationSnapshot } from '../migration/snapshot';

export interface LiveActivity {
  activity: string;
  attempt: number;
  lastHeartbeatTime?: string;
  /** The poll's most recent read. */
  lastPoll?: MigrationSnapshot;
  /** The source check's most recent run that found nothing changed (workers from before it carry none). */
  lastCheck?: string;
  /** When the server runs the next attempt (a poll waiting between reads holds no worker slot). */
  nextAttemptAt?: string;
  /** True while the attempts are polls finding nothing new, not failures. */
  waitingBetweenPolls: boolean;
  lastFailure?: string;
}

/** `codecs`: the client's payload codecs — heartbeat details come raw from describe(), encrypted if the codec is on. */
export async function liveWatch(handle: WorkflowHandle, codecs: readonly PayloadCodec[] = []): Promise<LiveActivity[]> {
  const description = await handle.describe();
  const pendingActivities = description.raw.pendingActivities ?? [];
  return Promise.all(
    pendingActivities.map(async (pending) => {
      const failure = pending.lastFailure;
      const unchanged = failure?.applicationFailureInfo?.type === FailureType.Unchanged; // not a failure: the normal wait between polls
      const carried = unchanged
        ? failure?.applicationFailureInfo?.details?.payloads?.[0]
        : pending.heartbeatDetails?.payloads?.[0];
      const payload = await decode(codecs, carried ?? undefined);
      const details = payload
        ? (defaultPayloadConverter.fromPayload(payload) as { last?: MigrationSnapshot; checkedAt?: string })
        : undefined;
      return {
        activity: pending.activityType?.name ?? 'unknown',
        attempt: pending.attempt ?? 1,
        lastHeartbeatTime: isoTime(pending.lastHeartbeatTime?.seconds),
        lastPoll: details?.last,
        ...(typeof details?.checkedAt === 'string' && { lastCheck: details.checkedAt }),
        nextAttemptAt: isoTime(pending.nextAttemptScheduleTime?.seconds),
        waitingBetweenPolls: unchanged,
        lastFailure: await failureMessage(codecs, failure ?? undefined),
      };
    }),
  );
}

/**
 * The failure's message; an encrypting worker puts it in encodedAttributes (src/codec/failure-converter.ts) and the
 * plain `message` says only "Encoded failure". Without the keys, that plain message is all there is.
 */
async function failureMessage(codecs: readonly PayloadCodec[], failure: ProtoFailure | undefined) {
  if (failure?.encodedAttributes) {
    try {
      const decoded = await decode(codecs, failure.encodedAttributes);
      const attributes = decoded && (defaultPayloadConverter.fromPayload(decoded) as DefaultEncodedFailureAttributes);
      if (typeof attributes?.message === 'string') return attributes.message;
    } catch {
      // Not decodable here (no keys): the plain message below.
    }
  }
  return failure?.message ?? undefined;
}

function isoTime(seconds?: { toString(): string } | number | null): string | undefined {
  return seconds ? new Date(Number(seconds) * 1000).toISOString() : undefined;
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
