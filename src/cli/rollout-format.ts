// What `rollout lint` and `rollout plan` print: the waves in order with their counts, effective caps and gates,
// then the problems as `severity  path: message` lines; and what `rollout status` and `watch` print of a running
// rollout.
import { formatDuration } from './duration';
import { formatProblems } from '../rollout/problems';
import type { RolloutProblem } from '../rollout/problems';
import type { ResolvedRollout, ResolvedWave } from '../rollout/resolve';
import type { BulkDecisionSummary, RolloutStatus } from '../workflows/rollout/messages';
import type { OnlineReport } from './rollout-online';
import type { MemberPrecheck, PrecheckOutcome } from './rollout-prechecks';

export function formatRollout(rollout: ResolvedRollout): string {
  const members = rollout.waves.reduce((sum, wave) => sum + wave.members.length, 0);
  const head =
    `rollout ${rollout.name} (${rollout.kind}): ${rollout.waves.length} waves, ${members} members, ` +
    `API budget ${rollout.policies.apiBudgetPerProject} req/s per project`;
  const unplaced = rollout.unplaced.length > 0 ? [`in no wave: ${rollout.unplaced.length}`] : [];
  return [head, ...rollout.waves.map(formatWave), ...unplaced].join('\n');
}

function formatWave(wave: ResolvedWave): string {
  const cap =
    wave.maxParallel.decidedBy === 'none'
      ? 'all at once'
      : `at most ${wave.maxParallel.limit} at once (by ${wave.maxParallel.decidedBy})`;
  const soak = wave.soakSeconds > 0 ? `soak ${formatDuration(wave.soakSeconds * 1000)}` : 'no soak';
  const lines = [
    `wave ${wave.number} ${wave.name}${wave.canary ? ' [canary]' : ''}: ${count(wave.members.length, 'member')} ` +
      `(${wave.selection}), ${cap}, ${soak}, then ${wave.gate.advance === 'approval' ? 'approval' : 'auto-advance'}, ` +
      `failures allowed ${wave.allowedFailures}`,
  ];
  for (const project of wave.perProject) {
    const limit =
      project.decidedBy === 'none' ? 'all at once' : `at most ${project.limit} at once (${project.decidedBy})`;
    lines.push(
      `  project ${project.project}: ${count(project.members, 'member')}, ${limit}, ` +
        `≈ ${project.readsPerSecond} API reads/s at the cap`,
    );
  }
  return lines.join('\n');
}

export function formatOnline(report: OnlineReport): string {
  return (
    `online (read only): ${count(report.runningWorkflows, 'running migration workflow')}; ${report.locations} locations read ` +
    `with ${report.requests} services.list requests, ≤ ${report.ratePerSecond} req/s per project, ` +
    `${report.concurrency} at a time`
  );
}

/** The blocked members plan names per wave; --json has them all. */
export const BLOCKED_SHOWN = 10;

/**
 * The members' prechecks: a line of how they ran, then per wave its counts, the first BLOCKED_SHOWN blocked members
 * with what blocks them, and the checks that warned or did not run, by how many members.
 */
export function formatPrechecks(outcome: PrecheckOutcome): string {
  if (!outcome.ran) return `prechecks not run: ${outcome.reason === 'skipped' ? '--skip-prechecks' : outcome.message}`;
  const lines = [
    `prechecks (planMigration on the worker, read only): ${count(outcome.planned, 'member')} planned in ` +
      `${outcome.seconds} s, ${outcome.concurrency} at a time, at most ${outcome.perProject} per project`,
  ];
  for (const wave of outcome.waves) {
    const counts = [`${wave.ready} ready`, `${wave.blocked} blocked`, `${wave.warnings} with warnings`];
    if (wave.notPlanned > 0) counts.push(`${wave.notPlanned} not planned (in conflict or invalid)`);
    lines.push(`wave ${wave.wave} ${wave.name}: ${counts.join(', ')}`);
    const members = outcome.members.filter((member) => member.wave === wave.wave);
    const blocked = members.filter((member) => member.verdict === 'blocked');
    for (const member of blocked.slice(0, BLOCKED_SHOWN))
      lines.push(`  blocked  ${member.service}: ${member.reasons.join('; ')}`);
    if (blocked.length > BLOCKED_SHOWN)
      lines.push(`  … and ${blocked.length - BLOCKED_SHOWN} more blocked (--json has them all)`);
    const warned = warningChecks(members.filter((member) => member.verdict === 'warnings'));
    if (warned) lines.push(`  warnings: ${warned}`);
  }
  return lines.join('\n');
}

/** `check (n), check not run (n)`: what the members with warnings have, by check, most members first. */
function warningChecks(members: readonly MemberPrecheck[]): string {
  const byCheck = new Map<string, number>();
  for (const member of members)
    for (const finding of member.findings ?? []) {
      if (finding.level !== 'warning' && finding.level !== 'skipped') continue;
      const what = finding.level === 'skipped' ? `${finding.check} not run` : finding.check;
      byCheck.set(what, (byCheck.get(what) ?? 0) + 1);
    }
  return [...byCheck.entries()]
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
    .map(([what, n]) => `${what} (${n})`)
    .join(', ');
}

