// One member of a bulk decision: its migration workflow's own requestComplete / requestCancel, sent the way the
// CLI's complete/cancel sends it (./decision-update.ts), so the member's validator and cutover gate decide; then the
// answer classified for the report. A refusal is an answer, not a failure: only what may pass when tried again (the
// Temporal server unreachable) fails the activity.
import { Context, log } from '@temporalio/activity';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError, defineSearchAttributeKey } from '@temporalio/common';
import { FailureType } from '../migration/failure-types';
import type { MigrationStatus } from '../migration/state';
import { redact } from '../secrets/redact';
import { type DecisionAsk, type DecisionReply, migrationModeOf, sendDecision } from './decision-update';

export type MemberResult = 'accepted' | 'refused' | 'alreadyDone' | 'notFound';

export interface MemberAnswer {
  result: MemberResult;
  /** Why, in the member's words (its validator's or gate's refusal), or what was found. */
  reason?: string;
  /** The refusal's failure type (Refused, CutoverBlocked, INVALID_ARGUMENT …). */
  type?: string;
  /** The member's stage when it answered. */
  stage?: string;
}

export interface MemberDecisionArgs extends DecisionAsk {
  workflowId: string;
  action: 'complete' | 'cancel';
  /** Fixed by the bulk workflow per member: a retried attempt attaches to the update already sent. */
  updateId: string;
}

/** A reason is kept in the report, which continue-as-new carries: bounded, as the members' own records are. */
const MAX_REASON = 500;
/** Stages in which a decision has already been taken or the migration is over (src/migration/state.ts). */
const DECIDED_STAGES = ['COMPLETING', 'CANCELLING', 'ROLLBACK_WINDOW', 'ROLLING_BACK', 'RESTORING_BACKUPS', 'DONE'];
/** How the migration ended (messages.ts MigrationOutcomeKey, restated: activities import no workflow code). */
const MigrationOutcomeKey = defineSearchAttributeKey('MigrationOutcome', 'KEYWORD');

export function createBulkDecisionActivities() {
  return {
    /** Asks one member's migration workflow for the decision and says how it answered. */
    async requestMemberDecision(args: MemberDecisionArgs): Promise<MemberAnswer> {
      const client = Context.current().client;
      let reply: DecisionReply;
      try {
        reply = await sendDecision(client, args.workflowId, args.action, args, args.updateId);
      } catch (err) {
        const answer = await classifyFailure(client, args, err);
        log.info('member answered', { workflowId: args.workflowId, result: answer.result, type: answer.type });
        return answer;
      }
      if (reply.alreadyRequested)
        return { result: 'alreadyDone', reason: `${args.action} was already requested`, stage: reply.stage };
      return { result: 'accepted', stage: reply.stage };
    },
  };
}

async function classifyFailure(client: Client, args: MemberDecisionArgs, err: unknown): Promise<MemberAnswer> {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { type?: string; message?: string } | undefined;
    const type = cause?.type ?? 'UpdateFailed';
    const reason = bounded(cause?.message ?? err.message);
    // Refused covers both "not now" and "already decided / already over"; the member's own state tells them apart.
    if (type === FailureType.Refused) {
      const status = await client.workflow
        .getHandle(args.workflowId)
        .query<MigrationStatus>('status')
        .catch(() => undefined);
      const decided = status && (status.outcome || status.decision || DECIDED_STAGES.includes(status.stage));
      // An outgoing BACKFILL completes by itself when its backfill ends: a complete is refused as having nothing to
      // do, and there is nothing left to decide — already done, as the rollout counts it, not a refusal to act on.
      const completesItself =
        !decided && args.action === 'complete' && (await migrationModeOf(client, args.workflowId)) === 'BACKFILL';
      const result = decided || completesItself ? 'alreadyDone' : 'refused';
      return { result, reason, type, ...(status && { stage: status.stage }) };
    }
    return { result: 'refused', reason, type };
  }
  if (!isNotFound(err)) throw err;
  // No running workflow: one that ended (its decision taken, or over) is done; one that never was is not found.
  const description = await client.workflow
    .getHandle(args.workflowId)
    .describe()
    .catch((describeErr: unknown) => {
      if (isNotFound(describeErr)) return undefined;
      throw describeErr;
    });
  if (!description) return { result: 'notFound', reason: `no migration workflow ${args.workflowId}` };
  const outcome = description.typedSearchAttributes.get(MigrationOutcomeKey);
  const how = outcome === undefined ? description.status.name : `${description.status.name}, ${outcome}`;
  return { result: 'alreadyDone', reason: `the migration workflow has ended (${how})` };
}

/** The SDK's not-found, or the gRPC NOT_FOUND status a client over a NativeConnection may give instead. */
function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err as { code?: unknown } | undefined)?.code === 5;
}

function bounded(text: string): string {
  const clean = redact(text);
  return clean.length <= MAX_REASON ? clean : `${clean.slice(0, MAX_REASON - 1)}…`;
}
