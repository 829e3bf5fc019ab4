// The visibility queries of the CLI's fleet views (status --all, watch without --service, list-workflows): the
// migrations of this deployment, i.e. of its task queue, not every one in the namespace. Two deployments may share
// a namespace (two teams, or a staging worker beside production's on one cluster), each on its TEMPORAL_TASK_QUEUE:
// each engineer sees the fleet their workers run, and a `watch` ends when theirs is done. What may conflict is
// another matter: workflow ids (`migration/<service>`) are the namespace's, so `rollout plan` looks at them all.
import { WORKFLOW_TYPE } from '../migration/names';

/** A Keyword value in double quotes, as visibility's query language reads it. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Migration workflows of `taskQueue` (every one in the namespace when undefined), with `clauses` ANDed. */
export function migrationsQuery(taskQueue: string | undefined, ...clauses: string[]): string {
  const scope = taskQueue === undefined ? [] : [`TaskQueue = ${quoted(taskQueue)}`];
  return [`WorkflowType = '${WORKFLOW_TYPE}'`, ...scope, ...clauses].join(' AND ');
}
