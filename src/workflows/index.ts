// Workflow functions only: the worker's workflowsPath points here.
export { managedMigration } from './managed-migration';
export { planMigration } from './plan-migration';
