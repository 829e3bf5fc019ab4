// Telling people: every stage change, the outcome, AWAITING_USER_ACTION, a value this tool does not know, and an
// API error that lasts, posted by the `notify` activity to the run's targets. Delivery never holds up the
// migration: each notification runs beside it (bounded retries), and only the end of a run waits for what is
// still in flight. Event ids are deterministic (workflow, run, sequence), so a retried or replayed post carries
// the same id and a receiver can drop the duplicate. Runs with no targets schedule nothing and record nothing.
import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { NotificationEvent, NotificationKind } from '../migration/notifications';
import type { MigrationState } from '../migration/state';
import { isPatched } from './patch-gate';
import { PATCHES } from './patches';

const { notify } = proxyActivities<Pick<Activities, 'notify'>>({
  startToCloseTimeout: '30s',
  // A receiver down for ten minutes misses this notification; the migration does not wait for it.
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '2s', maximumInterval: '1m', backoffCoefficient: 2 },
});

/** Default for how long an API error lasts before it is notified. */
const ERROR_AFTER_SECONDS = 900;

export class Notifier {
  private sequence = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private errorSince?: number;
  private errorNotified = false;

  constructor(
    private readonly targets: readonly string[],
    private readonly service: string,
    private readonly state: MigrationState,
    private readonly errorAfterSeconds = ERROR_AFTER_SECONDS,
  ) {}

  emit(kind: NotificationKind, message: string): void {
    if (this.targets.length === 0 || !isPatched(PATCHES.notifications)) return;
    const { workflowId, runId } = workflowInfo();
    const e = this.state.execution;
    const event: NotificationEvent = {
      id: `${workflowId}/${runId}/${++this.sequence}`,
      kind,
      migration: workflowId,
      service: this.service,
      stage: this.state.stage,
      ...(e?.state && { executionState: e.state }),
      ...(e?.phase && { phase: e.phase }),
      ...(this.state.outcome && { outcome: this.state.outcome }),
      message,
      time: new Date().toISOString(),
    };
    const sent = notify({ event, targets: [...this.targets] }).then(
      () => undefined,
      (err: unknown) => log.warn('a notification was not delivered', { kind, id: event.id, error: String(err) }),
    );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /** An API error was seen; once it has lasted errorAfterSeconds it is notified, once until it clears. */
  errorSeen(type: string, message: string): void {
    const at = Date.now();
    this.errorSince ??= at;
    if (this.errorNotified || at - this.errorSince < this.errorAfterSeconds * 1000) return;
    this.errorNotified = true;
    const minutes = Math.round((at - this.errorSince) / 60_000);
    this.emit('api_error', `${type} for ${minutes} min: ${message}`);
  }

  errorCleared(): void {
    this.errorSince = undefined;
    this.errorNotified = false;
  }

  /** Before the run ends or continues as new: what is in flight is delivered or given up (bounded). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
