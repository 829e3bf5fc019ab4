// The plan report and the cutover report: findings, with the engineer's overrides applied. Pure functions over
// plain JSON, so the workflow can build the report deterministically from its activities' answers.
import type { Finding } from './findings';

export interface PlanReport {
  service: string;
  /** True when nothing blocks the migration (every error was overridden by name). */
  ok: boolean;
  findings: Finding[];
  /** Error checks that the engineer overrode, still listed as warnings. */
  overridden: string[];
  /** Error checks that block the start. */
  blocking: string[];
}

export function buildReport(service: string, findings: Finding[], overrides: readonly string[]): PlanReport {
  const overridden: string[] = [];
  const blocking: string[] = [];
  const adjusted = findings.map((f) => {
    if (f.level !== 'error') return f;
    if (overrides.includes(f.check)) {
      overridden.push(f.check);
      return { ...f, level: 'warning' as const, message: `${f.message} (overridden)` };
    }
    blocking.push(f.check);
    return f;
  });
  return { service, ok: blocking.length === 0, findings: adjusted, overridden, blocking };
}

/** One line per blocking finding, for a failure message. */
export function blockingSummary(report: PlanReport): string {
  return report.findings
    .filter((f) => f.level === 'error')
    .map((f) => `${f.check}: ${f.message}`)
    .join('; ');
}

/** The cutover readiness checks as last run (complete, complete --dry-run). */
export interface CutoverReport extends PlanReport {
  checkedAt: string;
}

/** One line naming what blocks cutover, for a refusal and a notification. */
export function blockedMessage(report: CutoverReport): string {
  const reasons = report.findings
    .filter((f) => f.level === 'error')
    .map((f) => `${f.check}: ${f.message}`)
    .join('; ');
  const overrides = report.blocking.map((check) => `--override ${check}`).join(' ');
  return `cutover blocked by ${report.blocking.join(', ')} — ${reasons}. Fix them, or accept them with ${overrides}`;
}
