// Reconciliation around cutover, for managedMigration: the source's inventory recorded right before
// completeMigration, and DPMS's compared with it once the execution is SUCCEEDED. Neither ever blocks or fails
// the migration: cutover cannot be undone, so a mismatch is flagged (verification.ok false) and told, and a
// check that cannot run is recorded as skipped with the reason.
import { log, workflowInfo } from '@temporalio/workflow';
import type { Verification } from '../hive/reconcile';
import type { MigrationRequest } from '../schemas';
import type { ActivityProxies } from './activity-proxies';
import { failureMessage, failureType } from './failures';
import type { MigrationState } from './migration-state';

/** Runs recorded before the reconciliation existed replay without it. */
export const CUTOVER_VERIFICATION_PATCH = 'cutover-verification';

export async function recordCutoverInventory(
  acts: ActivityProxies,
  request: MigrationRequest,
  state: MigrationState,
): Promise<void> {
  const execution = state.execution?.name ?? '';
  const args = { workflowId: workflowInfo().workflowId, execution, migrationExecution: request.migrationExecution };
  state.cutoverInventory = await acts.inventory.recordSourceInventory(args).catch((err: unknown) => ({
    skipped: `${failureType(err) ?? 'Error'}: ${failureMessage(err)}`,
  }));
  if ('skipped' in state.cutoverInventory) {
    log.warn('the source inventory was not recorded before cutover', { reason: state.cutoverInventory.skipped });
  }
}

export async function verifyCutover(
  acts: ActivityProxies,
  request: MigrationRequest,
  state: MigrationState,
): Promise<Verification> {
  const recorded = state.cutoverInventory;
  const args = {
    service: request.service,
    migrationExecution: request.migrationExecution,
    ...(recorded && 'key' in recorded ? { cutover: recorded } : {}),
  };
  const verification = await acts.inventory.verifyMigration(args).catch((err: unknown): Verification => ({
    status: 'skipped',
    ok: false,
    checkedAt: new Date().toISOString(),
    note: `the verification failed: ${failureType(err) ?? 'Error'}: ${failureMessage(err)}`,
  }));
  state.verification = verification;
  if (verification.status === 'mismatch')
    log.warn('DPMS does not serve what the source held', { ...verification.report?.totals });
  return verification;
}
