// The two task queues of one deployment. The workflows and every control call (prechecks, start, complete,
// cancel, backup restore, operation checks) use the base queue; the waiting migrations' polls use their own,
// served by a separate slot pool, so however many migrations wait, a control call never queues behind a poll.

/** The queue of the polls for workflows on `taskQueue` (the base queue, e.g. metastore-migration). */
export function pollTaskQueue(taskQueue: string): string {
  return `${taskQueue}-polls`;
}