export function formatProblemsSection(problems: readonly RolloutProblem[]): string {
  if (problems.length === 0) return 'no problems';
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  return `${count(errors, 'error')}, ${count(problems.length - errors, 'warning')}:\n${formatProblems(problems)}`;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The newest commands `rollout status` shows; --json has all the workflow keeps. */
const AUDIT_SHOWN = 5;

/** `rollout status` and `rollout watch`: the rollout's gate, then per wave its members by state and the failed. */
export function formatRolloutStatus(status: RolloutStatus, closed = false): string {
  const waves = status.waves.length;
  const at = Math.min(status.currentWave, waves);
  const lines = [
    `rollout ${status.name} · ${status.action} · wave ${at}/${waves} · ${gateWords(status)}${closed ? ' (workflow closed)' : ''}`,
  ];
  if (status.paused) lines.push(`paused     by ${status.paused.by} at ${status.paused.at}: ${status.paused.reason}`);
  for (const wave of status.waves) {
    const current = wave.wave === status.currentWave && wave.state === 'running';
    const state = current && status.gate !== 'members' ? 'members settled' : wave.state;
    const { counts } = wave;
    lines.push(
      `wave ${wave.wave} ${wave.name}${wave.canary ? ' [canary]' : ''}: ${state} — ${count(wave.size, 'member')}: ` +
        `${counts.reached} reached, ${counts.inProgress} in progress, ${counts.pending} pending, ` +
        `${counts.failed} failed, ${counts.skipped} skipped (failures allowed ${wave.failureBudget})`,
    );
    for (const failed of wave.failed) lines.push(`  failed   ${failed.service}: ${failed.reason}`);
    if (wave.failed.length < counts.failed) lines.push(`  failed   … ${counts.failed - wave.failed.length} more`);
  }
  const eta = etaWords(status);
  if (eta) lines.push(`eta        ${eta}`);
  const next = nextStep(status);
  if (next) lines.push(`next       ${next}`);
  const shown = status.audit.slice(-AUDIT_SHOWN);
  const total = status.audit.length + status.auditDropped;
  if (shown.length > 0) lines.push(`last commands (${shown.length} of ${total}):`);
  for (const entry of shown) {
    const about = entry.service ? ` ${entry.service}` : '';
    const ref = entry.changeReference ? ` [${entry.changeReference}]` : '';
    const note = entry.note ? ` (${entry.note})` : '';
    lines.push(
      `  ${entry.at}  wave ${entry.wave}  ${entry.command}${about} by ${entry.by}: ${entry.reason}${ref}${note}`,
    );
    if (entry.bulk) lines.push(...bulkLines(entry.bulk));
  }
  return lines.join('\n');
}

/** The estimate at the current wave's pace; unknown until one of its members has settled. Absent: nothing to say. */
function etaWords(status: RolloutStatus): string | undefined {
  if (status.eta === undefined || status.gate === 'finished' || status.gate === 'aborted') return undefined;
  if (status.eta === 'unknown') return `unknown until a member of wave ${status.currentWave} has settled`;
  const { perMinute, waveEndsAt, rolloutEndsAt } = status.eta;
  return (
    `wave ${status.currentWave} ends ~${waveEndsAt}, the rollout ~${rolloutEndsAt} ` +
    `(${perMinute} members/min; approvals not counted)`
  );
}

/** A bulk decision's record: what it asked, its counts, and the first members refused with why. */
function bulkLines(bulk: BulkDecisionSummary): string[] {
  const c = bulk.counts;
  const counts =
    `accepted ${c.accepted ?? 0}, refused ${c.refused ?? 0}, already done ${c.alreadyDone ?? 0}, ` +
    `not found ${c.notFound ?? 0}${(c.failed ?? 0) > 0 ? `, not asked ${c.failed}` : ''}`;
  return [
    `      ${bulk.action} (${bulk.id}): ${counts}`,
    ...bulk.refused.map((member) => `      refused ${member.service}: ${member.reason}`),
  ];
}

function gateWords(status: RolloutStatus): string {
  switch (status.gate) {
    case 'members':
      return 'driving its members';
    case 'soak':
      return `soaking${status.soakUntil ? ` until ${status.soakUntil}` : ''}`;
    case 'health':
      return `health gate${status.healthProblem ? `: ${status.healthProblem}` : ''}`;
    case 'approval':
      return 'waits for approval';
    case 'finished':
      return 'finished';
    case 'aborted':
      return 'aborted';
  }
}

/** The command the current gate waits for, as the engineer would type it. */
function nextStep(status: RolloutStatus): string | undefined {
  const rollout = `--rollout ${status.name}`;
  if (status.paused) return `metastore-migrator rollout resume ${rollout} --reason …`;
  if (status.gate === 'approval')
    return `metastore-migrator rollout approve ${rollout} --wave ${status.currentWave} --reason … [--change-reference …]`;
  return undefined;
}
