// The fleet's Metastore API budget: a token bucket per Google project, because Google's quota is per project
// (20 req/s, and 5 req/s per calling identity). Three priorities share one bucket. Decisions (complete, cancel)
// go at once. Control calls (prechecks, start, operation checks, restore) wait briefly for a token, in order: the
// migration that first called earliest goes first, so a fleet started together finishes one after another at the
// budget's pace instead of all advancing a step at a time and all finishing at the end. Polls (a waiting
// migration's reads) never wait: they are told when to come back, as a 429 with Retry-After would tell them, so
// a poll that finds the budget spent holds no worker slot, and they leave one token for control calls. A busy
// project's control calls beyond a second's worth are turned away the same way, so they cannot fill the slots:
// the latest in the order, which may be one already waiting when an earlier migration's call arrives.
import { MetastoreApiError } from './errors';

export type Priority = 'decision' | 'control' | 'poll';

/**
 * An engineer's decision (cutover, cancel) is sent at once, borrowing from the bucket if it is empty: it comes
 * once per migration, and the calls after it repay the debt, so the budget still holds over any window longer
 * than the burst.
 */
const DECISION_METHODS = new Set(['services.completeMigration', 'services.cancelMigration']);

export interface BudgetOptions {
  /** Calls per second per project for this whole fleet (divided among the workers sharing it). */
  ratePerSecond: number;
  /** A control call gives up (RESOURCE_EXHAUSTED, retried later) rather than wait longer than this; default 5000. */
  maxControlWaitMs?: number;
  /**
   * Control calls of one project allowed to wait in their worker slot at once; default one second's worth of
   * tokens. Beyond that a call is turned away with its wait as Retry-After, so one busy project cannot fill
   * the control slots every project shares.
   */
  maxControlWaiters?: number;
  /**
   * Who the current call works for (the worker: the activity's workflow id). Control calls are served in the order
   * their callers were first seen by this budget; without a caller, in the order they arrive.
   */
  caller?: () => string | undefined;
  now?: () => number;
  random?: () => number;
  /** Runs `fn` after `ms` (default setTimeout): how the queue is served when tokens come; tests pass a fake. */
  schedule?: (fn: () => void, ms: number) => void;
}

/** What MetastoreClient asks before each call and tells after a 429. */
export interface BudgetGate {
  take(resource: string, method: string): Promise<void>;
  throttled(resource: string, retryAfterMs: number): void;
}

interface Bucket {
  tokens: number;
  at: number;
  /** Polls turned away in the current second: their return times are spread over denied/rate seconds. */
  denied: number;
  deniedSecond: number;
  /** Control calls waiting for a token, in the order they are served. */
  queue: Waiter[];
  /** A serving of the queue is scheduled. */
  serving: boolean;
  /** Control calls turned away, by order key, with when they were told to come back: they are ahead of later ones. */
  returning: { key: number; at: number; remaining: number }[];
}

interface Waiter {
  /** When the caller was first seen (or the call arrived); then `seq`, the arrival, breaks ties. */
  key: number;
  seq: number;
  /** The caller's control calls so far (this one included), when the budget knows its caller. */
  calls?: number;
  resolve: () => void;
  reject: (err: Error) => void;
  method: string;
  resource: string;
}

/** A call turned away that has not come back this long after it was told is no longer counted ahead of others. */
const RETURN_GRACE_MS = 10_000;
/** A migration turned away counts as at most this many calls ahead of later ones (a start makes about ten). */
const MAX_REMAINING = 20;
/** A caller not seen for this long is forgotten (its next call is a new arrival): the first-seen map stays small. */
const CALLER_TTL_MS = 3_600_000;

/** Tokens polls must leave in the bucket for control calls. */
const CONTROL_RESERVE = 1;
/**
 * The most reads one poll makes (the execution, then the service). The bucket holds them beside the reserve:
 * with a smaller burst (a share under 2 req/s, e.g. two workers on the default budget) the execution read
 * took the token the service read then needed, and a poll that needed both was turned away forever.
 */
const READS_PER_POLL = 2;

