// Reading migration state. `pollMigrationChange` is Temporal's pattern for infrequent polling: each attempt is
// one read (a few within a second or so, for sub-second test intervals); while nothing changed it fails benignly
// and the server schedules the next attempt (nextRetryDelay),
// so a waiting migration holds no worker slot and writes no history event between polls. `checkOperation` does
// the same for a long-running operation. `watchMigration` is the old in-activity watcher, kept for histories
// that scheduled it: it now reads once and returns, so such a workflow moves to the new path at once.
import { Context } from '@temporalio/activity';
import { type MigratorMetrics, NO_METRICS } from '../metrics/migrator-metrics';
import type { MetastoreClient } from '../metastore/client';
import { succeeded } from '../metastore/client';
import { MetastoreApiError } from '../metastore/errors';
import type { MigrationExecution } from '../schemas';
import type { ExecutionSnapshot, MigrationSnapshot } from '../migration/snapshot';
import { executionChanged, isActiveExecution, isReplicating, snapshotChanged } from '../migration/snapshot';
import type { OperationOutcome } from './migration';
import { executionOf } from './migration';
import { hasApiStatus, isTransientApiError, readError, unchanged } from './failures';

export interface WatchArgs {
  service: string;
  execution?: string;
  last?: MigrationSnapshot;
  /** Steady-state interval. */
  pollIntervalMs: number;
  /** Interval until `fastUntil` (an ISO time set by the workflow at each transition). */
  fastPollIntervalMs?: number;
  fastUntil?: string;
  /** Return unchanged after this long, so lastPollTime in the workflow stays reasonably fresh. */
  maxQuietMs: number;
}

interface PollArgs {
  service: string;
  execution?: string;
  last?: MigrationSnapshot;
}

export interface OperationCheckArgs {
  operation: string;
  pollIntervalMs: number;
  /**
   * The start's check (lean-start): once the operation is done, the migration read in the same attempt — the
   * read pollMigration would make next, one activity and one workflow task fewer. `execution` when the operation
   * names none.
   */
  thenRead?: PollArgs;
}

/** An operation's outcome; with `thenRead`, the read that followed it (absent if it could not be made: poll). */
export interface OperationCheck extends OperationOutcome {
  snapshot?: MigrationSnapshot;
}

export interface PollingDeps {
  metastore: MetastoreClient;
  /** The client polls read through: its API budget turns polls away instead of making them wait. */
  pollMetastore?: MetastoreClient;
  metrics?: MigratorMetrics;
}

