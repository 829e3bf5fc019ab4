// The migration request checked outside the workflow sandbox: zod and our schemas then stay out of every cached
// workflow's modules (each would hold its own copy), and the answer is recorded once in history.
import { Context } from '@temporalio/activity';
import { checkMigrationRequest } from '../schemas';
import type { ApiVersion, MigrationRequest, MigrationRequestInput, RequestCheck } from '../schemas';
import type { PrecheckBatch, PrecheckBatchArgs } from './precheck-batch';

export interface RequestCheckOptions {
  /**
   * lean-start, a fresh start: once the request is valid, the prechecks that read (checkBeforeStart) run in the same
   * activity — one activity and one workflow task fewer than the check and the batch apart.
   */
  thenCheckBeforeStart?: boolean;
}

/** The check; with thenCheckBeforeStart, the batch's answers when it ran and finished in time (else run apart). */
export type RequestCheckResult = RequestCheck & { beforeStart?: PrecheckBatch };

/** The batch is cut off this long before the attempt's timeout, so the check's answer is recorded all the same. */
const ANSWER_MARGIN_MS = 2000;

export function createRequestActivities({
  notifyDefaults,
  apiVersion,
  checkBeforeStart,
}: {
  notifyDefaults: readonly string[];
  /** The version this worker calls (config.metastore.apiVersion): the outgoing kind's mode depends on it. */
  apiVersion?: ApiVersion;
  /** The prechecks' batch (precheck-batch.ts), for thenCheckBeforeStart. */
  checkBeforeStart?: (args: PrecheckBatchArgs) => Promise<PrecheckBatch>;
}) {
  /**
   * Pure and quick: no I/O. A worker with notification targets of its own adds the `worker` target, so the
   * run notifies them (resolved at each post; the URLs stay out of history).
   */
  const check = (request: MigrationRequestInput): RequestCheck => {
    const checked = checkMigrationRequest(request, apiVersion);
    if (!('request' in checked) || notifyDefaults.length === 0) return checked;
    const notify = checked.request.options.notify ?? [];
    if (notify.includes('worker')) return checked;
    return { request: { ...checked.request, options: { ...checked.request.options, notify: [...notify, 'worker'] } } };
  };
  return {
    async checkRequest(request: MigrationRequestInput, options?: RequestCheckOptions): Promise<RequestCheckResult> {
      const began = Date.now();
      const checked = check(request);
      // Only a valid request's prechecks run, and only a start's (an adoption checks what it adopts instead).
      if (!options?.thenCheckBeforeStart || !checkBeforeStart || !('request' in checked) || checked.request.adopt) {
        return checked;
      }
      const timeLeft = Context.current().info.startToCloseTimeoutMs - (Date.now() - began) - ANSWER_MARGIN_MS;
      const beforeStart = await withinMs(checkBeforeStart(batchArgs(checked.request)), timeLeft);
      return beforeStart ? { ...checked, beforeStart } : checked;
    },
  };
}

/** What the workflow's batchedChecks asks (prechecks.ts): the service, and the Cloud SQL kind's source. */
function batchArgs(request: MigrationRequest): PrecheckBatchArgs {
  if (!request.migrationExecution.cloudSqlMigrationConfig) return { service: request.service };
  const { sourceTls } = request.options;
  return {
    service: request.service,
    source: { migrationExecution: request.migrationExecution, ...(sourceTls && { sourceTls }) },
  };
}

/**
 * The batch's answers, or undefined past `ms` (a slow source, a long apiTimeoutSeconds): the workflow then runs the
 * batch as an activity of its own, under the request's timeouts. Its reads left running change nothing.
 */
async function withinMs<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  if (ms <= 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
