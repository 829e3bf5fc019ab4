// The cutover readiness gate: before complete (update or signal) is acted on, the cutover checks run — the
// execution RUNNING in REPLICATION, no unresolved API error, the source healthy, its Hive schema VERSION as at the
// start, and the workloads moved off the self-managed metastore. An error blocks complete unless the engineer
// overrides that check by name; a check that cannot run is `skipped` with the reason, never a silent pass.
import { ActivityFailure, log } from '@temporalio/workflow';
import type { SourceBaseline } from '../activities/cutover';
import type { Finding } from '../plan/findings';
import { buildReport } from '../plan/report';
import type { PlanReport } from '../plan/report';
import type { MigrationRequest } from '../schemas';
import type { ActivityProxies } from './activity-proxies';
import { failureMessage, failureType } from './failures';
import { isReplicating } from './migration-state';
import type { MigrationState } from './migration-state';

/** Runs from before the gate replay without it (no baseline at the start, no checks before cutover). */
export const CUTOVER_GATE_PATCH = 'cutover-gate';

export interface CutoverReport extends PlanReport {
  checkedAt: string;
}

/** The workflow's own checks, from its state: no I/O. */
export function stateFindings(state: MigrationState): Finding[] {
  const e = state.execution;
  const findings: Finding[] = [];
  if (e?.state === 'AWAITING_USER_ACTION') {
    findings.push({
      check: 'execution.replicating',
      level: 'error',
      message: `the execution awaits user action: ${e.stateMessage ?? 'see the Cloud console'}`,
    });
  } else if (!isReplicating(e)) {
    const where = e ? `${e.state ?? 'STATE_UNSPECIFIED'}/${e.phase ?? 'PHASE_UNSPECIFIED'}` : 'not started';
    findings.push({
      check: 'execution.replicating',
      level: 'error',
      message: `the execution is ${where}, not RUNNING/REPLICATION`,
    });
  } else {
    findings.push({ check: 'execution.replicating', level: 'ok', message: 'the execution is RUNNING in REPLICATION' });
  }
  const error = state.lastError;
  findings.push(
    error && !error.resolvedAt
      ? {
          check: 'api.errors',
          level: 'error',
          message: `unresolved since ${error.at}: ${error.type}: ${error.message}`,
        }
      : { check: 'api.errors', level: 'ok', message: 'no API error is unresolved' },
  );
  return findings;
}

/** Every cutover check, with `overrides` applied; recorded in state.cutoverChecks for status. */
export async function runCutoverChecks(
  acts: ActivityProxies,
  request: MigrationRequest,
  state: MigrationState,
  overrides: readonly string[],
): Promise<CutoverReport> {
  const options = request.options;
  const args = {
    migrationExecution: request.migrationExecution,
    hiveVersion: state.hiveVersion,
    ...(state.sourceBaseline && { baseline: state.sourceBaseline }),
    retentionDays: options.binlogRetentionDays,
    ...(state.awaitingSince && { awaitingSince: state.awaitingSince }),
    ...(options.dpmsClientCidrs && { dpmsClientCidrs: options.dpmsClientCidrs }),
    ...(options.allowedClients && { allowedClients: options.allowedClients }),
  };
  const source = await acts.sourceChecks.checkCutoverReadiness(args).catch((err: unknown): Finding[] => {
    if (!(err instanceof ActivityFailure)) throw err;
    return [{ check: 'source', level: 'error', message: `${failureType(err) ?? 'Error'}: ${failureMessage(err)}` }];
  });
  const report = {
    ...buildReport(request.service, [...stateFindings(state), ...source], overrides),
    checkedAt: new Date().toISOString(),
  };
  state.cutoverChecks = report;
  if (!report.ok) log.warn('cutover blocked', { blocking: report.blocking });
  return report;
}

/** One line naming what blocks, for a refusal and a notification. */
export function blockedMessage(report: CutoverReport): string {
  const reasons = report.findings
    .filter((f) => f.level === 'error')
    .map((f) => `${f.check}: ${f.message}`)
    .join('; ');
  const overrides = report.blocking.map((check) => `--override ${check}`).join(' ');
  return `cutover blocked by ${report.blocking.join(', ')} — ${reasons}. Fix them, or accept them with ${overrides}`;
}

/** Baseline before startMigration; a source the worker cannot read is noted, and the gate skips what needs it. */
export async function recordBaseline(
  acts: ActivityProxies,
  request: MigrationRequest,
  state: MigrationState,
): Promise<void> {
  state.sourceBaseline = await acts.sourceChecks
    .readSourceBaseline({ migrationExecution: request.migrationExecution })
    .catch((err: unknown): SourceBaseline => ({ skipped: `${failureType(err) ?? 'Error'}: ${failureMessage(err)}` }));
}
