// The rollout's state and the rules over it, pure (no Temporal): which members to drive next within the wave's
// and the projects' caps, what a member's observation means for the action, the failure budget, the health gate,
// the bounded audit trail and the status the `status` query answers.
import type { MemberDriveResult, MemberObservation } from '../../activities/rollout';
import type { RolloutAction, RolloutInput, RolloutWave } from '../../schemas/rollout';
import type {
  AuditRecord,
  MemberPhase,
  MemberState,
  RolloutEta,
  RolloutResult,
  RolloutState,
  RolloutStatus,
  WaveStatus,
} from './messages';

/** The audit trail keeps the newest this many commands (the carried state stays small). */
export const AUDIT_LIMIT = 100;
/** Failed members listed per wave in `status`. */
const FAILED_SHOWN = 20;
/** A reason is kept to this length (a member's failure message can be long). */
const REASON_LIMIT = 500;

export function initialRolloutState(input: RolloutInput): RolloutState {
  const members: Record<string, MemberState> = {};
  for (const wave of input.waves) for (const member of wave.members) members[member.service] = { p: 'pending' };
  return {
    wave: 0,
    gate: 'members',
    approvals: {},
    acknowledgedFailures: 0,
    members,
    audit: [],
    auditDropped: 0,
    notified: [],
    commands: 0,
    continuedAsNew: 0,
  };
}

/** projects/P/locations/L/services/S → P. */
export function projectOf(service: string): string {
  return service.split('/')[1] ?? service;
}

export function phaseOf(state: RolloutState, service: string): MemberPhase {
  return state.members[service]?.p ?? 'pending';
}

export function servicesOf(wave: RolloutWave): string[] {
  return wave.members.map((member) => member.service);
}

/** The failures a wave may have: max(count, ⌊percent × size / 100⌋). */
export function failureBudget(wave: RolloutWave): number {
  const { count, percent } = wave.failureBudget;
  return Math.max(count, Math.floor((percent * wave.members.length) / 100));
}

export function failedCount(state: RolloutState, wave: RolloutWave): number {
  return servicesOf(wave).filter((service) => phaseOf(state, service) === 'failed').length;
}

/** Failures beyond those a resume accepted, over the budget: the rollout pauses itself. */
export function overBudget(state: RolloutState, wave: RolloutWave): boolean {
  return failedCount(state, wave) - state.acknowledgedFailures > failureBudget(wave);
}

/**
 * The pending members to drive now, in the wave's order: at most maxParallel of the wave in progress at once, and
 * at most the project's cap of any project.
 */
export function nextToDrive(input: RolloutInput, state: RolloutState): RolloutWave['members'] {
  const wave = input.waves[state.wave]!;
  const busy = new Map<string, number>();
  let inProgress = 0;
  for (const service of servicesOf(wave)) {
    if (phaseOf(state, service) !== 'inProgress') continue;
    inProgress++;
    busy.set(projectOf(service), (busy.get(projectOf(service)) ?? 0) + 1);
  }
  const chosen: RolloutWave['members'] = [];
  for (const member of wave.members) {
    if (inProgress + chosen.length >= wave.maxParallel) break;
    if (phaseOf(state, member.service) !== 'pending') continue;
    const project = projectOf(member.service);
    const cap = wave.perProject[project];
    if (cap !== undefined && (busy.get(project) ?? 0) >= cap) continue;
    busy.set(project, (busy.get(project) ?? 0) + 1);
    chosen.push(member);
  }
  return chosen;
}

/** A drive's answer: accepted (or already ended: its outcome decides) → in progress; refused or not found → failed. */
export function applyDrive(state: RolloutState, results: readonly MemberDriveResult[]): void {
  for (const { service, result, reason } of results) {
    const member = state.members[service];
    // Skipped while its drive ran: the rollout no longer follows it, whatever the answer.
    if (!member || member.p === 'skipped') continue;
    if (result === 'accepted' || result === 'alreadyDone') {
      state.members[service] = { ...keepTries(member), p: 'inProgress', ...(reason && { reason: clip(reason) }) };
    } else {
      state.members[service] = { ...keepTries(member), p: 'failed', reason: clip(`${result}: ${reason ?? ''}`) };
    }
  }
}

/**
 * Which reading of an observation a run takes (each a patch: it changes when a wave settles, so a run from before
 * goes on reading as it did).
 *
 * `outgoingBackfill` (rollout-outgoing-backfill): an outgoing member never waits in REPLICATION — its backfill runs,
 * then it sits in ROLLBACK_WINDOW for days — so for `start` it has reached the target once its backfill ended
 * SUCCEEDED; a backfill that SUCCEEDED but lost tables is a failed member (the tables named), counted against the
 * budget, since the data is not all there. Without it, such a member stays in progress.
 *
 * `rollbackWindowDone` (rollout-complete-rollback-window): for `complete`, an outgoing member in ROLLBACK_WINDOW has
 * SUCCEEDED — its cutover is done, and complete no longer applies there (the member refuses it; only a rollback
 * does) — so it has reached the target, or failed if its verification found differences (as when it has ended).
 * Without it, it stayed in progress until its window ended, days later.
 */