export function createPollingActivities({ metastore, pollMetastore = metastore, metrics = NO_METRICS }: PollingDeps) {
  const read = async (client: MetastoreClient, args: WatchArgs | PollArgs, refreshService: boolean) => {
    const snapshot = await readSnapshot(client, args.service, args.execution, args.last, refreshService);
    metrics.polled(args.service);
    return snapshot;
  };
  /** One read (the execution; the service only when needed) — what the workflow asks at a transition. */
  const pollMigration = async (args: PollArgs) => {
    try {
      return await read(metastore, args, false);
    } catch (err) {
      // A transient failure is retried by the workflow (recorded, with backoff). A refused or unreadable answer
      // (403, 401, a body that breaks the contract) is an incident on a snapshot: the migration goes on.
      if (isTransientApiError(err)) throw err;
      return failedRead(err, args.last);
    }
  };
  return {
    pollMigration,

    /**
     * One attempt of the wait: returns when the read differs from `last` (or once per maxQuietMs, unchanged),
     * else fails benignly with the next poll's delay: fast until `fastUntil` (jittered ±5 %), then steady: the
     * interval to 5 % more, never less, so a migration reads at most once per interval.
     * A transient read error is returned once (as `error` on a snapshot repeating the last good read); a 429
     * (Google's or this worker's budget) is absorbed: the next attempt comes after its Retry-After.
     */
    async pollMigrationChange(args: WatchArgs): Promise<MigrationSnapshot> {
      const ctx = Context.current();
      return withinAttempt<MigrationSnapshot>(ctx, async () => {
        const quietForMs = Date.now() - ctx.info.scheduledTimestampMs;
        const quietEnough = quietForMs >= args.maxQuietMs;
        let snapshot: MigrationSnapshot;
        try {
          snapshot = await read(pollMetastore, args, quietEnough);
        } catch (err) {
          snapshot = failedRead(err, args.last);
          // Turned away (Google's 429 or this worker's budget): the read did not happen, so it is tried again
          // when told, not a whole interval later, which would let an outside change go unseen for two.
          if (snapshot.error?.type === 'RESOURCE_EXHAUSTED') {
            return pollAgain(args, quietForMs, snapshot, { turnedAwayForMs: retryAfterOf(err) });
          }
          if (snapshot.error?.type === args.last?.error?.type) {
            return pollAgain(args, quietForMs, snapshot, { atLeastMs: retryAfterOf(err), lateMs: lateBy(ctx) });
          }
        }
        if (quietEnough || snapshotChanged(args.last, snapshot)) return { done: snapshot };
        return pollAgain(args, quietForMs, snapshot, { lateMs: lateBy(ctx) });
      });
    },

    /**
     * One read of an operation: its outcome once done (its error as a failure), else poll again benignly — soon
     * while the operation is young, at `pollIntervalMs` once it has run that long (operationCheckDelay).
     */
    async checkOperation({ operation, pollIntervalMs, thenRead }: OperationCheckArgs) {
      const ctx = Context.current();
      const began = Date.now();
      return withinAttempt<OperationCheck>(ctx, async () => {
        // A read at control priority: it is a step of the migration's start (or decision), served in the budget's
        // order with the other control calls — the migration seen first goes first, so its start is not held back
        // behind the prechecks of every later one. A complete or cancel never waits for it (they borrow a token).
        // Turned away (the queue is full of earlier migrations' calls), it comes back when told.
        // A transient error (503, 429, a read that timed out) is one missed read, tried again at the next check:
        // thrown, the server's retry policy would wait by attempt count, and every benign "not done" before it
        // counted, so one 503 cost the policy's longest wait (a minute) instead of a poll interval.
        const current = await metastore.getOperation(operation).catch((err: unknown) => {
          if (isTransientApiError(err)) return err;
          throw err;
        });
        if (current instanceof MetastoreApiError) {
          if (current.local)
            return { again: retryAfterOf(current), message: 'operation check waiting for the API budget' };
          return {
            again: Math.max(retryAfterOf(current), jittered(pollIntervalMs)),
            message: `operation check failed (${current.status}: ${current.message}), retrying`,
          };
        }
        if (!current.done) {
          const status = current.metadata?.statusMessage;
          // Timed from when the workflow asked (the first attempt's schedule), so the backoff survives attempts.
          const again = jittered(operationCheckDelay(Date.now() - ctx.info.scheduledTimestampMs, pollIntervalMs));
          return { again, message: `operation not done yet${status ? `: ${status}` : ''}` };
        }
        const done = succeeded(current);
        const outcome = { operation, migrationExecution: executionOf(done) };
        // Only with half the attempt's time left: against a slow API the read would time this attempt out, and
        // the next one read the done operation again. A read that fails transiently (or that the budget turns
        // away) is left to the workflow's own poll too, which retries it and records the error, as before.
        const timeLeft = ctx.info.startToCloseTimeoutMs - (Date.now() - began);
        if (!thenRead || timeLeft < ctx.info.startToCloseTimeoutMs / 2) return { done: outcome };
        const execution = outcome.migrationExecution ?? thenRead.execution;
        const snapshot = await pollMigration({ ...thenRead, execution }).catch(() => undefined);
        return { done: snapshot ? { ...outcome, snapshot } : outcome };
      });
    },

    /** Histories from before retry-as-poll scheduled this; one read, so their next step takes the new path. */
    async watchMigration(args: WatchArgs): Promise<MigrationSnapshot> {
      return readSnapshot(metastore, args.service, args.execution, args.last, true).catch((err: unknown) =>
        failedRead(err, args.last),
      );
    },
  };
}

/**
 * The execution is read on every poll; the service only when the execution alone cannot tell: no execution
 * known yet, the execution gone, no longer RUNNING in REPLICATION or different from `last`, or `refreshService`.
 */
