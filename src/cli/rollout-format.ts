// What `rollout lint` and `rollout plan` print: the waves in order with their counts, effective caps and gates,
// then the problems as `severity  path: message` lines.
import { formatDuration } from './duration';
import { formatProblems } from '../rollout/problems';
import type { RolloutProblem } from '../rollout/problems';
import type { ResolvedRollout, ResolvedWave } from '../rollout/resolve';
import type { OnlineReport } from './rollout-online';

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
    lines.push(`  project ${project.project}: ${count(project.members, 'member')}, ${limit}`);
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

export function formatProblemsSection(problems: readonly RolloutProblem[]): string {
  if (problems.length === 0) return 'no problems';
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  return `${count(errors, 'error')}, ${count(problems.length - errors, 'warning')}:\n${formatProblems(problems)}`;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