export class ApiBudget {
  private readonly buckets = new Map<string, Bucket>();
  private workers = 1;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly maxControlWaitMs: number;
  private readonly schedule: (fn: () => void, ms: number) => void;
  /** Caller → when first seen and last seen. */
  private readonly callers = new Map<string, { first: number; last: number; calls: number }>();
  /** The most control calls one caller has made: about what a start takes, once the first has finished. */
  private mostCalls = 1;
  private seq = 0;
  private prunedAt = 0;

  constructor(private readonly options: BudgetOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.maxControlWaitMs = options.maxControlWaitMs ?? 5000;
    this.schedule = options.schedule ?? ((fn, ms) => void setTimeout(fn, ms));
  }

  /** This worker's share of the project budget: ratePerSecond / workers sharing the task queues. */
  get rate(): number {
    return this.options.ratePerSecond / this.workers;
  }

  /** How many workers share the budget (counted from the task queue's pollers); each takes an equal part. */
  setWorkers(workers: number): void {
    this.workers = Math.max(1, Math.floor(workers));
  }

  gate(priority: Priority): BudgetGate {
    return {
      take: (resource, method) =>
        this.take(projectOf(resource), DECISION_METHODS.has(method) ? 'decision' : priority, method, resource),
      throttled: (resource, retryAfterMs) => this.throttled(projectOf(resource), retryAfterMs),
    };
  }

