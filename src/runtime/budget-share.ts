// Every worker process keeps its own API budget; with several workers sharing the task queues each takes an
// equal part of the per-project rate. How many there are is read from Temporal itself: the distinct pollers of
// the poll queue seen recently (DescribeTaskQueue). A worker that died is counted until it ages out, so for a
// few minutes the survivors poll at a smaller share — the safe side of Google's quota.
import { Context } from '@temporalio/activity';
import { temporal } from '@temporalio/proto';
import type { NativeConnection } from '@temporalio/worker';
import type { ApiBudget } from '../metastore/budget';

/** A poller counts as alive if it polled within this window (idle long polls last ~1 minute). */
const ALIVE_MS = 3 * 60_000;

export interface BudgetShareOptions {
  connection: NativeConnection;
  namespace: string;
  /** The poll queue: only this tool's poll workers poll it. */
  taskQueue: string;
  budget: ApiBudget;
  intervalMs?: number;
  onChange?: (workers: number) => void;
}

/** Counts the poll queue's workers now and then every intervalMs; returns a stop function. */
export function shareBudgetAmongWorkers(options: BudgetShareOptions): () => void {
  let last = 0;
  const refresh = async () => {
    try {
      const workers = await countWorkers(options);
      options.budget.setWorkers(workers);
      if (workers !== last) options.onChange?.(workers);
      last = workers;
    } catch {
      // Keep the last share: a Temporal hiccup must not change the fleet's API rate.
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 30_000);
  timer.unref();
  return () => clearInterval(timer);
}

export async function countWorkers({ connection, namespace, taskQueue }: BudgetShareOptions): Promise<number> {
  const response = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  const since = Date.now() - ALIVE_MS;
  const alive = new Set(
    (response.pollers ?? [])
      .filter((poller) => Number(poller.lastAccessTime?.seconds ?? 0) * 1000 >= since)
      .map((poller) => poller.identity ?? ''),
  );
  return Math.max(1, alive.size);
}

/**
 * The workflow the current activity works for (ApiBudget's `caller`): the budget serves the control calls of the
 * migration it saw first before those of later ones. Outside an activity (the worker's own reads), none.
 */
export function activityCaller(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined;
  }
}
