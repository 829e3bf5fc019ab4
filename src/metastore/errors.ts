// The three ways a Metastore call fails. None of them ever holds a request body (it may carry passwords).
import type { z } from 'zod';
import { rpcStatusName } from '../schemas';
import type { RpcStatusName } from '../schemas';

/** The API answered with an HTTP error (or did not answer: httpStatus 0). */
export class MetastoreApiError extends Error {
  override readonly name = 'MetastoreApiError';
  readonly httpStatus: number;
  /** Canonical google.rpc status name, e.g. FAILED_PRECONDITION. */
  readonly status: RpcStatusName | string;
  /** Discovery method id, e.g. services.startMigration. */
  readonly method: string;
  readonly resource: string;
  /** From a Retry-After header, when the server sent one. */
  readonly retryAfterMs?: number;
  /** Refused by this worker's own API budget (budget.ts): nothing was sent. */
  readonly local: boolean;

  constructor(fields: {
    httpStatus: number;
    status: string;
    message: string;
    method: string;
    resource: string;
    retryAfterMs?: number;
    local?: boolean;
    cause?: unknown;
  }) {
    super(`${fields.method} ${fields.resource}: ${fields.status} (HTTP ${fields.httpStatus}): ${fields.message}`, {
      cause: fields.cause,
    });
    this.httpStatus = fields.httpStatus;
    this.status = fields.status;
    this.method = fields.method;
    this.resource = fields.resource;
    this.retryAfterMs = fields.retryAfterMs;
    this.local = fields.local ?? false;
  }
}

/** A long-running operation finished with `error` (a google.rpc.Status with a numeric code). */
export class MetastoreOperationError extends Error {
  override readonly name = 'MetastoreOperationError';
  readonly code: number;
  readonly status: string;
  readonly operation: string;
  readonly target?: string;

  constructor(fields: { code: number; message?: string; operation: string; target?: string }) {
    const status = rpcStatusName(fields.code);
    super(`operation ${fields.operation} failed: ${status}: ${fields.message ?? '(no message)'}`);
    this.code = fields.code;
    this.status = status;
    this.operation = fields.operation;
    this.target = fields.target;
  }
}

/** A response whose body does not match the published contract. */
export class MetastoreContractError extends Error {
  override readonly name = 'MetastoreContractError';
  readonly method: string;
  readonly issues: string[];

  constructor(method: string, error: z.ZodError) {
    const issues = error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    super(`${method}: response does not match the API contract: ${issues.join('; ')}`);
    this.method = method;
    this.issues = issues;
  }
}

/** A transport failure as the HTTP clients (gaxios) report it: no response, or a timeout of ours. */
export interface TransportFailure {
  name?: string;
  code?: string;
  message?: string;
  cause?: { name?: string };
}

/**
 * The error of a call that got no answer: DEADLINE_EXCEEDED for our own timeout (node-fetch reports an abort as
 * AbortError or TimeoutError), UNAVAILABLE otherwise. Shared by the Metastore client and the Lakehouse reads.
 */
export function noResponseError(
  e: TransportFailure,
  base: { method: string; resource: string; cause: unknown },
): MetastoreApiError {
  const aborted = [e.name, e.cause?.name].some((name) => name === 'AbortError' || name === 'TimeoutError');
  const timedOut = aborted || e.code === 'ETIMEDOUT' || /timeout|timed out/i.test(e.message ?? '');
  return new MetastoreApiError({
    ...base,
    httpStatus: 0,
    status: timedOut ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE',
    message: timedOut ? 'request timed out' : `no response: ${e.code ?? e.message ?? 'connection failed'}`,
  });
}
