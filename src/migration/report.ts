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
  /**
   * Checks that could not run here (skipped, whatever their level now): a headline counts them, so a report
   * with checks that did not run never reads as a clean pass. Absent from reports made before it existed.
   */
  notRun?: string[];
  /** How many checks the report holds (with notRun: "2 of 8 checks not run"). */
  checkCount?: number;
}

export interface ReportRules {
  /**
   * Checks that must have run: skipped, each is an error (which blocks unless overridden by name), the reason it
   * did not run kept in its message. The cutover gate's source checks: without them, complete is a blind cutover.
   */
  mustRun?: readonly string[];
}

export function buildReport(
  service: string,
  findings: Finding[],
  overrides: readonly string[],
  rules: ReportRules = {},
): PlanReport {
  const overridden: string[] = [];
  const blocking: string[] = [];
  const notRun: string[] = [];
  const adjusted = findings.map((found) => {
    let f = found;
    if (f.level === 'skipped') {
      notRun.push(f.check);
      if (rules.mustRun?.includes(f.check)) f = { ...f, level: 'error', message: mustRunMessage(f) };
    }
    if (f.level !== 'error') return f;
    if (overrides.includes(f.check)) {
      overridden.push(f.check);
      return { ...f, level: 'warning' as const, message: `${f.message} (overridden)` };
    }
    blocking.push(f.check);
    return f;
  });
  return {
    service,
    ok: blocking.length === 0,
    findings: adjusted,
    overridden,
    blocking,
    notRun,
    checkCount: findings.length,
  };
}

function mustRunMessage(skipped: Finding): string {
  return `did not run, and cutover needs it: ${skipped.message}`;
}

/** The report's verdict with what did not run: "ready — 2 of 8 checks not run: a, b" or "blocked by …". */
export function verdictLine(report: PlanReport, ready: string): string {
  if (!report.ok) return `blocked by ${report.blocking.join(', ')}`;
  const notRun = report.notRun ?? [];
  if (notRun.length === 0) return ready;
  const of = report.checkCount === undefined ? '' : ` of ${report.checkCount}`;
  return `${ready} — ${notRun.length}${of} checks not run: ${notRun.join(', ')}`;
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
  const notRun = report.blocking.filter((check) => report.notRun?.includes(check));
  const reach =
    notRun.length === 0
      ? ''
      : ` ${notRun.join(', ')} did not run: let the worker reach the source (run it where it reaches the Cloud SQL ` +
        `instance's IP, e.g. in its VPC) and ask again.`;
  return `cutover blocked by ${report.blocking.join(', ')} — ${reasons}.${reach} Fix them, or accept them with ${overrides}`;
}
