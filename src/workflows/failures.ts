// Reading activity failures in workflow code: their type, message, whether retrying can help, and the
// backoff before the workflow tries again. Branches on failure `type`, never on our error classes.
import { msToNumber } from '@temporalio/common/lib/time';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

export function failureType(err: unknown): string | undefined {
  if (err instanceof ActivityFailure) {
    if (err.cause instanceof ApplicationFailure) return err.cause.type ?? undefined;
    if (err.cause instanceof TimeoutFailure) return 'DEADLINE_EXCEEDED';
  }
  if (err instanceof ApplicationFailure) return err.type ?? undefined;
  return undefined;
}

export function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** An activity that failed for a reason that may pass: 429, 5xx, timeouts, connection errors. */
export function isTransientFailure(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  if (err.cause instanceof ApplicationFailure) return !err.cause.nonRetryable;
  return err.cause instanceof TimeoutFailure;
}

/** The worker's own API budget turned the call away (its Retry-After says when): pacing, not an error. */
export function isBudgetWait(err: unknown): boolean {
  if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)) return false;
  const [detail] = err.cause.details ?? [];
  return typeof detail === 'object' && detail !== null && (detail as { budget?: unknown }).budget === true;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Exponential backoff with full jitter (Math.random is seeded and replay-safe in workflow code), at least what
 * the server asked for in Retry-After.
 */
export function backoffMs(attempt: number, err: unknown): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempt, 12));
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
  return Math.max(jittered, retryAfterMs(err));
}

function retryAfterMs(err: unknown): number {
  const delay =
    err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.nextRetryDelay : undefined;
  return delay === undefined || delay === null ? 0 : msToNumber(delay);
}
