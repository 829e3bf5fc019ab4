// The fleet's Metastore API budget: a token bucket per Google project, because Google's quota is per project
// (20 req/s, and 5 req/s per calling identity). Two priorities share one bucket: control calls (start, complete,
// cancel, restore, operation checks) wait briefly for a token; polls never wait — they are told when to come
// back, as a 429 with Retry-After would tell them, so a poll that finds the budget spent holds no worker slot.
// Polls leave one token for control calls, so an engineer's complete never queues behind the fleet's reads.
import { MetastoreApiError } from './errors';

export type Priority = 'control' | 'poll';

export interface BudgetOptions {
  /** Calls per second per project for this whole fleet (divided among the workers sharing it). */
  ratePerSecond: number;
  /** A control call gives up (RESOURCE_EXHAUSTED, retried later) rather than wait longer than this; default 5000. */
  maxControlWaitMs?: number;
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
}

/** Tokens polls must leave in the bucket for control calls. */
const CONTROL_RESERVE = 1;

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
      take: (resource, method) => this.take(projectOf(resource), priority, method, resource),
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
    const waitMs = bucket.tokens >= 0 ? 0 : (-bucket.tokens / this.rate) * 1000;
    if (waitMs > this.maxControlWaitMs) {
      bucket.tokens += 1;
      throw this.exhausted(method, resource, waitMs);
    }
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }

  /** Google answered 429: nobody in this project calls again before Retry-After. */
  throttled(project: string, retryAfterMs: number): void {
    const bucket = this.refilled(project);
    bucket.tokens = Math.min(bucket.tokens, -(Math.max(retryAfterMs, 1000) / 1000) * this.rate);
  }

  private refilled(project: string): Bucket {
    const now = this.now();
    const burst = Math.max(1 + CONTROL_RESERVE, this.rate);
    let bucket = this.buckets.get(project);
    if (!bucket) {
      bucket = { tokens: burst, at: now, denied: 0, deniedSecond: Math.floor(now / 1000) };
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
