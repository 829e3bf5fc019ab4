// The fleet's Metastore API budget: a token bucket per Google project, because Google's quota is per project
// (20 req/s, and 5 req/s per calling identity). Three priorities share one bucket. Decisions (complete, cancel)
// go at once. Control calls (prechecks, start, restore) wait briefly for a token. Polls (migration polls,
// operation checks) never wait: they are told when to come back, as a 429 with Retry-After would tell them, so
// a poll that finds the budget spent holds no worker slot, and they leave one token for control calls. A busy
// project's control calls beyond a second's worth are turned away the same way, so they cannot fill the slots.
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
  now?: () => number;
  random?: () => number;
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
  /** Control calls sleeping for a token right now. */
  controlWaiters: number;
}

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

  constructor(private readonly options: BudgetOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.maxControlWaitMs = options.maxControlWaitMs ?? 5000;
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

  async take(project: string, priority: Priority, method = 'call', resource = project): Promise<void> {
    const bucket = this.refilled(project);
    if (priority === 'poll') {
      if (bucket.tokens >= 1 + CONTROL_RESERVE) {
        bucket.tokens -= 1;
        return;
      }
      throw this.exhausted(method, resource, this.pollRetryAfterMs(bucket));
    }
    bucket.tokens -= 1;
    if (priority === 'decision') return;
    const waitMs = bucket.tokens >= 0 ? 0 : (-bucket.tokens / this.rate) * 1000;
    if (waitMs === 0) return;
    if (waitMs > this.maxControlWaitMs || bucket.controlWaiters >= this.maxControlWaiters()) {
      bucket.tokens += 1;
      throw this.exhausted(method, resource, waitMs);
    }
    bucket.controlWaiters += 1;
    try {
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    } finally {
      bucket.controlWaiters -= 1;
    }
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
      bucket = { tokens: burst, at: now, denied: 0, deniedSecond: Math.floor(now / 1000), controlWaiters: 0 };
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
