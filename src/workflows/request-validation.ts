// The workflow's first step: refuse a bad request (from our CLI or straight from the stock Temporal CLI) before
// any activity runs, so nothing is changed. The rules only ever get stricter, which a year-long migration
// must survive: see validRequest.
import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FailureType } from '../migration/failure-types';
import type { PrecheckBatch } from '../activities/precheck-batch';
import type { RequestCheckResult } from '../activities/request';
import type { MigrationRequest, MigrationRequestInput } from '../schemas';
import { ending } from './failures';
import { legacyCheckRequest } from './legacy';
import { isPatched } from './patch-gate';
import { PATCHES } from './patches';

/**
 * A regular activity, not a local one: a local activity's result can land in the same workflow task as the
 * patched() calls after it or in the next one, and a replay that guesses differently takes the other branch.
 */
const REQUEST_CHECK_RETRY = { initialInterval: '1s', maximumInterval: '10s' };
const { checkRequest } = proxyActivities<Pick<Activities, 'checkRequest'>>({
  startToCloseTimeout: '10s',
  retry: REQUEST_CHECK_RETRY,
});
/**
 * The same check with the start's prechecks that read after it (lean-start): the check's 10 s and the batch's two
 * default API timeouts. The activity cuts the batch off before this, so the check is answered all the same.
 */
const withPrechecks = proxyActivities<Pick<Activities, 'checkRequest'>>({
  startToCloseTimeout: '70s',
  retry: REQUEST_CHECK_RETRY,
});

export interface ValidRequest {
  request: MigrationRequest;
  /** The prechecks' batch, when the check ran it (thenCheckBeforeStart) and it finished in time. */
  beforeStart?: PrecheckBatch;
}

/**
 * The parsed request, or an INVALID_ARGUMENT failure naming each bad field. A request an earlier run already
 * accepted is kept even if today's rules refuse it: refusing it on continue-as-new (or on replay of a run started
 * before the rules tightened) would walk away from a migration that is open in the API.
 */
export async function validRequest(
  request: MigrationRequestInput,
  continued: boolean,
  thenCheckBeforeStart = false,
): Promise<ValidRequest> {
  const check: RequestCheckResult = !isPatched(PATCHES.requestCheckActivity)
    ? legacyCheckRequest(request)
    : thenCheckBeforeStart
      ? await withPrechecks.checkRequest(request, { thenCheckBeforeStart })
      : await checkRequest(request);
  if ('request' in check)
    return { request: check.request, ...(check.beforeStart && { beforeStart: check.beforeStart }) };
  // continuedFromExecutionRunId is set by the server, so a caller cannot claim a continuation to skip the rules.
  const carried = continued && workflowInfo().continuedFromExecutionRunId !== undefined;
  if (carried || !isPatched(PATCHES.strictRequest)) {
    log.warn('keeping a request accepted by an earlier run that the current rules refuse', { issues: check.issues });
    return { request: check.acceptedEarlier };
  }
  throw ending(FailureType.InvalidArgument, `invalid migration request:\n${check.issues}`);
}

/**
 * The worker's issues with a request the workflow's own parse accepted (the rules that need the worker, such as the
 * outgoing kind's API-version rule), as `path: message` lines; undefined when it has none. For `plan`.
 */
export async function workerIssues(request: MigrationRequestInput): Promise<string | undefined> {
  const check = await checkRequest(request);
  return 'request' in check ? undefined : check.issues;
}

const REQUEST_SHAPE =
  'a migration request: service, migrationExecution, optional migrationExecutionId, adopt and options';

/**
 * The workflow's input must at least be `{ request: {…} }` before anything (handlers included) reads it; the
 * request's fields are checked by checkRequest. Input the stock CLI can send that is not even that shape (no
 * argument, null, no request) fails the run at once with INVALID_ARGUMENT instead of failing every workflow task.
 * Workflow input is untrusted, and so are the start's options: carried state is accepted only from this workflow's
 * own continue-as-new (continuedFromExecutionRunId is set by the server, and only the workflow itself can continue
 * as new), and a cron schedule or a retry policy — each would start the migration over with its input — is refused.
 */
export function checkInput(args: unknown): void {
  const describe = (value: unknown) =>
    value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    const message = `invalid workflow input:\n(input): must be an object { request }, not ${args === undefined ? 'absent' : describe(args)}`;
    throw ending(FailureType.InvalidArgument, message);
  }
  const { request, state } = args as { request?: unknown; state?: unknown };
  const info = workflowInfo();
  const refuse = (field: string, why: string) => {
    throw ending(FailureType.InvalidArgument, `invalid workflow start:\n${field}: ${why}`);
  };
  if (info.cronSchedule !== undefined) {
    refuse(
      'cronSchedule',
      'a migration cannot run on a cron schedule (every run would start it over); terminate this workflow and start it without one',
    );
  }
  if (info.retryPolicy !== undefined) {
    refuse(
      'retryPolicy',
      'a migration retries its own calls and never ends on a passing error; start it without a workflow retry policy',
    );
  }
  if (state !== undefined && info.continuedFromExecutionRunId === undefined) {
    refuse('state', "is carried only by this workflow's own continue-as-new; a start cannot set it");
  }
  if (request === undefined) {
    throw ending(FailureType.InvalidArgument, `invalid migration request:\nrequest: is required: ${REQUEST_SHAPE}`);
  }
  if (request === null) {
    throw ending(
      FailureType.InvalidArgument,
      `invalid migration request:\nrequest: must be ${REQUEST_SHAPE}, not null`,
    );
  }
}
