// Source health while replicating: every sourceCheckIntervalSeconds the plan's source checks run again (binlog
// settings and retention against what the stream may need, grants, the Hive schema VERSION against the start's).
// The watch is retry-as-poll beside the migration's own polls: no slot is held and no history event written
// while nothing changes. A change (a check that passed now fails, or back) is recorded with its time in status,
// in the SourceHealth search attribute and, when the run has targets, as a notification.
import { ActivityFailure, CancellationScope, isCancellation, log, sleep } from '@temporalio/workflow';
import type { SourceHealthRead } from '../activities/cutover';
import type { Finding } from '../plan/findings';
import type { MigrationRequest } from '../schemas';
import type { ActivityProxies } from './activity-proxies';
import { failureMessage, failureType } from './failures';
import type { MigrationState } from './migration-state';

/** Runs from before the health watch replay without it. */
export const SOURCE_HEALTH_PATCH = 'source-health';

export type SourceHealthStatus = 'OK' | 'WARN' | 'ERROR';

export interface SourceHealthChange {
  check: string;
  /** Absent for a check seen for the first time. */
  from?: string;
  to: string;
  at: string;
  message: string;
}

export interface SourceHealth {
  status: SourceHealthStatus;
  checkedAt: string;
  /** The level of each check at the last change. */
  levels: Record<string, string>;
  /** The newest changes last, at most MAX_CHANGES. */
  changes: SourceHealthChange[];
}

const MAX_CHANGES = 50;

/** ERROR when a check fails, WARN when one warns or could not run (skipped), else OK. */
export function healthStatus(findings: readonly Finding[]): SourceHealthStatus {
  if (findings.some((f) => f.level === 'error')) return 'ERROR';
  if (findings.some((f) => f.level === 'warning' || f.level === 'skipped')) return 'WARN';
  return 'OK';
}

/** The source checks' levels in the plan the start was decided on (overridden errors as the errors they were). */
export function planLevels(state: MigrationState): Record<string, string> {
  const plan = state.plan;
  if (!plan) return {};
  const source = plan.findings.filter((f) => /^(hive|cdc)\./.test(f.check));
  return Object.fromEntries(source.map((f) => [f.check, plan.overridden.includes(f.check) ? 'error' : f.level]));
}

/** The levels the next read is compared with: the last read's, or at first the plan's. */
export function lastLevels(state: MigrationState): Record<string, string> {
  return state.sourceHealth?.levels ?? planLevels(state);
}

/**
 * Applies a read and returns what changed against the last levels. A check not seen before counts only when it
 * is not ok (the first read adds checks the plan does not have, such as hive.schemaUnchanged).
 */
export function applyHealth(state: MigrationState, read: SourceHealthRead): SourceHealthChange[] {
  const before = state.sourceHealth;
  const previous = lastLevels(state);
  const levels = Object.fromEntries(read.findings.map((f) => [f.check, f.level]));
  const changes: SourceHealthChange[] = [];
  for (const f of read.findings) {
    const from = previous[f.check];
    if (from === f.level || (from === undefined && f.level === 'ok')) continue;
    changes.push({
      check: f.check,
      ...(from !== undefined && { from }),
      to: f.level,
      at: read.checkedAt,
      message: f.message,
    });
  }
  for (const [check, from] of Object.entries(previous)) {
    if (!(check in levels))
      changes.push({ check, from, to: 'gone', at: read.checkedAt, message: 'no longer reported' });
  }
  state.sourceHealth = {
    status: healthStatus(read.findings),
    checkedAt: read.checkedAt,
    levels,
    changes: [...(before?.changes ?? []), ...changes].slice(-MAX_CHANGES),
  };
  return changes;
}

/**
 * The watch, in a scope of its own: start() when REPLICATION begins, stop() when it ends. Restarted when the
 * execution's awaiting-user-action time changes what the binlog retention must cover.
 */
export class SourceHealthWatch {
  private scope?: CancellationScope;

  constructor(
    private readonly acts: ActivityProxies,
    private readonly request: MigrationRequest,
    private readonly state: MigrationState,
    /** After every read that returned (something changed, or the first); `changes` may be empty. */
    private readonly onRead: (changes: SourceHealthChange[]) => void,
  ) {}

  start(): void {
    if (this.scope) return;
    const scope = new CancellationScope();
    this.scope = scope;
    scope
      .run(() => this.loop())
      .catch((err: unknown) => {
        if (!isCancellation(err)) log.warn('the source health watch stopped', { error: String(err) });
      });
  }

  stop(): void {
    this.scope?.cancel();
    this.scope = undefined;
  }

  /** Only a running watch: outside REPLICATION nothing is watched. */
  restart(): void {
    if (!this.scope) return;
    this.stop();
    this.start();
  }

  private async loop(): Promise<void> {
    const intervalMs = this.request.options.sourceCheckIntervalSeconds * 1000;
    for (;;) {
      const last = this.state.sourceHealth;
      const dueAt = new Date((last ? Date.parse(last.checkedAt) : Date.now()) + intervalMs).toISOString();
      const args = {
        migrationExecution: this.request.migrationExecution,
        hiveVersion: this.state.hiveVersion,
        ...(this.state.sourceBaseline && { baseline: this.state.sourceBaseline }),
        retentionDays: this.request.options.binlogRetentionDays,
        ...(this.state.awaitingSince && { awaitingSince: this.state.awaitingSince }),
        last: lastLevels(this.state),
        intervalMs,
        dueAt,
      };
      let read: SourceHealthRead;
      let failed = false;
      try {
        read = await this.acts.healthPolls.watchSourceHealth(args);
      } catch (err) {
        // Stopped (REPLICATION ended, continue-as-new): nothing to record.
        if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
        // A check that cannot run at all (a secret gone) is itself a health finding, then tried again later.
        const message = `${failureType(err) ?? 'Error'}: ${failureMessage(err)}`;
        read = { checkedAt: new Date().toISOString(), findings: [{ check: 'source', level: 'error', message }] };
        failed = true;
      }
      this.onRead(applyHealth(this.state, read));
      if (failed) await sleep(intervalMs);
    }
  }
}
