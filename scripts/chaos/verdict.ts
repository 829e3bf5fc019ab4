// The end of a chaos run: every migration checked against the emulator's own state (not the workflow's word),
// summed into the figures the run prints. Pure, so the rules are unit-tested apart from the processes.
import type { Fate } from './plan';

export interface BackupSetting {
  enabled?: boolean;
  cronSchedule?: string;
  timeZone?: string;
  backupLocation?: string;
}

export interface MigrationFacts {
  service: string;
  fate: Fate;
  /** An engineer's decision: accepted by the workflow (the CLI said so), after how many CLI runs. */
  decision?: { accepted: boolean; attempts: number; sentWhileNoWorker: boolean };
  /** An outside action (console cancel, execution failure) was taken on a RUNNING execution. */
  outsideActionTaken?: boolean;
  /** The workflow's end: COMPLETED with its outcome, FAILED with its failure type, or still RUNNING etc. */
  workflow: { status: string; outcome?: string; failureType?: string; failureMessage?: string };
  /** What the emulator holds. */
  executions: { name: string; state: string }[];
  serviceState?: string;
  scheduledBackup?: BackupSetting;
}

export interface Verdict {
  migrations: number;
  reachedExpectedEnd: number;
  duplicateExecutions: number;
  backupsRestored: number;
  decisionsAccepted: number;
  decisionsAcceptedWhileNoWorker: number;
  acceptedDecisionsLost: number;
  /** One line per migration that did not end as expected, saying how. */
  problems: string[];
}

interface ExpectedEnd {
  workflow: string;
  outcome?: string;
  failureType?: string;
  execution: string;
  /** A cancel accepted while the prechecks still ran ends with no execution at all: the right end too. */
  orNoExecution?: boolean;
}

const EXPECTED: Record<Fate, ExpectedEnd> = {
  complete: { workflow: 'COMPLETED', outcome: 'SUCCEEDED', execution: 'SUCCEEDED' },
  cancel: { workflow: 'COMPLETED', outcome: 'CANCELLED', execution: 'CANCELLED', orNoExecution: true },
  'external-fail': { workflow: 'FAILED', failureType: 'MigrationFailed', execution: 'FAILED' },
  'external-cancel': { workflow: 'COMPLETED', outcome: 'CANCELLED', execution: 'CANCELLED' },
};

export function judge(facts: readonly MigrationFacts[], original: BackupSetting): Verdict {
  const verdict: Verdict = {
    migrations: facts.length,
    reachedExpectedEnd: 0,
    duplicateExecutions: 0,
    backupsRestored: 0,
    decisionsAccepted: 0,
    decisionsAcceptedWhileNoWorker: 0,
    acceptedDecisionsLost: 0,
    problems: [],
  };
  for (const migration of facts) {
    const problems = problemsOf(migration, original);
    const accepted = migration.decision?.accepted === true;
    verdict.duplicateExecutions += Math.max(0, migration.executions.length - 1);
    if (sameBackup(migration.scheduledBackup, original)) verdict.backupsRestored++;
    if (accepted) verdict.decisionsAccepted++;
    if (accepted && migration.decision?.sentWhileNoWorker) verdict.decisionsAcceptedWhileNoWorker++;
    if (problems.length === 0) verdict.reachedExpectedEnd++;
    else {
      // A decision the engineer was told was accepted, and the migration did not end that way: lost.
      if (accepted && !endedAsDecided(migration)) verdict.acceptedDecisionsLost++;
      verdict.problems.push(`${migration.service} (${migration.fate}): ${problems.join('; ')}`);
    }
  }
  return verdict;
}

function problemsOf(migration: MigrationFacts, original: BackupSetting): string[] {
  const expected = EXPECTED[migration.fate];
  const problems: string[] = [];
  if (migration.decision && !migration.decision.accepted)
    problems.push(`decision never accepted in ${migration.decision.attempts} CLI runs`);
  if (migration.outsideActionTaken === false) problems.push('the outside action found no RUNNING execution');
  const { workflow } = migration;
  if (workflow.status !== expected.workflow) {
    // Say why it failed: the failure's type and message are what an engineer would look at first.
    const why = workflow.failureType ? ` (${workflow.failureType}: ${workflow.failureMessage ?? ''})` : '';
    problems.push(`workflow ${workflow.status}${why}, expected ${expected.workflow}`);
  } else if (expected.outcome && workflow.outcome !== expected.outcome)
    problems.push(`outcome ${workflow.outcome}, expected ${expected.outcome}`);
  else if (expected.failureType && workflow.failureType !== expected.failureType)
    problems.push(`failure ${workflow.failureType}, expected ${expected.failureType}`);
  const neverStarted = expected.orNoExecution === true && migration.executions.length === 0;
  if (!neverStarted) {
    if (migration.executions.length !== 1) problems.push(`${migration.executions.length} migration executions`);
    const state = migration.executions.at(-1)?.state;
    if (state !== expected.execution) problems.push(`execution ${state ?? 'none'}, expected ${expected.execution}`);
  }
  if (migration.serviceState !== 'ACTIVE') problems.push(`service ${migration.serviceState ?? 'missing'}`);
  if (!sameBackup(migration.scheduledBackup, original)) problems.push('scheduled backups not restored');
  return problems;
}

function endedAsDecided(migration: MigrationFacts): boolean {
  const expected = EXPECTED[migration.fate];
  const executionAsDecided =
    migration.executions.some((e) => e.state === expected.execution) ||
    (expected.orNoExecution === true && migration.executions.length === 0);
  return migration.workflow.outcome === expected.outcome && executionAsDecided;
}

function sameBackup(actual: BackupSetting | undefined, original: BackupSetting): boolean {
  return (
    actual?.enabled === original.enabled &&
    actual?.cronSchedule === original.cronSchedule &&
    actual?.timeZone === original.timeZone &&
    actual?.backupLocation === original.backupLocation
  );
}

/** Seconds from each worker restart until every migration that polls before and after it has polled again. */
export function pollingAgainSeconds(
  restarts: readonly number[],
  polls: readonly { at: number; service: string }[],
): number[] {
  const byService = new Map<string, number[]>();
  for (const { at, service } of polls) {
    const times = byService.get(service) ?? [];
    times.push(at);
    byService.set(service, times);
  }
  return restarts.map((restart) => {
    let longest = 0;
    for (const times of byService.values()) {
      if (!times.some((at) => at < restart)) continue;
      const next = times.find((at) => at >= restart);
      if (next !== undefined) longest = Math.max(longest, next - restart);
    }
    return longest / 1000;
  });
}
