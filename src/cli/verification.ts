// The CLI's side of the reconciliation: `verify` (runs verifyMigration on the worker with the migration's own
// config) and the lines `status` and `wait` print about a verification.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { BackfillOutcome } from '../migration/backfill';
import { backfillFailed } from '../migration/backfill';
import type { Verification } from '../migration/verification';
import { verificationLine } from '../migration/verification';
import type { MigrationExecutionRequest, SourceTlsOption } from '../schemas';
import { requestQuery, statusQuery } from '../workflows/messages';
import { workflowIdFor } from '../migration/names';
import { verifySummary } from '../migration/summary';
import { FINISHED_BACKFILL } from '../lakehouse/backfill-execution';
import type { MigrationStatus } from '../migration/state';
import type { verifyMigration } from '../workflows/verify-migration';

/** `wait` and `verify` exit with this when DPMS does not serve what the source held. */
export const MISMATCH_EXIT_CODE = 3;

/**
 * `verify` of an outgoing migration that was rolled back: whatever the targets hold, the service does not serve
 * them, so no answer of the comparison may read as "the migration is fine" (0), and a script must be able to tell
 * it from a mismatch of a migration still in place (3): the engineer's next step differs (migrate again, or not).
 */
export const ROLLED_BACK_EXIT_CODE = 4;

/**
 * `verify`: 0 verified, MISMATCH_EXIT_CODE on a mismatch, 1 when nothing could be compared, ROLLED_BACK_EXIT_CODE
 * before all of these for a rolled-back outgoing migration. `wait` (`skipped` 0): a migration that succeeded is no
 * failure because the worker could not compare; its output says so.
 */
export function verificationExitCode(verification: Verification | undefined, { skipped = 1 } = {}): number {
  if (verification?.rolledBack) return ROLLED_BACK_EXIT_CODE;
  if (!verification || verification.status === 'ok') return 0;
  return verification.status === 'mismatch' ? MISMATCH_EXIT_CODE : skipped;
}

/**
 * `wait`: a verification's code (a skipped one is no failure), else MISMATCH_EXIT_CODE for a backfill that finished
 * with something lost (failed tables, databases or partitions): the migration ended but not everything arrived, the
 * same answer as a mismatch. A dry run writes nothing, so its results lose nothing.
 */
export function waitExitCode(result: { verification?: Verification; backfill?: BackfillOutcome }): number {
  const verified = verificationExitCode(result.verification, { skipped: 0 });
  if (verified !== 0) return verified;
  const backfill = result.backfill;
  return backfill && !backfill.dryRun && backfillFailed(backfill) ? MISMATCH_EXIT_CODE : 0;
}

/**
 * The migration's config and options.sourceTls come from its workflow (`request` query, open or closed), unless
 * `--config` (and `--source-ca`) gave them;
 * after cutover the workflow's record of the source at cutover goes along. The outgoing kind: the workflow's
 * finished execution, or with `--config` the file's catalogs and `migrationId`'s execution (without one, the worker
 * takes the service's latest finished backfill to those catalogs).
 */
export async function runVerify(
  client: Client,
  taskQueue: string,
  service: string,
  fromConfig?: MigrationExecutionRequest,
  sourceTlsFlag?: SourceTlsOption,
  migrationId?: string,
): Promise<Verification> {
  const handle = client.workflow.getHandle(workflowIdFor(service));
  const asked = fromConfig ? undefined : await handle.query(requestQuery);
  const migrationExecution = fromConfig ?? asked!.migrationExecution;
  const sourceTls = sourceTlsFlag ?? asked?.sourceTls;
  const status = fromConfig ? undefined : await handle.query(statusQuery);
  const recorded = status?.cutoverInventory;
  let execution: string | undefined = fromConfig && migrationId;
  if (migrationExecution.biglakeMetastoreMigrationConfig && !fromConfig) {
    // The outgoing kind compares what its backfill wrote: only a finished one (the Lakehouse catalogs keep what was
    // written after a rollback too). Before that there is nothing to compare, which is said, not guessed at.
    const recordedExecution = status?.execution;
    if (!recordedExecution?.name || !FINISHED_BACKFILL.includes(recordedExecution.state ?? '')) {
      const where = recordedExecution?.name
        ? `${recordedExecution.name} is ${recordedExecution.state ?? 'STATE_UNSPECIFIED'}`
        : 'the migration has no execution yet';
      return {
        status: 'skipped',
        ok: false,
        checkedAt: new Date().toISOString(),
        note: `no finished backfill to verify (${where})`,
      };
    }
    execution = recordedExecution.name;
  }
  const verification = await client.workflow.execute<typeof verifyMigration>('verifyMigration', {
    taskQueue,
    workflowId: `verify/${service}/${randomUUID()}`,
    staticSummary: verifySummary(service, migrationExecution.biglakeMetastoreMigrationConfig !== undefined),
    args: [
      {
        service,
        migrationExecution,
        ...(sourceTls && { sourceTls }),
        ...(recorded && 'key' in recorded ? { cutover: recorded } : {}),
        ...(execution && { execution }),
        ...(fromConfig?.biglakeMetastoreMigrationConfig && { targetsFromConfig: true }),
      },
    ],
  });
  return withRollbackTime(verification, status);
}

/**
 * The API keeps no time for a rollback; the workflow that made it does: the rollback ended when the run entered
 * DONE with the outcome ROLLED_BACK. Only for the execution that workflow recorded.
 */
function withRollbackTime(verification: Verification, status: MigrationStatus | undefined): Verification {
  const rolledBack = verification.rolledBack;
  if (!rolledBack || rolledBack.at || status?.outcome !== 'ROLLED_BACK') return verification;
  if (status.execution?.name !== rolledBack.execution) return verification;
  const at = status.stageHistory.findLast((s) => s.stage === 'DONE')?.at;
  return at ? { ...verification, rolledBack: { ...rolledBack, at } } : verification;
}

const SHOWN = 20;

export function formatVerification(verification: Verification): string {
  const lines = [`verified   ${verificationLine(verification)}`];
  const report = verification.report;
  if (verification.endpoint && verification.status !== 'skipped') {
    lines.push(`           DPMS read at ${verification.endpoint}, ${verification.checkedAt}`);
  }
  if (!report || report.ok) return lines.join('\n');
  for (const d of report.differences.slice(0, SHOWN)) {
    lines.push(`  ${d.problem.padEnd(8)} ${d.kind.padEnd(9)} ${d.name}${d.detail ? ` — ${d.detail}` : ''}`);
  }
  const total = report.totals.missing + report.totals.extra + report.totals.differing;
  if (total > SHOWN) lines.push(`  … and ${total - SHOWN} more (--json lists the first ${report.differences.length})`);
  return lines.join('\n');
}
