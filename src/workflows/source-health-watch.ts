// The source health watch while replicating: every sourceCheckIntervalSeconds the plan's source checks run again
// (binlog settings and retention against what the stream may need, grants, the Hive schema VERSION against the
// start's). It is retry-as-poll beside the migration's own polls: no slot is held and no history event written
// while nothing changes. A change (a check that passed now fails, or back) is recorded with its time in status
// (src/migration/source-health.ts), in the SourceHealth search attribute and, with targets, as a notification.
import { ActivityFailure, CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { SourceHealthChange, SourceHealthRead } from '../migration/source';
import { applyHealth, lastLevels } from '../migration/source-health';
import type { MigrationState } from '../migration/state';
import type { MigrationRequest } from '../schemas';
import type { ActivityProxies } from './activity-proxies';
import { failureLine } from './failures';
import { sourceArgs } from './source-args';

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
        // Stopped: nothing to do. Anything else is a bug in this code (activity failures are findings, below):
        // rethrown, it is an unhandled rejection, which fails the workflow task like any other bug.
        if (!isCancellation(err)) throw err;
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
        ...sourceArgs(this.request),
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
        const message = failureLine(err);
        read = { checkedAt: new Date().toISOString(), findings: [{ check: 'source', level: 'error', message }] };
        failed = true;
      }
      this.onRead(applyHealth(this.state, read));
      if (failed) await sleep(intervalMs);
    }
  }
}
