// Everything a handler needs, created once per emulator: clock, delayed transitions, resources, faults.
import { IamPolicy, SecretStore } from './iam-and-secrets';
import { Durations, type DurationOverrides } from './durations';
import type { LroMethod } from './fault-schemas';
import { Faults } from './faults';
import { NewerApi } from './newer-api';
import { OperationStore, type OperationRecord } from './operations';
import { RequestIdCache } from './request-ids';
import { createRng } from './rng';
import { Scheduler } from './scheduler';
import { Stats } from './stats';
import { Store } from './store';
import type { Transition } from './transition-types';
import type { VerifyStart } from './verify-start';
import type { HiveEndpoints } from './hive-endpoints';
import { LakehouseStore, type ReportSink } from './lakehouse/store';
import { OutgoingControls } from './outgoing/controls';
import { GcsStore } from './gcs/store';

export interface EmulatorCore {
  readonly durations: Durations;
  readonly scheduler: Scheduler;
  readonly store: Store;
  readonly operations: OperationStore;
  readonly requestIds: RequestIdCache;
  readonly faults: Faults;
  readonly stats: Stats;
  /** Permissions denied to every caller (admin API), and Secret Manager versions (in memory only). */
  readonly iam: IamPolicy;
  readonly secrets: SecretStore;
  /** Enum values and fields of a newer API revision served over the real ones (admin API). */
  readonly newerApi: NewerApi;
  /** The source check awaited while a migration is STARTING (see verify-start.ts); absent = none. */
  readonly verifyStart: VerifyStart | undefined;
  /** The services' Hive Thrift endpoints (hive-endpoints.ts); absent when the emulator serves none. */
  hive: HiveEndpoints | undefined;
  /** The Lakehouse runtime catalog's catalogs: the outgoing migration's targets (lakehouse/). */
  readonly lakehouse: LakehouseStore;
  /**
   * Where migration reports are written (Cloud Storage stand-in); an in-memory sink until another is plugged in,
   * absent = reports are not written.
   */
  reports: ReportSink | undefined;
  /** The outgoing kind's undocumented choices and its backfill faults (outgoing/controls.ts). */
  readonly outgoing: OutgoingControls;
  /** The Cloud Storage stand-in's buckets and objects (gcs/), served by its JSON API subset. */
  readonly storage: GcsStore;
  now(): number;
  /** Schedules an operation's completion after its method's duration, unless an operation fault intervenes. */
  finishLater(method: LroMethod, transition: Transition): void;
  /** Marks the state changed (the state file is rewritten soon after). */
  changed(): void;
  /** Called when a migration was accepted; scenario events hang their timers on it. */
  onMigrationStarted: (service: string, execution: string) => void;
}

export interface CoreOptions {
  delayMs: number;
  durations?: DurationOverrides;
  seed: number;
  verifyStart?: VerifyStart | undefined;
  now?: () => number;
  /** Applies a due transition: transitions.ts's, passed in since the steps it runs import this module. */
  runTransition: (core: EmulatorCore, transition: Transition, at: number) => void;
}

export function createCore(options: CoreOptions): EmulatorCore {
  const now = options.now ?? Date.now;
  const stats = new Stats(options.seed);
  const core: EmulatorCore = {
    durations: new Durations(options.delayMs, options.durations),
    scheduler: new Scheduler(
      now,
      (transition, at) => options.runTransition(core, transition, at),
      () => core.changed(),
    ),
    store: new Store(),
    operations: new OperationStore(now),
    requestIds: new RequestIdCache(now),
    faults: new Faults(createRng(options.seed), stats),
    stats,
    iam: new IamPolicy(),
    newerApi: new NewerApi(),
    secrets: new SecretStore(),
    verifyStart: options.verifyStart,
    hive: undefined,
    lakehouse: new LakehouseStore(),
    outgoing: new OutgoingControls(),
    reports: undefined,
    storage: new GcsStore(now),
    now,
    finishLater(method, transition) {
      const effect = core.faults.forOperation(method);
      if (effect && 'neverFinish' in effect) {
        core.scheduler.schedule(null, transition);
        return;
      }
      const failWith = effect?.failWith;
      const message = failWith?.message ?? `Injected operation failure: ${failWith?.status}.`;
      const planned = failWith ? { ...transition, failWith: { status: failWith.status, message } } : transition;
      core.scheduler.schedule(core.durations.of(method), planned);
    },
    changed: () => {},
    onMigrationStarted: () => {},
  };
  return core;
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
