// Everything a handler needs, created once per emulator: clock, delayed transitions, resources.
import { OperationStore, type OperationRecord } from './operations';
import { RequestIdCache } from './request-ids';
import { Scheduler } from './scheduler';
import { Store } from './store';

export interface EmulatorCore {
  /** How long each long-running operation takes. */
  readonly delayMs: number;
  readonly scheduler: Scheduler;
  readonly store: Store;
  readonly operations: OperationStore;
  readonly requestIds: RequestIdCache;
  now(): number;
}

export function createCore(delayMs: number, now: () => number = Date.now): EmulatorCore {
  return {
    delayMs,
    scheduler: new Scheduler(now),
    store: new Store(),
    operations: new OperationStore(now),
    requestIds: new RequestIdCache(now),
    now,
  };
}

/**
 * Runs `create` unless this requestId was already seen for the method and resource; then the original
 * operation comes back (in its current state) and nothing else happens.
 */
export function idempotent(
  core: EmulatorCore,
  key: { method: string; resource: string; requestId: string | undefined },
  create: () => OperationRecord,
): OperationRecord {
  const seen = core.requestIds.lookup(key.method, key.resource, key.requestId);
  const original = seen === undefined ? undefined : core.operations.find(seen);
  if (original) return original;
  const op = create();
  core.requestIds.remember(key.method, key.resource, key.requestId, op.name);
  return op;
}
