// How a migration workflow is started, in one place: the CLI's `start` and a rollout's members (the rollout's
// activity) start it with the same id (one workflow per service), task queue, argument and Web UI summary, so a
// member a rollout starts and a migration an engineer started are the same workflow and find each other.
import { WORKFLOW_TYPE, workflowIdFor } from './names';
import { migrationStaticDetails, migrationSummary } from './summary';

/** What of a migration request the start options need (the request itself is the workflow's to check). */
interface StartableRequest {
  service: string;
  migrationExecution: { biglakeMetastoreMigrationConfig?: unknown };
}

/** The options of client.workflow.start for a migration, except the conflict and reuse policies (the caller's). */
export function migrationStartOptions<R extends StartableRequest>(request: R, taskQueue: string) {
  const outgoing = request.migrationExecution.biglakeMetastoreMigrationConfig !== undefined;
  return {
    workflowType: WORKFLOW_TYPE,
    taskQueue,
    workflowId: workflowIdFor(request.service),
    args: [{ request }] as [{ request: R }],
    // The Web UI's summary and details at a glance (the workflow keeps its current details itself).
    staticSummary: migrationSummary(request.service, outgoing),
    staticDetails: migrationStaticDetails(request.service, outgoing),
  };
}
