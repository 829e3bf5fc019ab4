// The workflow's first step: refuse a bad request (from our CLI or straight from the stock Temporal CLI) before
// any activity runs, so nothing is changed. The rules only ever get stricter, which a year-long migration
// must survive: see validRequest.
import { ApplicationFailure, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FailureType } from '../failure-types';
import type { MigrationRequest, MigrationRequestInput, RequestCheck } from '../schemas';
import { schemas } from './schemas-on-demand';

/** Marks runs started under the current field rules; histories from before it replay with the request they had. */
export const STRICT_REQUEST_PATCH = 'strict-request-rules';
/**
 * Marks runs whose request was checked by an activity; earlier runs check it in the workflow on replay. A regular
 * activity, not a local one: a local activity's result can land in the same workflow task as the patched() calls
 * after it or in the next one, and a replay that guesses differently takes the other branch.
 */
export const REQUEST_CHECK_ACTIVITY_PATCH = 'request-check-activity';

const { checkRequest } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});

/**
 * The parsed request, or an INVALID_ARGUMENT failure naming each bad field. A request an earlier run already
 * accepted is kept even if today's rules refuse it: refusing it on continue-as-new (or on replay of a run started
 * before the rules tightened) would walk away from a migration that is open in the API.
 */
export async function validRequest(request: MigrationRequestInput, continued: boolean): Promise<MigrationRequest> {
  const check: RequestCheck = patched(REQUEST_CHECK_ACTIVITY_PATCH)
    ? await checkRequest(request)
    : schemas().checkMigrationRequest(request);
  if ('request' in check) return check.request;
  // continuedFromExecutionRunId is set by the server, so a caller cannot claim a continuation to skip the rules.
  const carried = continued && workflowInfo().continuedFromExecutionRunId !== undefined;
  if (carried || !patched(STRICT_REQUEST_PATCH)) {
    log.warn('keeping a request accepted by an earlier run that the current rules refuse', { issues: check.issues });
    return check.acceptedEarlier;
  }
  throw ApplicationFailure.create({
    type: FailureType.InvalidArgument,
    message: `invalid migration request:\n${check.issues}`,
    nonRetryable: true,
  });
}
