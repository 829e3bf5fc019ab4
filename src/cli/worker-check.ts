// Fails fast when no worker polls the task queue: plan, start, complete, cancel and verify wait on a workflow (or
// an update) that only a worker runs, and without one they would hang silently until a timeout. Asked of the
// server with DescribeTaskQueue before waiting.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Config } from '../config';

/**
 * A worker between polls still counts: an idle worker's long poll lasts up to a minute (the server's long-poll
 * expiry) before it polls again, so a poller seen within this window is alive. The server lists a poller for
 * five minutes after its last poll, which is why the list alone is not the answer.
 */
export const RECENT_POLL_MS = 90_000;

export class NoWorker extends Error {
  override readonly name = 'NoWorker';
}

export interface PollerSeen {
  lastAccessTime?: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null;
}

/** The pollers whose last poll was within RECENT_POLL_MS of `nowMs`. */
export function recentPollers<P extends PollerSeen>(pollers: readonly P[], nowMs: number): P[] {
  return pollers.filter((poller) => {
    const seconds = poller.lastAccessTime?.seconds;
    if (seconds === undefined || seconds === null) return false;
    const at = Number(seconds) * 1000 + Math.floor((poller.lastAccessTime?.nanos ?? 0) / 1e6);
    return nowMs - at <= RECENT_POLL_MS;
  });
}

/**
 * A worker that has just started may not have reached the server with its first poll yet (it says "polling" as
 * it begins to): before saying there is none, look again for this long.
 */
export const STARTING_WORKER_GRACE_MS = 3000;
const LOOK_AGAIN_MS = 500;

/** Throws NoWorker, naming the task queue, the namespace and how to start a worker, if none polls it now. */
export async function requireWorker(client: Client, config: Config, command: string): Promise<void> {
  const { taskQueue, namespace, address } = config.temporal;
  const giveUpAt = Date.now() + STARTING_WORKER_GRACE_MS;
  for (;;) {
    const response = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if (recentPollers(response.pollers ?? [], Date.now()).length > 0) return;
    if (Date.now() >= giveUpAt) throw new NoWorker(noWorkerMessage(command, taskQueue, namespace, address));
    await new Promise((resolve) => setTimeout(resolve, LOOK_AGAIN_MS));
  }
}

export function noWorkerMessage(command: string, taskQueue: string, namespace: string, address: string): string {
  return (
    `no worker polls task queue "${taskQueue}" in namespace "${namespace}" at ${address} ` +
    `(none in the last ${RECENT_POLL_MS / 1000} s), so nothing would run this ${command}. ` +
    `Start one with the same Temporal environment as this CLI: TEMPORAL_TASK_QUEUE=${taskQueue} ` +
    `TEMPORAL_NAMESPACE=${namespace} TEMPORAL_ADDRESS=${address} npm run worker ` +
    '(plus the secret policy, METASTORE_MIGRATOR_SECRET_ENV/_DIR/_PROJECTS, the passwords the references name, ' +
    'and METASTORE_MIGRATOR_CODEC_KEYS if payloads are encrypted), then run this again'
  );
}
