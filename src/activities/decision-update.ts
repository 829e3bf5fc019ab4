// How a decision is asked of one migration workflow: its requestComplete / requestCancel / requestRollback update,
// whose validator and handler (the cutover gate for complete) answer or refuse. The CLI's complete/cancel/rollback
// and the bulk decision's activity both send it through here, so the two never build the arguments differently.
import type { Client } from '@temporalio/client';
import type { DecisionArgs, MigrationRequestInput } from '../schemas';

export type DecisionAction = 'complete' | 'cancel' | 'rollback';

/**
 * The updates' wire names (src/workflows/messages.ts defines them; activities may not import workflow code, so
 * they are restated here and a test holds them equal).
 */
export const DECISION_UPDATES = {
  complete: 'requestComplete',
  cancel: 'requestCancel',
  rollback: 'requestRollback',
} as const satisfies Record<DecisionAction, string>;

/** The workflow's answer (messages.ts DecisionAnswer, restated for the same reason). */
export interface DecisionReply {
  accepted: true;
  action: DecisionAction;
  /** True when the same request had already been accepted (the update is idempotent). */
  alreadyRequested: boolean;
  stage: string;
  at: string;
}

export interface DecisionAsk {
  by: string;
  reason?: string;
  /** complete only: cutover checks accepted by name. */
  override?: readonly string[];
}

/** The update's argument: overrides only with complete, and only when there are some. */
export function decisionArgs(action: DecisionAction, ask: DecisionAsk): DecisionArgs {
  const override = action === 'complete' ? (ask.override ?? []) : [];
  return { by: ask.by, reason: ask.reason, ...(override.length > 0 && { override: [...override] }) };
}

/**
 * Sends the decision and waits for the workflow's answer; a refusal rejects with WorkflowUpdateFailedError (its
 * cause: Refused, CutoverBlocked or INVALID_ARGUMENT, with the reason). `updateId` makes a repeated send (a retried
 * activity) attach to the first one instead of asking again.
 */
export function sendDecision(
  client: Client,
  workflowId: string,
  action: DecisionAction,
  ask: DecisionAsk,
  updateId?: string,
): Promise<DecisionReply> {
  return client.workflow.getHandle(workflowId).executeUpdate<DecisionReply, [DecisionArgs]>(DECISION_UPDATES[action], {
    args: [decisionArgs(action, ask)],
    ...(updateId !== undefined && { updateId }),
  });
}

/**
 * The migration's mode (outgoing kind: BACKFILL or INCREMENTAL_SYNC), from its own `request` query (what it was
 * started with; src/workflows/messages.ts): a BACKFILL completes by itself, so a complete has nothing to decide.
 * Undefined for the incoming kind, or when the query fails (the member is then asked, and answers for itself).
 */
export async function migrationModeOf(client: Client, workflowId: string): Promise<string | undefined> {
  const request = await client.workflow
    .getHandle(workflowId)
    .query<Pick<MigrationRequestInput, 'migrationExecution'>>('request')
    .catch(() => undefined);
  return request?.migrationExecution?.biglakeMetastoreMigrationConfig?.mode;
}
