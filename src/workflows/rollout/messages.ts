// The rollout workflow's interface: its input and result, its commands (updates whose validators refuse with a
// reason, so a refused command writes no history) and its status query. Client, CLI and tests import them here.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RolloutAction, RolloutInput } from '../../schemas/rollout';

/** The rollout workflow's type and id: one rollout of a name at a time. */
export const ROLLOUT_WORKFLOW_TYPE = 'rollout';
export function rolloutWorkflowId(name: string): string {
  return `rollout/${name}`;
}

export interface RolloutArgs {
  /** The resolved rollout (src/schemas/rollout.ts): checked at the start, refused naming each bad field. */
  rollout: unknown;
  /** Set only by continue-as-new (the server marks the run continued; a start cannot set it). */
  state?: RolloutState;
}

/** What continue-as-new carries: the rollout as checked, and the state. */
export interface ContinuedRolloutArgs {
  rollout: RolloutInput;
  state: RolloutState;
}

/** Who asked and why: every command is recorded with both. */
export interface Asked {
  by: string;
  reason: string;
}

export type PauseArgs = Asked;
export type ResumeArgs = Asked;
/** Passes wave `wave`'s approval gate (the wave's number, 1-based, so a stale approval is refused). */
export interface ApproveArgs extends Asked {
  wave: number;
  /** The change ticket this approval belongs to. */
  changeReference: string;
}
/** Moves on past wave `wave`'s remaining gates (soak, health, approval): refused unless `wave` is current. */
export interface AdvanceArgs extends Asked {
  wave: number;
}
/** Stops the rollout. Members are independent migrations: they go on unless `cancelMembers`. */
export interface AbortArgs extends Asked {
  cancelMembers: boolean;
}
/** One member of the current wave, by its service name. */
export interface MemberArgs {
  service: string;
  reason: string;
  by?: string;
}

export interface CommandAnswer {
  accepted: true;
  command: string;
  /** The current wave's number after the command. */
  wave: number;
  at: string;
  note?: string;
}

export interface AbortAnswer extends CommandAnswer {
  /** Members that will be asked to cancel (their own gates may refuse; the result reports each). */
  toCancel: number;
  /** Members already cut over: a completed cutover cannot be undone, and abort does not try. */
  cutOver: string[];
}

export const pauseUpdate = defineUpdate<CommandAnswer, [PauseArgs]>('pause');
export const resumeUpdate = defineUpdate<CommandAnswer, [ResumeArgs]>('resume');
export const approveUpdate = defineUpdate<CommandAnswer, [ApproveArgs]>('approve');
export const advanceUpdate = defineUpdate<CommandAnswer, [AdvanceArgs]>('advance');
export const abortUpdate = defineUpdate<AbortAnswer, [AbortArgs]>('abort');
export const retryUpdate = defineUpdate<CommandAnswer, [MemberArgs]>('retry');
export const skipUpdate = defineUpdate<CommandAnswer, [MemberArgs]>('skip');

export type MemberPhase = 'pending' | 'inProgress' | 'reached' | 'failed' | 'skipped';

export interface WaveStatus {
  wave: number;
  name: string;
  canary: boolean;
  /** waiting (not begun), running (its members or gates), done. */
  state: 'waiting' | 'running' | 'done';
  size: number;
  counts: Record<MemberPhase, number>;
  /** The failed members with their reasons (the first 20). */
  failed: { service: string; reason: string }[];
  /** Failures the wave may have before the rollout pauses itself. */
  failureBudget: number;
}

export interface AuditRecord {
  at: string;
  command: string;
  by: string;
  reason: string;
  wave: number;
  changeReference?: string;
  service?: string;
  note?: string;
  /** A bulk decision's summary (command `bulkDecision`), as it recorded itself at its end. */
  bulk?: BulkDecisionSummary;
}

/** How many refused members a bulk decision's record names (the audit trail is carried: it stays small). */
export const BULK_REFUSED_SHOWN = 5;

