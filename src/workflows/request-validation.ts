// The workflow's first step: refuse a bad request (from our CLI or straight from the stock Temporal CLI) before
// any activity runs, so nothing is changed. The rules only ever get stricter, which a year-long migration
// must survive: see validRequest.
import { ApplicationFailure, log, patched, workflowInfo } from '@temporalio/workflow';
import { FailureType } from '../failure-types';
import { MigrationOptionsSchema, MigrationRequestSchema, formatIssues } from '../schemas';
import type { MigrationRequest, MigrationRequestInput } from '../schemas';

/** Marks runs started under the current field rules; histories from before it replay with the request they had. */
export const STRICT_REQUEST_PATCH = 'strict-request-rules';

/**
 * The parsed request, or an INVALID_ARGUMENT failure naming each bad field. A request an earlier run already
 * accepted is kept even if today's rules refuse it: refusing it on continue-as-new (or on replay of a run started
 * before the rules tightened) would walk away from a migration that is open in the API.
 */
export function validRequest(request: MigrationRequestInput, continued: boolean): MigrationRequest {
  const parsed = MigrationRequestSchema.safeParse(request);
  if (parsed.success) return parsed.data;
  const issues = formatIssues(parsed.error, 'request');
  // continuedFromExecutionRunId is set by the server, so a caller cannot claim a continuation to skip the rules.
  const carried = continued && workflowInfo().continuedFromExecutionRunId !== undefined;
  if (carried || !patched(STRICT_REQUEST_PATCH)) {
    log.warn('keeping a request accepted by an earlier run that the current rules refuse', { issues });
    return acceptedEarlier(request);
  }
  throw ApplicationFailure.create({
    type: FailureType.InvalidArgument,
    message: `invalid migration request:\n${issues}`,
    nonRetryable: true,
  });
}

/** The request as an earlier run parsed it; option defaults filled in for the ones it did not carry. */
function acceptedEarlier(request: MigrationRequestInput): MigrationRequest {
  return {
    ...(request as MigrationRequest),
    options: { ...MigrationOptionsSchema.parse({}), ...request.options },
  };
}
