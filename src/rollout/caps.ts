// The arithmetic of caps and budgets, written once so that plan shows what the rollout will do. A cap (at most so
// many at once) takes the stricter of its count and percentage, as Google's App Lifecycle Manager does with
// UnitUpdatePacing; a failure budget takes the looser (ALM's ErrorBudget: max(allowed_count, allowed_ratio × total)).
import type { Cap, FailureBudget } from './manifest-schema';

/**
 * How many of `total` members may run at once, and which side of the cap decided it (none: every member may). A
 * percentage rounds down but never to 0 while there are members (Argo CD's maxUpdate: 10 % of 5 is 1, not 0, or
 * the wave would never move).
 */
export function effectiveCap(cap: Cap | undefined, total: number): { limit: number; decidedBy: CapSide } {
  const byCount = cap?.count ?? Infinity;
  const byPercent = cap?.percent === undefined ? Infinity : Math.max(1, Math.floor((cap.percent * total) / 100));
  const limit = Math.min(byCount, byPercent, total);
  if (limit === total) return { limit, decidedBy: 'none' };
  return { limit, decidedBy: byCount <= byPercent ? 'count' : 'percent' };
}

export type CapSide = 'count' | 'percent' | 'none';

/** Failures the wave tolerates: the larger of the count and the (rounded down) percentage of its members. */
export function allowedFailures(budget: FailureBudget, total: number): number {
  const byPercent = budget.percent === undefined ? 0 : Math.floor((budget.percent * total) / 100);
  return Math.min(total, Math.max(budget.count ?? 0, byPercent));
}
