// The rollout's first step: its input is untrusted (the stock Temporal CLI can send anything), so before any member
// is touched it is checked — by the checkRolloutInput activity, which keeps zod out of the workflow sandbox and
// changes nothing — and a bad one ends the run with INVALID_ARGUMENT naming each field's path.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { FailureType } from '../../migration/failure-types';
import type { RolloutInput } from '../../schemas/rollout';
import { ending } from '../failures';
import { rolloutWorkflowId } from './messages';
import type { RolloutState } from './messages';

const { checkRolloutInput } = proxyActivities<Pick<Activities, 'checkRolloutInput'>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});

const SHAPE = 'a resolved rollout { name, action, waves, … } (src/schemas/rollout.ts)';

/**
 * The rollout as checked, and the carried state when this run continues an earlier one. Carried input is
 * accepted only from this workflow's own continue-as-new (continuedFromExecutionRunId is set by the server): it was
 * checked by the chain's first run, and is not checked again, so rules tightened later cannot strand a rollout.
 */
export async function validRollout(args: unknown): Promise<{ rollout: RolloutInput; state?: RolloutState }> {
  const refuse = (field: string, why: string): never => {
    throw ending(FailureType.InvalidArgument, `invalid rollout input:\n${field}: ${why}`);
  };
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return refuse('(input)', `must be an object { rollout }, not ${args === null ? 'null' : typeof args}`);
  }
  const { rollout, state } = args as { rollout?: unknown; state?: RolloutState };
  const info = workflowInfo();
  if (info.cronSchedule !== undefined) refuse('cronSchedule', 'a rollout cannot run on a cron schedule');
  if (info.retryPolicy !== undefined)
    refuse('retryPolicy', 'a rollout is not retried as a whole; start it without one');
  if (state !== undefined) {
    if (info.continuedFromExecutionRunId === undefined) {
      refuse('state', "is carried only by this workflow's own continue-as-new; a start cannot set it");
    }
    return { rollout: rollout as RolloutInput, state };
  }
  if (rollout === undefined || rollout === null) refuse('rollout', `is required: ${SHAPE}`);
  const check = await checkRolloutInput(rollout);
  if ('issues' in check) throw ending(FailureType.InvalidArgument, `invalid rollout input:\n${check.issues}`);
  const id = rolloutWorkflowId(check.rollout.name);
  if (info.workflowId !== id) refuse('workflowId', `must be ${id}: one rollout of a name at a time`);
  return { rollout: check.rollout };
}
