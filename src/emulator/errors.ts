// Google's HTTP error envelope, and the one exception type handlers throw to produce it.
// Messages must never echo request values that could be secrets (passwords, raw JSON bodies).
import type { z } from 'zod';
import { RPC_CODES, type RpcStatusName, type Status } from '../schemas/api';

export const ERROR_DOMAIN = 'metastore.googleapis.com';

export interface FieldViolation {
  field: string;
  description: string;
}

/** A request the emulator refuses; rendered as `{"error": {code, message, status, details}}`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly httpStatus: number;

  constructor(
    readonly status: RpcStatusName,
    message: string,
    readonly reason: string = status,
    readonly extraDetails: readonly Record<string, unknown>[] = [],
    httpStatus?: number,
    /** ErrorInfo domain and metadata, for errors Google raises outside the Metastore service (auth, IAM). */
    readonly info: { domain?: string; metadata?: Record<string, string> } = {},
  ) {
    super(message);
    this.httpStatus = httpStatus ?? RPC_CODES[status].http;
  }
}

export function errorBody(error: ApiError): { error: Record<string, unknown> } {
  const errorInfo = {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason: error.reason,
    domain: error.info.domain ?? ERROR_DOMAIN,
    ...(error.info.metadata ? { metadata: error.info.metadata } : {}),
  };
  return {
    error: {
      code: error.httpStatus,
      message: error.message,
      status: error.status,
      details: [errorInfo, ...error.extraDetails],
    },
  };
}

export function invalidArgument(message: string, reason = 'INVALID_ARGUMENT', violations: FieldViolation[] = []) {
  const details = violations.length
    ? [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations }]
    : [];
  return new ApiError('INVALID_ARGUMENT', message, reason, details);
}

export function failedPrecondition(message: string, reason: string): ApiError {
  return new ApiError('FAILED_PRECONDITION', message, reason);
}

export function notFound(kind: string, name: string): ApiError {
  const reason = `${kind.replace(/ /g, '_').toUpperCase()}_NOT_FOUND`;
  return new ApiError('NOT_FOUND', `${kind} "${name}" was not found.`, reason);
}

/**
 * A zod failure as INVALID_ARGUMENT naming each field path (`root.a.b: message`). zod's messages describe the
 * expected shape only, never the received value, so a bad password cannot leak through here.
 */
export function fromZodError(error: z.ZodError, root = ''): ApiError {
  const violations = error.issues.map((issue) => ({
    field: [root, ...issue.path.map(String)].filter((part) => part !== '').join('.') || '(body)',
    description: issue.message,
  }));
  const message = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
  return invalidArgument(message, 'INVALID_REQUEST_FIELD', violations);
}

/** A google.rpc.Status for Operation.error: here `code` is the numeric google.rpc.Code, not HTTP. */
export function rpcStatus(status: RpcStatusName, message: string): Status {
  return { code: RPC_CODES[status].code, message };
}
