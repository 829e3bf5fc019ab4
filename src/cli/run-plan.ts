// The plan of one migration request: the planMigration workflow on the worker (where the secrets resolve and from
// where the source is reachable), which runs every precheck and changes nothing. `plan`, `start` (before it starts
// anything) and `rollout plan` (once per member) all ask it here, so a member is planned exactly as `plan` plans.
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { PrecheckReport } from '../migration/dry-run';
import { planSummary } from '../migration/summary';
import type { MigrationRequest } from '../schemas';
import type { planMigration } from '../workflows/plan-migration';

export async function runPlan(client: Client, taskQueue: string, request: MigrationRequest): Promise<PrecheckReport> {
  return client.workflow.execute<typeof planMigration>('planMigration', {
    taskQueue,
    workflowId: `plan/${request.service}/${randomUUID()}`,
    args: [{ request }],
    staticSummary: planSummary(request.service),
  });
}
