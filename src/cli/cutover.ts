// The CLI's cutover: `complete` asks through the workflow's update, which runs the cutover checks first and is
// refused with their reasons (CutoverBlocked); `complete --dry-run` shows the checks without deciding anything.
import { verdictLine, type CutoverReport } from '../migration/report';
import type { MigrationStatus } from '../migration/state';
import { baselineWhen } from '../migration/source';
import { findingLines } from './findings';
import { type Progress, sourceCheckLine } from './progress';

export function formatCutover(report: CutoverReport): string {
  const lines = [
    `cutover checks for ${report.service} (${report.checkedAt}): ${verdictLine(report, 'ready for cutover')}`,
  ];
  lines.push(...findingLines(report.findings));
  if (report.overridden.length > 0) lines.push(`overridden: ${report.overridden.join(', ')}`);
  const notRun = report.blocking.filter((check) => report.notRun?.includes(check));
  if (notRun.length > 0)
    lines.push(`did not run: ${notRun.join(', ')} — let the worker reach the source (e.g. run it in its VPC)`);
  if (!report.ok) lines.push(`to complete anyway: ${report.blocking.map((c) => `--override ${c}`).join(' ')}`);
  return lines.join('\n');
}

/** status lines: source checks (the last and next, and the last changes) and the last cutover check. */
export function formatSourceHealth(s: MigrationStatus, check?: Progress['sourceCheck'], now?: Date): string[] {
  const lines: string[] = [];
  if (check) lines.push(`source     ${sourceCheckLine(check, now)}`);
  const health = s.sourceHealth;
  if (health) {
    for (const c of health.changes.slice(-5))
      lines.push(`           ${c.at} ${c.check} ${c.from ?? 'new'} → ${c.to}: ${c.message}`);
  }
  const baseline = s.sourceBaseline;
  if (baseline) {
    lines.push(
      'skipped' in baseline
        ? `baseline   not recorded ${baselineWhen(baseline)}: ${baseline.skipped}`
        : `baseline   schema ${baseline.schemaVersion ?? 'unversioned'}; clients ${baselineWhen(baseline)}: ${baseline.hosts.join(', ') || 'none'}`,
    );
  }
  const checks = s.cutoverChecks;
  if (checks) {
    lines.push(`cutover    checked ${checks.checkedAt}: ${verdictLine(checks, 'ready')}`);
  }
  return lines;
}
