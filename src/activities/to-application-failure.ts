// The only place where API errors become ApplicationFailures. The workflow branches on `type`
// (a canonical google.rpc status name or a FailureType), never on our error classes. Failure messages are not
// payloads — Temporal stores them in plain text even with the codec on — so each passes through redact().
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType, NON_RETRYABLE_STATUSES } from '../migration/failure-types';
import { MetastoreApiError, MetastoreContractError, MetastoreOperationError } from '../metastore/errors';
import { redact } from '../secrets/redact';
import { SecretUnresolvedError } from '../secrets/resolver';

export function toApplicationFailure(err: unknown): unknown {
  if (err instanceof MetastoreApiError) {
    const nonRetryable = (NON_RETRYABLE_STATUSES as readonly string[]).includes(err.status);
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
