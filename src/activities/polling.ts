// Reading migration state: one read (pollMigration), or a watcher that polls inside one long activity
// and returns only when something changed, so steady-state waiting writes no history events.
import { Context } from '@temporalio/activity';
import type { MetastoreClient } from '../metastore/client';
import { MetastoreApiError } from '../metastore/errors';
import { NON_RETRYABLE_STATUSES } from '../failure-types';
import type { MigrationExecution } from '../schemas';
import type { ExecutionSnapshot, MigrationSnapshot } from '../workflows/migration-state';
import { isActiveExecution, snapshotChanged } from '../workflows/migration-state';

/** Heartbeat at least this often so cancellation and worker death are noticed quickly. */
const HEARTBEAT_EVERY_MS = 5000;

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

export function createPollingActivities({ metastore }: { metastore: MetastoreClient }) {
  async function poll(service: string, execution?: string): Promise<MigrationSnapshot> {
    const polledAt = new Date().toISOString();
    const found = await orNotFound(() => metastore.getService(service));
    if (!found) return { polledAt, serviceFound: false };
    const current = execution
      ? await orNotFound(() => metastore.getMigrationExecution(execution))
      : pickCurrent(await metastore.listAllMigrationExecutions(service));
    return { polledAt, serviceFound: true, serviceState: found.state, execution: current && toSnapshot(current) };
  }

  return {
    /** One read of the service and the execution (or, without a name, the service's current execution). */
    async pollMigration({ service, execution }: { service: string; execution?: string }): Promise<MigrationSnapshot> {
      return poll(service, execution);
    },

    /**
     * Polls until the snapshot differs from `last` (or maxQuietMs passes): fast until `fastUntil`, then at
     * pollIntervalMs. A transient read error is reported once (as `error` on a snapshot that repeats the last
     * good read) and polling goes on; the first good read after it is a change again.
     */
    async watchMigration(args: WatchArgs): Promise<MigrationSnapshot> {
      const ctx = Context.current();
      // A retried attempt resumes from the last snapshot its predecessor saw.
      const resumed = ctx.info.heartbeatDetails as { last?: MigrationSnapshot } | undefined;
      let last = resumed?.last ?? args.last;
      const deadline = Date.now() + args.maxQuietMs;
      const fastUntil = args.fastUntil ? Date.parse(args.fastUntil) : 0;
      for (;;) {
        const interval =
          Date.now() < fastUntil ? (args.fastPollIntervalMs ?? args.pollIntervalMs) : args.pollIntervalMs;
        await sleepWithHeartbeats(ctx, Math.min(interval, Math.max(0, deadline - Date.now())), { last });
        const snapshot = await poll(args.service, args.execution).catch((err: unknown) => failedRead(err, last));
        if (snapshotChanged(last, snapshot) || Date.now() >= deadline) return snapshot;
        last = snapshot;
        ctx.heartbeat({ last });
      }
    },
  };
}

/** A transient failure becomes a snapshot carrying the error; anything else fails the activity. */
function failedRead(err: unknown, last: MigrationSnapshot | undefined): MigrationSnapshot {
  const transient =
    err instanceof MetastoreApiError && !(NON_RETRYABLE_STATUSES as readonly string[]).includes(err.status);
  if (!transient) throw err;
  return {
    polledAt: new Date().toISOString(),
    serviceFound: last?.serviceFound ?? true,
    serviceState: last?.serviceState,
    execution: last?.execution,
    error: { type: err.status, message: err.message },
  };
}

async function sleepWithHeartbeats(ctx: Context, ms: number, details: unknown): Promise<void> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0; left = until - Date.now()) {
    ctx.heartbeat(details);
    await ctx.sleep(Math.min(left, HEARTBEAT_EVERY_MS));
  }
}

async function orNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof MetastoreApiError && err.status === 'NOT_FOUND') return undefined;
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
  return {
    name: e.name,
    state: e.state,
    phase: e.phase,
    stateMessage: e.stateMessage,
    createTime: e.createTime,
    endTime: e.endTime,
  };
}
