// The visibility queries of the fleet views — the CLI's (status --all, watch without --service, list-workflows) and
// the worker's fleet and rollout gauges: the
// migrations of this deployment, i.e. of its task queue, not every one in the namespace. Two deployments may share
// a namespace (two teams, or a staging worker beside production's on one cluster), each on its TEMPORAL_TASK_QUEUE:
// each engineer sees the fleet their workers run, and a `watch` ends when theirs is done. What may conflict is
// another matter: workflow ids (`migration/<service>`) are the namespace's, so `rollout plan` looks at them all.
import { WORKFLOW_TYPE } from '../migration/names';

/** A Keyword value in double quotes, as visibility's query language reads it. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** `TaskQueue = "q"`, or nothing when undefined (every task queue of the namespace). */
export function taskQueueClause(taskQueue: string | undefined): string[] {
  return taskQueue === undefined ? [] : [`TaskQueue = ${quoted(taskQueue)}`];
}

/** Migration workflows of `taskQueue` (every one in the namespace when undefined), with `clauses` ANDed. */
export function migrationsQuery(taskQueue: string | undefined, ...clauses: string[]): string {
  return [`WorkflowType = '${WORKFLOW_TYPE}'`, ...taskQueueClause(taskQueue), ...clauses].join(' AND ');
}
