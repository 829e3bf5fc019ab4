// Injected faults and request counters for the admin API. A fault fires for the next `count` requests to
// one method: `error` answers without applying the request; `delayResponseMs` applies it, then holds the
// response back (a client timeout after the server accepted the work).
import { z } from 'zod';
import { RPC_CODES } from '../schemas/api';
import { ApiError } from './errors';
import { METHOD_IDS, type MethodId } from './routes';

const ErrorStatusSchema = z.enum(Object.keys(RPC_CODES).filter((name) => name !== 'OK') as [string, ...string[]]);

export const FaultSchema = z
  .object({
    method: z.enum(METHOD_IDS),
    count: z.number().int().min(1).default(1),
    delayResponseMs: z.number().int().min(0).max(600_000).optional(),
    error: z
      .object({
        httpStatus: z.number().int().min(400).max(599).optional(),
        status: ErrorStatusSchema,
        message: z.string().optional(),
        /** Sets a Retry-After header and a google.rpc.RetryInfo detail. */
        retryAfterSeconds: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((fault) => fault.delayResponseMs !== undefined || fault.error !== undefined, {
    message: 'a fault needs delayResponseMs, error, or both',
  });
export type Fault = z.infer<typeof FaultSchema>;
export type FaultInput = z.input<typeof FaultSchema>;

export interface Stats {
  requests: Record<string, number>;
  faults: Record<string, number>;
}

export class Faults {
  private pending: { fault: Fault; remaining: number }[] = [];
  private readonly requests: Record<string, number> = {};
  private readonly fired: Record<string, number> = {};

  add(fault: Fault): void {
    this.pending.push({ fault, remaining: fault.count });
  }

  clear(): void {
    this.pending = [];
  }

  list(): { fault: Fault; remaining: number }[] {
    return structuredClone(this.pending);
  }

  countRequest(method: MethodId): void {
    this.requests[method] = (this.requests[method] ?? 0) + 1;
  }

  /** The fault for this request, if one is armed for the method (oldest first); counts it as fired. */
  take(method: MethodId): Fault | undefined {
    const entry = this.pending.find((candidate) => candidate.fault.method === method);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.pending = this.pending.filter((candidate) => candidate !== entry);
    this.fired[method] = (this.fired[method] ?? 0) + 1;
    return entry.fault;
  }

  stats(): Stats {
    return { requests: { ...this.requests }, faults: { ...this.fired } };
  }
}

export function faultError(error: NonNullable<Fault['error']>): { error: ApiError; headers: Record<string, string> } {
  const status = error.status as keyof typeof RPC_CODES;
  const retry = error.retryAfterSeconds;
  const details =
    retry === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retry}s` }];
  const message = error.message ?? `Injected fault: ${status}.`;
  return {
    error: new ApiError(status, message, 'EMULATOR_INJECTED_FAULT', details, error.httpStatus),
    headers: retry === undefined ? {} : { 'retry-after': String(retry) },
  };
}
