// Armed faults: which fire for a request (or for the operation it starts), drawn with the seeded RNG, and
// counted in Stats as they fire. Shapes and semantics are documented in fault-schemas.ts.
import { ApiError } from './errors';
import type { ErrorSpec, Fault, LroMethod, OperationFault } from './fault-schemas';
import { type Rng, createRng } from './rng';
import type { MethodId } from './routes';
import type { Stats } from './stats';

export type { Fault, FaultInput, OperationFault } from './fault-schemas';

interface Armed<T> {
  fault: T;
  /** Firings left; undefined = a standing rule until cleared. */
  remaining?: number;
}

/** What the request faults that fired do to one request, combined. */
export interface RequestEffect {
  error?: ErrorSpec;
  latencyMs: number;
  hang: boolean;
}

export type OperationEffect = { neverFinish: true } | { failWith: NonNullable<OperationFault['failWith']> };

export class Faults {
  private requestFaults: Armed<Fault>[] = [];
  private operationFaults: Armed<OperationFault>[] = [];

  constructor(
    private rng: Rng,
    private readonly stats: Stats,
  ) {}

  /** Restarts the rate draws from `seed` (a scenario applied at run time). */
  reseed(seed: number): void {
    this.rng = createRng(seed);
    this.stats.seed = seed;
  }

  add(fault: Fault): void {
    this.requestFaults.push(arm(fault));
  }

  addOperationFault(fault: OperationFault): void {
    this.operationFaults.push(arm(fault));
  }

  clear(): void {
    this.requestFaults = [];
  }

  clearOperationFaults(): void {
    this.operationFaults = [];
  }

  list(): Armed<Fault>[] {
    return structuredClone(this.requestFaults);
  }

  listOperationFaults(): Armed<OperationFault>[] {
    return structuredClone(this.operationFaults);
  }

  /**
   * Every standing rule for the method draws and may fire; of the one-shot faults only the oldest matching
   * one fires, so one-shots armed one after another take effect one request at a time.
   */
  forRequest(method: MethodId): RequestEffect | undefined {
    const fired = this.fire(this.requestFaults, method, true);
    this.requestFaults = this.requestFaults.filter((entry) => entry.remaining !== 0);
    if (fired.length === 0) return undefined;
    const effect: RequestEffect = { latencyMs: 0, hang: false };
    for (const fault of fired) {
      effect.error ??= fault.error;
      effect.latencyMs += fault.latencyMs ?? 0;
      effect.hang ||= fault.hang === true;
      this.stats.countFault(method, requestKinds(fault));
    }
    return effect;
  }

  /** The first operation fault that fires for a new operation of `method`, if any. */
  forOperation(method: LroMethod): OperationEffect | undefined {
    const [fault] = this.fire(this.operationFaults, method, false);
    this.operationFaults = this.operationFaults.filter((entry) => entry.remaining !== 0);
    if (!fault) return undefined;
    this.stats.countFault(method, [fault.neverFinish ? 'neverFinish' : 'failWith']);
    return fault.failWith ? { failWith: fault.failWith } : { neverFinish: true };
  }

  private fire<T extends Fault | OperationFault>(entries: Armed<T>[], method: string, all: boolean): T[] {
    const fired: T[] = [];
    let oneShotFired = false;
    for (const entry of entries) {
      const { fault } = entry;
      if (fault.method !== method && fault.method !== '*') continue;
      const oneShot = fault.rate === undefined;
      if (oneShot && oneShotFired) continue;
      // Draw only for a real probability, so rate 1 and one-shot faults leave the sequence untouched.
      if (fault.rate !== undefined && fault.rate < 1 && this.rng() >= fault.rate) continue;
      if (entry.remaining !== undefined) entry.remaining -= 1;
      fired.push(fault);
      oneShotFired ||= oneShot;
      if (!all) break;
    }
    return fired;
  }
}

function arm<T extends Fault | OperationFault>(fault: T): Armed<T> {
  // Without rate, a fault is one-shot: the next `count` (default 1) requests.
  const remaining = fault.count ?? (fault.rate === undefined ? 1 : undefined);
  return remaining === undefined ? { fault } : { fault, remaining };
}

function requestKinds(fault: Fault): string[] {
  return [
    ...(fault.error ? [fault.error.status] : []),
    ...(fault.latencyMs ? ['latency'] : []),
    ...(fault.hang ? ['hang'] : []),
  ];
}

/** The ApiError (and headers) an injected error answers with; `reason` marks it as injected. */
export function faultError(error: ErrorSpec): { error: ApiError; headers: Record<string, string> } {
  const retry = error.retryAfterSeconds;
  const details =
    retry === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retry}s` }];
  const message = error.message ?? `Injected fault: ${error.status}.`;
  return {
    error: new ApiError(error.status, message, 'EMULATOR_INJECTED_FAULT', details, error.httpStatus),
    headers: retry === undefined ? {} : { 'retry-after': String(retry) },
  };
}