async function readSnapshot(
  metastore: MetastoreClient,
  service: string,
  execution: string | undefined,
  last: MigrationSnapshot | undefined,
  refreshService: boolean,
): Promise<MigrationSnapshot> {
  const polledAt = new Date().toISOString();
  let current: MigrationExecution | undefined;
  if (execution) {
    current = await orNotFound(() => metastore.getMigrationExecution(execution));
  } else {
    const listed = await orNotFound(() => metastore.listAllMigrationExecutions(service));
    if (!listed) return { polledAt, serviceFound: false };
    current = pickCurrent(listed);
  }
  const snapshot = current && toSnapshot(current);
  const known = last?.serviceFound === true && last.serviceState !== undefined && !last.error;
  const steady = isReplicating(snapshot) && !executionChanged(last?.execution, snapshot);
  if (known && steady && !refreshService) {
    return { polledAt, serviceFound: true, serviceState: last.serviceState, execution: snapshot };
  }
  const found = await orNotFound(() => metastore.getService(service));
  if (!found) return { polledAt, serviceFound: false };
  // Only when the service says (PROXY, the outgoing kind): every other read stays as it was.
  const proxy = found.lakehouseProxyConfig ? { lakehouseProxy: found.lakehouseProxyConfig } : {};
  return { polledAt, serviceFound: true, serviceState: found.state, execution: snapshot, ...proxy };
}

/** What one read decided: done (the activity's result), or read again after `again` ms. */
export type Poll<T> = { done: T } | { again: number; message: string; details?: unknown };

/**
 * The server's retry timers fire with about a second's resolution, so a next read due sooner than that is
 * waited for here, within one short attempt; anything longer ends the attempt with a BENIGN failure whose
 * nextRetryDelay is the wait — no slot is held and no history event is written until the next attempt.
 */
const SERVER_TIMER_RESOLUTION_MS = 1000;
const MAX_ATTEMPT_MS = 3000;

export async function withinAttempt<T>(ctx: Context, read: () => Promise<Poll<T>>): Promise<T> {
  const began = Date.now();
  for (;;) {
    const poll = await read();
    if ('done' in poll) return poll.done;
    if (poll.again >= SERVER_TIMER_RESOLUTION_MS || Date.now() - began + poll.again > MAX_ATTEMPT_MS) {
      throw unchanged(poll.again, poll.message, poll.details);
    }
    await ctx.sleep(poll.again);
  }
}

/**
 * The first check of an operation not yet done comes back this soon. Each later one waits as long as the operation
 * has run so far (so the waits double: 250 ms, 250 ms, 500 ms, 1 s, 2 s …) up to the steady interval. The
 * emulator's 300 ms operation is seen done within about twice its length instead of a whole interval (5 s by
 * default) later; Google's, which take minutes, cost a handful of extra reads before the steady interval — at most
 * log2(interval / 250 ms) + 1 per operation, whatever the interval, so the worker's floor still bounds the rate.
 */
export const FIRST_OPERATION_CHECK_MS = 250;

/** How long to wait before reading an operation again, `elapsedMs` after the workflow first asked about it. */
export function operationCheckDelay(elapsedMs: number, intervalMs: number): number {
  return Math.min(intervalMs, Math.max(FIRST_OPERATION_CHECK_MS, elapsedMs));
}

/** Nothing new: poll again after the adaptive interval; the read rides along for the CLI's live status. */
/** A 429 without Retry-After: come back after this, or after the interval if that is shorter. */
const THROTTLED_RETRY_MS = 5000;

interface PollAgainOptions {
  atLeastMs?: number;
  turnedAwayForMs?: number;
  /** How late this read came after it was due (see lateBy): taken off the next steady wait. */
  lateMs?: number;
}

