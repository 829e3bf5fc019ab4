// Google's per-project limits against what a wave would ask of them: each running migration's watcher reads the
// execution and the service every poll, so a project's reads/s grow with how many of its members run at once.
// Plan and lint show the estimate per project and warn before the worker is throttled (429) — Temporal retries a
// 429, but every retry delays each member's poll and the whole wave's soak.
import type { MigrationOptions } from '../schemas';
import { MigrationOptionsSchema } from '../schemas';
import { GOOGLE_IDENTITY_QPS } from './manifest-schema';

/** Dataproc Metastore's default quota of services per region per project. */
export const GOOGLE_SERVICES_PER_REGION = 20;
/** One watcher poll reads the migration execution and then the service (activities/polling.ts). */
export const READS_PER_POLL = 2;

type PollOptions = Pick<MigrationOptions, 'pollIntervalSeconds' | 'fastPollSeconds' | 'operationPollSeconds'>;

const DEFAULT_OPTIONS: PollOptions = MigrationOptionsSchema.parse({});

/**
 * The reads/s of one migration at its busiest: right after a transition (start, complete, cancel) the watcher
 * polls at the fast interval, and an operation is waited for at operationPollSeconds — a rollout starts its
 * members together, so the wave's first minutes are all busiest. The steady interval only ever slows it.
 */
export function migrationPeakReads(options: Partial<PollOptions> = {}): number {
  const o = { ...DEFAULT_OPTIONS, ...options };
  const fastest = Math.min(o.pollIntervalSeconds, o.fastPollSeconds, o.operationPollSeconds);
  return READS_PER_POLL / fastest;
}

/**
 * A project's estimated reads/s with `limit` of its members running at once: the `limit` busiest members' peak
 * rates summed (members may override poll intervals, so the cap's worst case, not its average).
 */
export function projectPeakReads(memberRates: readonly number[], limit: number): number {
  return [...memberRates]
    .sort((a, b) => b - a)
    .slice(0, limit)
    .reduce((sum, rate) => sum + rate, 0);
}

/** Rounded for display and messages: 2 decimals, so 0.4 × 13 shows as 5.2, not 5.200000000000001. */
export const roundRate = (rate: number): number => Math.round(rate * 100) / 100;

/** What is over: the manifest's apiBudgetPerProject, Google's quota, or both (the stricter named first). */
export function overQuota(readsPerSecond: number, apiBudgetPerProject: number): { limit: number; what: string }[] {
  const over: { limit: number; what: string }[] = [];
  if (readsPerSecond > apiBudgetPerProject)
    over.push({ limit: apiBudgetPerProject, what: 'policies.apiBudgetPerProject' });
  if (readsPerSecond > GOOGLE_IDENTITY_QPS)
    over.push({ limit: GOOGLE_IDENTITY_QPS, what: "Google's quota per project per identity" });
  return over.sort((a, b) => a.limit - b.limit);
}
