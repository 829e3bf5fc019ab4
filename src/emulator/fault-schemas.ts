// The shapes of injected faults, shared by the admin API and scenario files.
//
// Request faults act on the HTTP exchange: `error` answers without applying the request; `latencyMs`
// applies it, then holds the answer back (a client that times out has still changed the server);
// `hang` neither applies nor ever answers (a request lost on the way), until the client gives up.
// Operation faults act on the long-running operation a request starts: `neverFinish` leaves it (and its
// resource) in the transitional state; `failWith` ends it with that error and rolls the change back.
//
// Without `rate` a fault fires on the next `count` (default 1) matching requests: the one-shot form the
// admin API always had. With `rate` it is a standing rule: each matching request fires it with that
// probability (seeded, see rng.ts), until `count` firings if given, otherwise until cleared.
import { z } from 'zod';
import { RPC_CODES, type RpcStatusName } from '../schemas/api';
import { METHOD_IDS, type MethodId } from './routes';

const ERROR_STATUSES = Object.keys(RPC_CODES).filter((name) => name !== 'OK') as [RpcStatusName, ...RpcStatusName[]];
export const ErrorStatusSchema = z.enum(ERROR_STATUSES);

export const ErrorSpecSchema = z
  .object({
    status: ErrorStatusSchema,
    /** Defaults to the status's usual HTTP code (429 for RESOURCE_EXHAUSTED, 503 for UNAVAILABLE, …). */
    httpStatus: z.number().int().min(400).max(599).optional(),
    message: z.string().optional(),
    /** Sets a Retry-After header and a google.rpc.RetryInfo detail. */
    retryAfterSeconds: z.number().int().min(0).optional(),
  })
  .strict();
export type ErrorSpec = z.infer<typeof ErrorSpecSchema>;

/** Methods that return a long-running operation, the only ones an operation fault or a duration applies to. */
export const LRO_METHODS = [
  'services.create',
  'services.patch',
  'services.delete',
  'services.startMigration',
  'services.completeMigration',
  'services.cancelMigration',
  'services.migrationExecutions.delete',
] as const satisfies readonly MethodId[];
export type LroMethod = (typeof LRO_METHODS)[number];

const firing = {
  count: z.number().int().min(1).optional(),
  rate: z.number().min(0).max(1).optional(),
};
const milliseconds = z.number().int().min(0).max(3_600_000);

export const FaultSchema = z
  .object({
    method: z.enum([...METHOD_IDS, '*']),
    ...firing,
    error: ErrorSpecSchema.optional(),
    latencyMs: milliseconds.optional(),
    /** The original name of latencyMs, still accepted. */
    delayResponseMs: milliseconds.optional(),
    hang: z.boolean().optional(),
  })
  .strict()
  .refine((f) => f.error !== undefined || f.hang || (f.latencyMs ?? f.delayResponseMs) !== undefined, {
    message: 'a fault needs error, latencyMs (or delayResponseMs), hang, or a combination',
  })
  .refine((f) => f.latencyMs === undefined || f.delayResponseMs === undefined, {
    message: 'give latencyMs or delayResponseMs, not both',
    path: ['delayResponseMs'],
  })
  .transform(({ delayResponseMs, ...fault }) => {
    const latencyMs = fault.latencyMs ?? delayResponseMs;
    return { ...fault, ...(latencyMs !== undefined ? { latencyMs } : {}) };
  });
export type Fault = z.output<typeof FaultSchema>;
export type FaultInput = z.input<typeof FaultSchema>;

export const OperationFaultSchema = z
  .object({
    method: z.enum([...LRO_METHODS, '*']),
    ...firing,
    neverFinish: z.literal(true).optional(),
    failWith: z.object({ status: ErrorStatusSchema, message: z.string().optional() }).strict().optional(),
  })
  .strict()
  .refine((f) => (f.neverFinish === true) !== (f.failWith !== undefined), {
    message: 'an operation fault needs exactly one of neverFinish: true and failWith',
  });
export type OperationFault = z.infer<typeof OperationFaultSchema>;
