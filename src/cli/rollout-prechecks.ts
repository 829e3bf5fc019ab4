// `rollout plan`'s last part: every member's prechecks, as `rollout start` would have its member start them — the
// member's merged request planned by the same planMigration workflow `plan` runs (run-plan.ts), on the worker,
// changing nothing. A member already in conflict (a running workflow, MIGRATING, not found) or with an invalid
// request is not planned: its problem already says why it cannot start. The plans run PRECHECK_CONCURRENCY at a
// time and, per project, at most half the manifest's apiBudgetPerProject (rounded up): each plan makes a few API
// reads, which the worker paces by its own per-project budget as well, so more plans at once would only queue there
// and take the running migrations' share.
import { WorkflowFailedError } from '@temporalio/client';
import type { PrecheckReport } from '../migration/dry-run';
import type { Finding } from '../migration/findings';
import type { RolloutProblem } from '../rollout/problems';
import type { ResolvedMember, ResolvedRollout } from '../rollout/resolve';
import type { MigrationRequest } from '../schemas';
import { eachPaced } from './paced';

export const PRECHECK_CONCURRENCY = 4;

/** The online problems that make a member a conflict: it cannot start, so it is not planned. */
const CONFLICTS: ReadonlySet<string> = new Set(['workflow-running', 'service-migrating', 'service-unreadable']);

/**
 * ready: nothing blocks and every check ran clean; warnings: nothing blocks, but a check warned (an overridden error
 * among them) or did not run here; blocked: an error blocks its start (or its plan failed); not planned: see above.
 */
export type Verdict = 'ready' | 'warnings' | 'blocked' | 'not planned';

export interface MemberPrecheck {
  service: string;
  /** 1-based, as plan prints waves. */
  wave: number;
  verdict: Verdict;
  /** `check: message` of what blocks, or of what warned and what did not run; for not planned, why. */
  reasons: string[];
  /** Every finding of its plan (absent when not planned, or when the plan itself failed). */
  findings?: Finding[];
}

export interface WavePrechecks {
  wave: number;
  name: string;
  ready: number;
  warnings: number;
  blocked: number;
  notPlanned: number;
}

export type PrecheckOutcome =
  | {
      ran: true;
      planned: number;
      concurrency: number;
      perProject: number;
      seconds: number;
      waves: WavePrechecks[];
      members: MemberPrecheck[];
    }
  /**
   * skipped: --skip-prechecks; invalid manifest: its errors come first (plan exits 2), and hundreds of plans take
   * minutes; no worker: nothing would run the plans (the message says how to start one).
   */
  | { ran: false; reason: 'skipped' | 'invalid manifest' | 'no worker'; message: string };

/** The plans at most at once in one project: half the manifest's budget, rounded up, at least one. */
export const perProjectPlans = (apiBudgetPerProject: number): number =>
  Math.min(PRECHECK_CONCURRENCY, Math.max(1, Math.ceil(apiBudgetPerProject / 2)));

export async function precheckMembers(
  rollout: ResolvedRollout,
  onlineProblems: readonly RolloutProblem[],
  plan: (request: MigrationRequest) => Promise<PrecheckReport>,
  onProgress?: (done: number, total: number) => void,
): Promise<Extract<PrecheckOutcome, { ran: true }>> {
  const startedAt = Date.now();
  const conflicts = conflictsByIndex(onlineProblems);
  const members: MemberPrecheck[] = [];
  const toPlan: { member: ResolvedMember; request: MigrationRequest; result: MemberPrecheck }[] = [];
  for (const wave of rollout.waves)
    for (const member of wave.members) {
      const result: MemberPrecheck = {
        service: member.service,
        wave: wave.number,
        verdict: 'not planned',
        reasons: [],
      };
      members.push(result);
      const conflict = conflicts.get(member.index);
      if (conflict) result.reasons.push(`in conflict: ${conflict}`);
      else if (!member.request) result.reasons.push('its request is invalid (see the problems)');
      else toPlan.push({ member, request: member.request, result });
    }
  const perProject = perProjectPlans(rollout.policies.apiBudgetPerProject);
  let done = 0;
  await eachPaced(
    toPlan,
    (item) => item.member.project,
    PRECHECK_CONCURRENCY,
    perProject,
    async ({ request, result }) => {
      Object.assign(result, await planned(() => plan(request)));
      onProgress?.((done += 1), toPlan.length);
    },
  );
  return {
    ran: true,
    planned: toPlan.length,
    concurrency: PRECHECK_CONCURRENCY,
    perProject,
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    waves: rollout.waves.map((wave) => waveCounts(wave.number, wave.name, members)),
    members,
  };
}

/** One member's verdict from its plan; a plan that failed (an invalid request on the worker, …) blocks. */
async function planned(run: () => Promise<PrecheckReport>): Promise<Omit<MemberPrecheck, 'service' | 'wave'>> {
  let report: PrecheckReport;
  try {
    report = await run();
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const cause = err.cause as (Error & { type?: string }) | undefined;
    const why = cause ? `${cause.type ?? cause.name}: ${cause.message}` : err.message;
    return { verdict: 'blocked', reasons: [`its plan failed: ${why}`] };
  }
  return { ...verdictOf(report), findings: report.findings };
}

/** The verdict of a plan's report: its errors are what blocks (an overridden one is a warning there already). */
export function verdictOf(report: Pick<PrecheckReport, 'ok' | 'findings'>): { verdict: Verdict; reasons: string[] } {
  const line = (f: Finding) => `${f.check}: ${f.message}`;
  if (!report.ok) return { verdict: 'blocked', reasons: report.findings.filter((f) => f.level === 'error').map(line) };
  const warned = [
    ...report.findings.filter((f) => f.level === 'warning').map(line),
    ...report.findings.filter((f) => f.level === 'skipped').map((f) => `${f.check} not run: ${f.message}`),
  ];
  return warned.length > 0 ? { verdict: 'warnings', reasons: warned } : { verdict: 'ready', reasons: [] };
}

function waveCounts(wave: number, name: string, members: readonly MemberPrecheck[]): WavePrechecks {
  const of = members.filter((member) => member.wave === wave);
  const count = (verdict: Verdict) => of.filter((member) => member.verdict === verdict).length;
  return {
    wave,
    name,
    ready: count('ready'),
    warnings: count('warnings'),
    blocked: count('blocked'),
    notPlanned: count('not planned'),
  };
}

/** migrations[] index → the conflict's message, from the online problems at `migrations.N.service`. */
function conflictsByIndex(problems: readonly RolloutProblem[]): Map<number, string> {
  const conflicts = new Map<number, string>();
  for (const problem of problems) {
    const index = /^migrations\.(\d+)\.service$/.exec(problem.path)?.[1];
    if (problem.severity === 'error' && CONFLICTS.has(problem.code) && index !== undefined)
      conflicts.set(Number(index), problem.message);
  }
  return conflicts;
}