  /** `key` orders waiting control calls (smaller first); default: when this call's caller was first seen. */
  async take(project: string, priority: Priority, method = 'call', resource = project, key?: number): Promise<void> {
    // Every call marks its caller seen, so a migration is ordered by its first call, whichever that was.
    const seen = key === undefined ? this.seeCaller(priority !== 'poll') : undefined;
    const order = key ?? seen?.first ?? this.now();
    const bucket = this.refilled(project);
    if (priority === 'poll') {
      if (bucket.queue.length === 0 && bucket.tokens >= 1 + CONTROL_RESERVE) {
        bucket.tokens -= 1;
        return;
      }
      throw this.exhausted(method, resource, this.pollRetryAfterMs(bucket));
    }
    if (priority === 'decision') {
      bucket.tokens -= 1;
      return;
    }
    // Back when told: no longer counted ahead of the calls turned away after it.
    bucket.returning = bucket.returning.filter((r) => r.key !== order && r.at > this.now() - RETURN_GRACE_MS);
    if (bucket.queue.length === 0 && bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = { key: order, seq: this.seq++, calls: seen?.calls, resolve, reject, method, resource };
      const at = bucket.queue.findIndex((w) => w.key > waiter.key || (w.key === waiter.key && w.seq > waiter.seq));
      bucket.queue.splice(at < 0 ? bucket.queue.length : at, 0, waiter);
      this.turnAwayBeyondLimits(bucket);
      this.serveLater(project, bucket);
    });
  }

  /**
   * The latest in the order leave the queue while it holds more calls than may wait, or they would wait too long.
   * Each is told when its turn would come (its Retry-After): after the calls waiting and those of earlier migrations
   * turned away before it, which will be back first — so a late migration comes back once, about when the budget
   * has served the earlier ones, instead of every second to be turned away again.
   */
  private turnAwayBeyondLimits(bucket: Bucket): void {
    for (;;) {
      const last = bucket.queue.at(-1);
      if (!last) return;
      const waitMs = this.waitMs(bucket, bucket.queue.length - 1);
      if (bucket.queue.length <= this.maxControlWaiters() && waitMs <= this.maxControlWaitMs) return;
      bucket.queue.pop();
      const earlier = bucket.returning.filter((r) => r.key < last.key).reduce((sum, r) => sum + r.remaining, 0);
      const returnMs = this.waitMs(bucket, bucket.queue.length + earlier);
      // What it has still to call, judged by the busiest caller so far (a migration that has finished its start),
      // halved: earlier migrations' calls overlap (one waits for its operation while another is served), and a
      // Retry-After too long leaves tokens unused. Measured at 60 starts in one project: counting one call per
      // migration ahead, each late migration was turned away again and again (228 history events per start);
      // counting all of them, the budget sat idle (343 s for all instead of 181); half: 119 events, 209 s.
      const remaining =
        last.calls === undefined
          ? 1
          : Math.min(MAX_REMAINING, Math.max(1, Math.ceil((this.mostCalls - last.calls) / 2)));
      bucket.returning.push({ key: last.key, at: this.now() + returnMs, remaining });
      last.reject(this.exhausted(last.method, last.resource, returnMs));
    }
  }

  /** How long the call at `position` of the queue waits for its token. */
  private waitMs(bucket: Bucket, position: number): number {
    return Math.max(0, ((position + 1 - bucket.tokens) / this.rate) * 1000);
  }

  /** Serves the queue's head as tokens come, one token each, in order. */
  private serveLater(project: string, bucket: Bucket): void {
    if (bucket.serving || bucket.queue.length === 0) return;
    bucket.serving = true;
    this.schedule(
      () => {
        bucket.serving = false;
        this.refilled(project);
        while (bucket.queue.length > 0 && bucket.tokens >= 1) {
          bucket.tokens -= 1;
          bucket.queue.shift()!.resolve();
        }
        this.serveLater(project, bucket);
      },
      Math.max(1, Math.ceil(this.waitMs(bucket, 0))),
    );
  }

  /** The current call's caller: when first seen (now, if new) and its control calls so far; none without one. */
  private seeCaller(control: boolean): { first: number; calls: number } | undefined {
    const now = this.now();
    const caller = this.options.caller?.();
    if (caller === undefined) return undefined;
    if (now - this.prunedAt > CALLER_TTL_MS) {
      this.prunedAt = now;
      for (const [id, seen] of this.callers) if (now - seen.last > CALLER_TTL_MS) this.callers.delete(id);
    }
    const seen = this.callers.get(caller) ?? { first: now, last: now, calls: 0 };
    seen.last = now;
    if (control) seen.calls += 1;
    this.mostCalls = Math.max(this.mostCalls, seen.calls);
    this.callers.set(caller, seen);
    return seen;
  }

  private maxControlWaiters(): number {
    return this.options.maxControlWaiters ?? Math.max(1, Math.ceil(this.rate));
  }

  /** Google answered 429: nobody in this project calls again before Retry-After. */
  throttled(project: string, retryAfterMs: number): void {
    const bucket = this.refilled(project);
    bucket.tokens = Math.min(bucket.tokens, -(Math.max(retryAfterMs, 1000) / 1000) * this.rate);
  }

  private refilled(project: string): Bucket {
    const now = this.now();
    const burst = Math.max(READS_PER_POLL + CONTROL_RESERVE, this.rate);
    let bucket = this.buckets.get(project);
    if (!bucket) {
      bucket = {
        tokens: burst,
        at: now,
        denied: 0,
        deniedSecond: Math.floor(now / 1000),
        queue: [],
        serving: false,
        returning: [],
      };
      this.buckets.set(project, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    return bucket;
  }

  /** Time until a poll token is free, plus a spread so the polls turned away together do not return together. */
  private pollRetryAfterMs(bucket: Bucket): number {
    const second = Math.floor(this.now() / 1000);
    if (second !== bucket.deniedSecond) {
      bucket.deniedSecond = second;
      bucket.denied = 0;
    }
    bucket.denied += 1;
    const untilToken = ((1 + CONTROL_RESERVE - bucket.tokens) / this.rate) * 1000;
    const spread = (bucket.denied / this.rate) * 1000;
    return Math.ceil(untilToken + this.random() * spread);
  }

  private exhausted(method: string, resource: string, retryAfterMs: number): MetastoreApiError {
    return new MetastoreApiError({
      httpStatus: 429,
      status: 'RESOURCE_EXHAUSTED',
      message: `this worker's API budget for the project (${this.rate.toFixed(2)} req/s) is spent; retry in ${Math.ceil(retryAfterMs)} ms`,
      method,
      resource,
      retryAfterMs: Math.ceil(retryAfterMs),
      local: true,
    });
  }
}

/** `projects/P/…` → P; anything else shares one bucket. */
export function projectOf(resource: string): string {
  const match = /^projects\/([^/]+)/.exec(resource);
  return match?.[1] ?? '-';
}
