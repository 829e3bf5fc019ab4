// The activity side's one place for failures: API and source errors become ApplicationFailures (the workflow
// branches on their `type`, a canonical google.rpc status name or a FailureType, never on our error classes),
// which API errors a poll absorbs as a missed read, and the benign "unchanged, come back later" of retry-as-poll.
// Failure messages are not payloads — Temporal stores them in plain text even with the codec on — so each passes
// through redact().
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType, isTransientStatus } from '../migration/failure-types';
import type { CanonicalStatus } from '../migration/failure-types';
import { MetastoreApiError, MetastoreContractError, MetastoreOperationError } from '../metastore/errors';
import { BackfillReportError } from '../lakehouse/errors';
import { redact } from '../secrets/redact';
import { SecretUnresolvedError } from '../secrets/resolver';

export function toApplicationFailure(err: unknown): unknown {
  if (err instanceof MetastoreApiError) {
    const nonRetryable = !isTransientStatus(err.status);
    return ApplicationFailure.create({
      type: err.status,
      message: redact(err.message),
      nonRetryable,
      // The worker's own budget pacing a busy fleet is routine: no warning logged, no failure metric.
      category: err.local ? 'BENIGN' : undefined,
      details: [
        {
          httpStatus: err.httpStatus,
          status: err.status,
          resource: err.resource,
          method: err.method,
          // This worker's own API budget, not Google: the workflow waits for it without counting an error.
          ...(err.local ? { budget: true } : {}),
        },
      ],
      nextRetryDelay: err.retryAfterMs,
    });
  }
  if (err instanceof MetastoreOperationError) {
    // The operation already ran and failed: repeating the call that awaited it changes nothing.
    return ApplicationFailure.create({
      type: FailureType.OperationFailed,
      message: redact(err.message),
      nonRetryable: true,
      details: [{ code: err.code, status: err.status, operation: err.operation, resource: err.target }],
    });
  }
  if (err instanceof MetastoreContractError) {
    return ApplicationFailure.create({
      type: FailureType.ContractViolation,
      message: redact(err.message),
      nonRetryable: true,
      details: [{ method: err.method, issues: err.issues }],
    });
  }
  if (err instanceof BackfillReportError) {
    // Cloud Storage not answering may pass; a report that is not there or not readable will not by retrying.
    return ApplicationFailure.create({
      type: FailureType.ReportUnavailable,
      message: redact(err.message),
      nonRetryable: !err.transient,
      details: [{ problem: err.problem, reportPath: err.reportPath }],
    });
  }
  if (err instanceof SecretUnresolvedError) {
    return ApplicationFailure.create({
      type: FailureType.SecretUnresolved,
      message: redact(err.message),
      nonRetryable: true,
    });
  }
  if (err instanceof Error) {
    // Anything else keeps its class (and so its retry behaviour); only its text is masked, in place.
    err.message = redact(err.message);
    if (err.stack !== undefined) err.stack = redact(err.stack);
  }
  return err;
}

/** Wraps every activity so all of them map errors the same way. */
export function withFailureMapping<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toApplicationFailure(err);
      }
    };
  }
  return wrapped as T;
}

/** The API answered this canonical status (e.g. NOT_FOUND for a read, FAILED_PRECONDITION for a repeated call). */
export function hasApiStatus(err: unknown, status: CanonicalStatus): err is MetastoreApiError {
  return err instanceof MetastoreApiError && err.status === status;
}

/** An API error a read may pass over (tried again at the next poll): this worker's budget, a 429, 5xx, a timeout. */
export function isTransientApiError(err: unknown): err is MetastoreApiError {
  return err instanceof MetastoreApiError && (err.local || isTransientStatus(err.status));
}

/** What a failed read records: the API's status (or ContractViolation) and message; undefined for anything else. */
export function readError(err: unknown): { type: string; message: string } | undefined {
  if (err instanceof MetastoreApiError) return { type: err.status, message: redact(err.message) };
  if (err instanceof MetastoreContractError)
    return { type: FailureType.ContractViolation, message: redact(err.message) };
  return undefined;
}

/**
 * Not a failure: a retry-as-poll attempt found nothing new. BENIGN (no error log, no failure metric); the server
 * runs the next attempt after `delayMs`, and the attempt holds no slot and writes no history event meanwhile.
 */
export function unchanged(delayMs: number, message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.Unchanged,
    message,
    category: 'BENIGN',
    details: details === undefined ? undefined : [details],
    nextRetryDelay: Math.max(1, Math.round(delayMs)),
  });
}
