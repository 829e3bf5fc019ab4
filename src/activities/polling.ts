// Reading migration state: one read (pollMigration), or a watcher that polls inside one long activity
// and returns only when something changed, so steady-state waiting writes no history events.
import { Context } from '@temporalio/activity';
import type { MetastoreClient } from '../metastore/client';
import { MetastoreApiError } from '../metastore/errors';
import type { MigrationExecution } from '../schemas';
import type { ExecutionSnapshot, MigrationSnapshot } from '../workflows/migration-state';
import { isActiveExecution, snapshotChanged } from '../workflows/migration-state';

/** Heartbeat at least this often so cancellation and worker death are noticed quickly. */
const HEARTBEAT_EVERY_MS = 5000;

export interface WatchArgs {
  service: string;
  execution?: string;
  last?: MigrationSnapshot;
  pollIntervalMs: number;
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

    /** Polls every pollIntervalMs until the snapshot differs from `last` (or maxQuietMs passes). */
    async watchMigration(args: WatchArgs): Promise<MigrationSnapshot> {
      const ctx = Context.current();
      // A retried attempt resumes from the last snapshot its predecessor saw.
      const resumed = ctx.info.heartbeatDetails as { last?: MigrationSnapshot } | undefined;
      const last = resumed?.last ?? args.last;
      const deadline = Date.now() + args.maxQuietMs;
      for (;;) {
        await sleepWithHeartbeats(ctx, Math.min(args.pollIntervalMs, Math.max(0, deadline - Date.now())), { last });
        const snapshot = await poll(args.service, args.execution);
        if (snapshotChanged(last, snapshot) || Date.now() >= deadline) return snapshot;
        ctx.heartbeat({ last: snapshot });
      }
    },
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
