// The workflow side's one place for failures: reading an activity's failure (type, message, whether retrying can
// help, the backoff before the next round) and the run's error boundary — which errors may end a run at all.
// Branches on failure `type` (src/migration/failure-types.ts), never on our error classes.
import { msToNumber } from '@temporalio/common/lib/time';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { FailureType } from '../migration/failure-types';
import type { CanonicalStatus } from '../migration/failure-types';
import type { Finding } from '../migration/findings';

/**
 * The error boundary: only a failed activity (the API, the source, a secret) or an ApplicationFailure the workflow
 * throws on purpose may end a run. Anything else is a bug in workflow code: it must propagate untouched, so the SDK
 * fails the workflow task and the server retries it until a fixed build runs — the run, its execution and its
 * backups stay as they are.
 */
export function mayEndRun(err: unknown): err is ActivityFailure | ApplicationFailure {
  return err instanceof ActivityFailure || err instanceof ApplicationFailure;
}

/** Rethrows a bug (see mayEndRun) at once, so no handler records or acts on it. */
export function rethrowBug(err: unknown): asserts err is ActivityFailure | ApplicationFailure {
  if (!mayEndRun(err)) throw err;
}

/**
 * A deliberate ending: non-retryable, typed from the one enum (FailureType), or with the canonical status of the
 * API's answer that ended it (CANONICAL_STATUSES), passed on verbatim.
 */
export function ending(
  type: FailureType | CanonicalStatus | string,
  message: string,
  cause?: Error,
): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, cause });
}

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

/**
 * A check's activity that failed for good (NOT_FOUND, PERMISSION_DENIED, an unresolvable secret …) becomes an error
 * finding of that check. Only a failed activity: anything else is a bug and propagates.
 */
export function failureFinding(check: string, err: unknown): Finding {
  if (!(err instanceof ActivityFailure)) throw err;
  const type = failureType(err) ?? FailureType.PrecheckFailed;
  return { check, level: 'error', message: `${type}: ${failureMessage(err)}` };
}

/** `TYPE: message`, for a finding or a note that records a failure. */
export function failureLine(err: unknown): string {
  return `${failureType(err) ?? 'Error'}: ${failureMessage(err)}`;
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