/**
 * What a bulk decision (`rollout complete|cancel` of this rollout's manifest) records in the rollout's audit trail
 * at its end: a signal, since a signal cannot be refused and reaches the rollout even mid-continue-as-new.
 */
export interface BulkDecisionSummary {
  /** The bulk decision's workflow id. */
  id: string;
  action: 'complete' | 'cancel';
  by: string;
  reason: string;
  changeReference?: string;
  /** Members by result (accepted, refused, alreadyDone, notFound, failed). */
  counts: Record<string, number>;
  /** The first BULK_REFUSED_SHOWN members refused (or not asked), with their reasons. */
  refused: { service: string; reason: string }[];
}

export const recordBulkDecisionSignal = defineSignal<[BulkDecisionSummary]>('recordBulkDecision');

export interface RolloutStatus {
  name: string;
  action: RolloutAction;
  /** The current wave's number (1-based); waves.length + 1 once every wave is done. */
  currentWave: number;
  /** What the current wave waits for: its members, its soak, its health gate, its approval; or the end. */
  gate: 'members' | 'soak' | 'health' | 'approval' | 'finished' | 'aborted';
  soakUntil?: string;
  /** Why the health gate does not pass yet. */
  healthProblem?: string;
  paused?: { by: string; reason: string; at: string; byBudget: boolean };
  waves: WaveStatus[];
  /** When the current wave and the rollout should end at the current wave's pace; unknown before a member settled. */
  eta?: RolloutEta | 'unknown';
  /** The newest commands (at most AUDIT_LIMIT); auditDropped counts older ones. */
  audit: AuditRecord[];
  auditDropped: number;
  continuedAsNew: number;
}

/** One member's answer to an abort's cancel. */
export interface CancelReport {
  service: string;
  result: string;
  reason?: string;
}

export interface RolloutResult extends RolloutStatus {
  outcome: 'FINISHED' | 'ABORTED';
  /** After abort with cancelMembers: each member's answer. */
  cancelled?: CancelReport[];
}

/**
 * An estimate from the current wave's observed pace (members settled per minute since the wave started): the rest
 * of the wave at that pace plus its soak, then each later wave's members at that pace plus its soak. Approvals
 * are not counted (no one can say when they come).
 */
export interface RolloutEta {
  perMinute: number;
  waveEndsAt: string;
  rolloutEndsAt: string;
}

export const statusQuery = defineQuery<RolloutStatus>('status');

// ---- the carried state (continue-as-new): plain JSON, compact per member ----------------------------------------

export interface MemberState {
  p: MemberPhase;
  /** Why it failed, was skipped or refused; or how it ended. */
  reason?: string;
  /** While in progress: the last observation (JSON), so an unchanged read costs no history. */
  seen?: string;
  /** Times retried. */
  tries?: number;
  /** Its migration workflow was seen closed. */
  ended?: true;
  /** Its migration was seen SUCCEEDED: cut over, which nothing undoes. */
  cutOver?: true;
}

export interface RolloutState {
  /** The current wave's index (0-based); waves.length once all are done. */
  wave: number;
  /** When the current wave began (the pace of the ETA is counted from then). */
  waveStartedAt?: string;
  gate: 'members' | 'soak' | 'health' | 'approval';
  soakUntil?: string;
  healthProblem?: string;
  /** By wave number: who approved, why, with which change reference. */
  approvals: Record<string, { by: string; reason: string; changeReference: string; at: string }>;
  /** The wave number an `advance` moved past its gates. */
  advanced?: number;
  paused?: { by: string; reason: string; at: string; byBudget: boolean };
  /** The current wave's failures a `resume` accepted: only failures beyond them count against the budget again. */
  acknowledgedFailures: number;
  /** By service, every wave's members. */
  members: Record<string, MemberState>;
  aborted?: { by: string; reason: string; at: string; cancelMembers: boolean };
  audit: AuditRecord[];
  auditDropped: number;
  /** Notifications sent (their keys), so each goes once, across continue-as-new too. */
  notified: string[];
  /** Raised by every accepted command, so the loop wakes from a wait. */
  commands: number;
  continuedAsNew: number;
}
