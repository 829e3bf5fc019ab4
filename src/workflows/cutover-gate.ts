// The cutover readiness gate: before complete (update or signal) is acted on, the cutover checks run — the
// migration's own (src/migration/cutover.ts: execution RUNNING in REPLICATION, no unresolved API error) and its
// kind's (the source healthy, its Hive schema VERSION as at the start, the workloads moved off the self-managed
// metastore). An error blocks complete unless the engineer overrides that check by name; a check that cannot run
// is `skipped` with the reason, never a silent pass: the source's (MUST_RUN_CUTOVER_CHECKS) block like errors.
import { log } from '@temporalio/workflow';
import { MUST_RUN_CUTOVER_CHECKS, stateFindings } from '../migration/cutover';
import { blockedMessage, buildReport } from '../migration/report';
import type { CutoverReport } from '../migration/report';
import { kindSteps } from './kind-steps';
import { isPatched } from './patch-gate';
import { PATCHES } from './patches';
import type { MigrationRun } from './run';

/** Every cutover check, with `overrides` applied; recorded in state.cutoverChecks for status. */
export async function runCutoverChecks(run: MigrationRun, overrides: readonly string[]): Promise<CutoverReport> {
  const kindFindings = await kindSteps(run.kind).cutoverFindings(run);
  const mustRun = isPatched(PATCHES.skippedChecksBlock) ? MUST_RUN_CUTOVER_CHECKS : [];
  const report = {
    ...buildReport(run.service, [...stateFindings(run.state), ...kindFindings], overrides, { mustRun }),
    checkedAt: new Date().toISOString(),
  };
  run.state.cutoverChecks = report;
  if (!report.ok) log.warn('cutover blocked', { blocking: report.blocking });
  return report;
}

/**
 * A complete accepted by signal (or by an update before the gate existed) is checked right before cutover; if
 * blocked, it is set aside (kept in `requests` with the reasons), told, and the migration keeps replicating.
 */
export async function gatePasses(run: MigrationRun): Promise<boolean> {
  const decision = run.state.decision;
  if (!decision || decision.gate === 'passed' || !isPatched(PATCHES.cutoverGate)) return true;
  const report = await runCutoverChecks(run, decision.override ?? []);
  if (run.state.decision !== decision) return false; // replaced (a cancel) while the checks ran
  if (report.ok) {
    decision.gate = 'passed';
    return true;
  }
  decision.accepted = false;
  decision.note = blockedMessage(report);
  run.state.decision = undefined;
  run.notifier.emit('cutover_blocked', decision.note);
  return false;
}
