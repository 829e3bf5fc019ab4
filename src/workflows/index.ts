// Workflow functions only: the worker's workflowsPath points here.
export { managedMigration } from './managed-migration';
export { planMigration } from './plan-migration';
export { verifyMigration } from './verify-migration';
export { rollout } from './rollout/workflow';
export { bulkDecision } from './bulk-decision';