function pollAgain(
  args: WatchArgs,
  quietForMs: number,
  snapshot: MigrationSnapshot,
  { atLeastMs = 0, turnedAwayForMs, lateMs = 0 }: PollAgainOptions = {},
): Poll<never> {
  const fastUntil = args.fastUntil === undefined ? undefined : Date.parse(args.fastUntil);
  const now = Date.now();
  const fast = fastUntil !== undefined && now < fastUntil;
  const interval = fast ? (args.fastPollIntervalMs ?? args.pollIntervalMs) : args.pollIntervalMs;
  // Migrations that changed together (a mass start) leave fast polling together: their first steady interval
  // draws a phase from half to the whole interval, so the fleet's steady polls spread out instead of arriving
  // in bunches that the project's API budget would have to turn away (delaying them past the interval).
  const leavingFast = !fast && fastUntil !== undefined && now < fastUntil + args.pollIntervalMs;
  // Steady polls keep to their period: the time this read came late (a busy server's timer, a task waiting for
  // a worker, the read itself) comes off the next wait, or the gaps grow by it and an outside change waits longer
  // than the interval to be seen. At most half the interval, so a read hours late (no worker) is no burst.
  const steadyWait = (ms: number) => Math.round(Math.max(ms - lateMs, ms / 2));
  const drawn = leavingFast
    ? Math.round(interval * (0.5 + Math.random() * 0.5))
    : fast
      ? jittered(interval)
      : steadyWait(spread(interval));
  // Not past the quiet deadline, so the daily unchanged return happens on time.
  const remainingMs = args.maxQuietMs - quietForMs;
  const next = remainingMs > 0 ? Math.min(drawn, remainingMs) : drawn;
  // Turned away: exactly when told (never sooner), else soon; otherwise the interval, at least `atLeastMs`.
  const delay =
    turnedAwayForMs === undefined
      ? Math.max(atLeastMs, next)
      : turnedAwayForMs > 0
        ? turnedAwayForMs
        : Math.min(THROTTLED_RETRY_MS, next);
  const e = snapshot.execution;
  const seen = snapshot.error ? `${snapshot.error.type}, retrying` : `${e?.state ?? 'no execution'}/${e?.phase ?? '-'}`;
  return {
    again: delay,
    message: `unchanged (${seen}); next poll in ${Math.round(delay / 100) / 10}s`,
    details: { last: snapshot },
  };
}

/** ±5 %: migrations started together drift apart instead of polling in lockstep, and the longest gap between
 * two reads (what bounds detecting an outside change) stays within 5 % of the interval. */
function jittered(ms: number): number {
  return Math.max(1, Math.round(ms * (0.95 + Math.random() * 0.1)));
}

/**
 * How long after its due time this attempt is reading: the server sets an attempt's scheduled time to when its
 * retry was due, so this is timer lateness, time in the task queue and the read. Negative (clocks of worker and
 * server apart) counts as on time.
 */
function lateBy(ctx: Context): number {
  return Math.max(0, Date.now() - ctx.info.currentAttemptScheduledTimestampMs);
}

/** The interval to 5 % more: the fleet's steady polls drift apart, none comes sooner than the interval (so a
 * day holds at most 86 400 / interval reads), and the longest gap stays within 5 % of it. */
function spread(ms: number): number {
  return Math.round(ms * (1 + Math.random() * 0.05));
}

function retryAfterOf(err: unknown): number {
  return err instanceof MetastoreApiError ? (err.retryAfterMs ?? 0) : 0;
}

/** A transient failure becomes a snapshot carrying the error; anything else fails the activity. */
/**
 * A read that failed: the API refused it (any status but NOT_FOUND, which readSnapshot takes as "gone"), or answered
 * with a body that breaks the contract. It becomes a snapshot carrying the error and repeating the last good read,
 * so the workflow records an incident and keeps watching: once a migration runs, no answer ends it. Anything else
 * (a bug) fails the activity.
 */
function failedRead(err: unknown, last: MigrationSnapshot | undefined): MigrationSnapshot {
  const error = readError(err);
  if (!error) throw err;
  return {
    polledAt: new Date().toISOString(),
    serviceFound: last?.serviceFound ?? true,
    serviceState: last?.serviceState,
    execution: last?.execution,
    error,
  };
}

async function orNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (hasApiStatus(err, 'NOT_FOUND')) return undefined;
    throw err;
  }
}

/** The execution in flight, else the newest one. */
function pickCurrent(executions: MigrationExecution[]): MigrationExecution | undefined {
  const active = executions.find((e) => isActiveExecution(e.state));
  if (active) return active;
  return [...executions].sort((a, b) => (b.createTime ?? '').localeCompare(a.createTime ?? ''))[0];
}

function toSnapshot(e: MigrationExecution): ExecutionSnapshot {
  // The outgoing kind's backfill state rides along (its summary does not: unbounded, read once at the end); an
  // incoming execution's snapshot is exactly as before.
  const outgoing = e.biglakeMetastoreMigrationConfig;
  return {
    name: e.name,
    state: e.state,
    phase: e.phase,
    stateMessage: e.stateMessage,
    createTime: e.createTime,
    endTime: e.endTime,
    ...(outgoing && { backfill: outgoing.backfillStatus?.state ?? 'STATE_UNSPECIFIED' }),
  };
}