export interface ClassifyRules {
  outgoingBackfill?: boolean;
  rollbackWindowDone?: boolean;
}

/** What an observation means for the action: reached its target, failed (why), or still in progress. */
export function classify(
  action: RolloutAction,
  wave: RolloutWave,
  o: MemberObservation,
  rules: ClassifyRules = {},
): { p: 'reached' | 'failed' | 'inProgress'; reason?: string } {
  if (o.status === 'NOT_FOUND') return { p: 'failed', reason: 'no migration workflow' };
  if (o.setAside !== undefined) return { p: 'failed', reason: `set aside: ${o.setAside}` };
  const backfillEnded = o.stage === 'ROLLBACK_WINDOW' || (o.status !== 'RUNNING' && o.outcome === 'SUCCEEDED');
  if (action === 'start' && rules.outgoingBackfill && backfillEnded) {
    if (o.backfillFailures !== undefined) return { p: 'failed', reason: o.backfillFailures };
    if (o.status === 'RUNNING') return { p: 'reached', reason: 'backfill SUCCEEDED: in its rollback window' };
  }
  const inWindow = o.status === 'RUNNING' && o.stage === 'ROLLBACK_WINDOW';
  if (action === 'complete' && rules.rollbackWindowDone && inWindow) {
    if (wave.gate.health.verificationClean && o.verification === 'mismatch') return VERIFICATION_MISMATCH;
    return { p: 'reached', reason: 'SUCCEEDED: in its rollback window, where complete no longer applies' };
  }
  if (o.status === 'RUNNING') {
    // start: waiting for the engineer's decision in REPLICATION (or already cutting over: further than the target).
    // complete/cancel: in progress until the migration has ended.
    const past = o.stage === 'REPLICATION' || o.stage === 'COMPLETING';
    return action === 'start' && past ? { p: 'reached' } : { p: 'inProgress' };
  }
  const ended = `ended ${o.status}${o.outcome ? ` ${o.outcome}` : ''}${o.reason ? `: ${o.reason}` : ''}`;
  if (action === 'cancel') return o.outcome === 'CANCELLED' ? { p: 'reached' } : { p: 'failed', reason: ended };
  if (o.outcome !== 'SUCCEEDED') return { p: 'failed', reason: ended };
  // start: a member that went further (cut over elsewhere) has passed its target.
  if (action === 'complete' && wave.gate.health.verificationClean && o.verification === 'mismatch') {
    return VERIFICATION_MISMATCH;
  }
  return { p: 'reached', reason: ended };
}

const VERIFICATION_MISMATCH = {
  p: 'failed',
  reason: 'cut over, but its verification found differences (see its status)',
} as const;

/** Applies observations: a member's phase from what it is now (a reached member may fail later, e.g. during soak). */
export function applyObservations(
  input: RolloutInput,
  state: RolloutState,
  observations: readonly MemberObservation[],
  rules: ClassifyRules = {},
): void {
  const wave = input.waves[state.wave]!;
  for (const o of observations) {
    const member = state.members[o.service];
    if (!member || member.p === 'skipped' || member.p === 'pending') continue;
    const { p, reason } = classify(input.action, wave, o, rules);
    const ended = o.status !== 'RUNNING' && o.status !== 'NOT_FOUND';
    state.members[o.service] = {
      ...keepTries(member),
      p,
      ...(reason && { reason: clip(reason) }),
      ...(p === 'inProgress' && { seen: JSON.stringify(o) }),
      ...(ended && { ended: true }),
      ...(o.outcome === 'SUCCEEDED' && { cutOver: true }),
    };
  }
}

/** Why the health gate does not pass (the first few members), or undefined. */
export function healthProblem(wave: RolloutWave, observations: readonly MemberObservation[]): string | undefined {
  if (!wave.gate.health.sourceHealthNotError) return undefined;
  const sick = observations.filter((o) => o.status === 'RUNNING' && o.sourceHealth === 'ERROR').map((o) => o.service);
  if (sick.length === 0) return undefined;
  const named = sick.slice(0, 5).join(', ') + (sick.length > 5 ? ` and ${sick.length - 5} more` : '');
  return `source health ERROR: ${named}`;
}

export function record(state: RolloutState, entry: Omit<AuditRecord, 'at' | 'wave'>, at: string): void {
  state.audit.push({ at, wave: state.wave + 1, ...entry });
  const over = state.audit.length - AUDIT_LIMIT;
  if (over > 0) {
    state.audit.splice(0, over);
    state.auditDropped += over;
  }
}

