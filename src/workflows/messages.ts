// Every signal and query of the managed-migration workflow. Client, CLI and tests import them from here.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DecisionArgs } from '../schemas';
import type { MigrationStatus } from './migration-state';

/** Begin cutover once the execution is RUNNING in REPLICATION. Optional `{ by, reason }`. */
export const completeSignal = defineSignal<[DecisionArgs?]>('complete');
/** Cancel the migration (at any time before cutover). Optional `{ by, reason }`. */
export const cancelSignal = defineSignal<[DecisionArgs?]>('cancel');
/** A snapshot of the workflow's state: stage, service and execution state, backups, requests. */
export const statusQuery = defineQuery<MigrationStatus>('status');

export const WORKFLOW_TYPE = 'managedMigration';

/** One workflow per service: a second start for the same service is refused by Temporal itself. */
export function workflowIdFor(service: string): string {
  return `migration/${service}`;
}