/** `nowMs` defaults to the workflow's time to the minute: the ETA then changes at most once a minute by itself, so
 * `rollout watch` on a pipe (a line per change) is not a line per poll. */
export function statusOf(
  input: RolloutInput,
  state: RolloutState,
  nowMs = Math.floor(Date.now() / 60_000) * 60_000,
): RolloutStatus {
  const finished = state.wave >= input.waves.length;
  return {
    name: input.name,
    action: input.action,
    currentWave: state.wave + 1,
    gate: state.aborted ? 'aborted' : finished ? 'finished' : state.gate,
    ...(state.gate === 'soak' && state.soakUntil && { soakUntil: state.soakUntil }),
    ...(state.healthProblem && { healthProblem: state.healthProblem }),
    ...(state.paused && { paused: state.paused }),
    waves: input.waves.map((wave, index) => waveStatus(state, wave, index)),
    eta: finished || state.aborted ? 'unknown' : etaOf(input, state, nowMs),
    audit: state.audit,
    auditDropped: state.auditDropped,
    continuedAsNew: state.continuedAsNew,
  };
}

/**
 * The ETA from the current wave's pace: members settled (reached, failed, skipped) per minute since it started.
 * Unknown until one has settled. Wave end: the rest of its members at that pace, then what is left of its soak;
 * rollout end: after it, each later wave's members at that pace and its soak. Approval gates are not counted.
 */
export function etaOf(input: RolloutInput, state: RolloutState, nowMs: number): RolloutEta | 'unknown' {
  const wave = input.waves[state.wave];
  const started = state.waveStartedAt === undefined ? NaN : Date.parse(state.waveStartedAt);
  if (!wave || Number.isNaN(started)) return 'unknown';
  const settled = servicesOf(wave).filter((service) => {
    const p = phaseOf(state, service);
    return p === 'reached' || p === 'failed' || p === 'skipped';
  }).length;
  if (settled < 1) return 'unknown';
  // At least a second: members settled within the wave's first moment would give an infinite pace.
  const minutes = Math.max(nowMs - started, 1000) / 60_000;
  const perMinute = settled / minutes;
  const membersMs = (count: number) => (count / perMinute) * 60_000;
  const soakLeft =
    state.gate === 'members'
      ? wave.soakSeconds * 1000
      : state.gate === 'soak' && state.soakUntil
        ? Math.max(0, Date.parse(state.soakUntil) - nowMs)
        : 0;
  const left = state.gate === 'members' ? wave.members.length - settled : 0;
  const waveEnd = nowMs + membersMs(left) + soakLeft;
  const later = input.waves
    .slice(state.wave + 1)
    .reduce((sum, next) => sum + membersMs(next.members.length) + next.soakSeconds * 1000, 0);
  return {
    perMinute: Math.round(perMinute * 100) / 100,
    waveEndsAt: new Date(waveEnd).toISOString(),
    rolloutEndsAt: new Date(waveEnd + later).toISOString(),
  };
}

export function resultOf(input: RolloutInput, state: RolloutState): RolloutResult {
  return { ...statusOf(input, state), outcome: state.aborted ? 'ABORTED' : 'FINISHED' };
}

function waveStatus(state: RolloutState, wave: RolloutWave, index: number): WaveStatus {
  const counts: Record<MemberPhase, number> = { pending: 0, inProgress: 0, reached: 0, failed: 0, skipped: 0 };
  const failed: WaveStatus['failed'] = [];
  for (const service of servicesOf(wave)) {
    const member = state.members[service] ?? { p: 'pending' };
    counts[member.p]++;
    if (member.p === 'failed' && failed.length < FAILED_SHOWN) failed.push({ service, reason: member.reason ?? '' });
  }
  return {
    wave: index + 1,
    name: wave.name,
    canary: wave.canary,
    state: index < state.wave ? 'done' : index === state.wave ? 'running' : 'waiting',
    size: wave.members.length,
    counts,
    failed,
    failureBudget: failureBudget(wave),
  };
}

/** Members an abort with cancelMembers asks to cancel: those the rollout drove whose migration still runs. */
export function membersToCancel(state: RolloutState): string[] {
  return Object.entries(state.members)
    .filter(([, m]) => (m.p === 'inProgress' || m.p === 'reached' || m.p === 'failed') && !m.ended && !m.cutOver)
    .filter(([, m]) => m.p !== 'failed' || m.reason?.startsWith('refused'))
    .map(([service]) => service);
}

/** Members seen cut over (SUCCEEDED). */
export function cutOverMembers(state: RolloutState): string[] {
  return Object.entries(state.members)
    .filter(([, m]) => m.cutOver)
    .map(([service]) => service);
}

function keepTries(member: MemberState): Pick<MemberState, 'tries'> {
  return member.tries === undefined ? {} : { tries: member.tries };
}

function clip(text: string): string {
  return text.length > REASON_LIMIT ? `${text.slice(0, REASON_LIMIT - 1)}…` : text;
}
