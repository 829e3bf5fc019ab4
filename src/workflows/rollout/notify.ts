// A rollout's notifications, through the migrations' `notify` activity and event shape: a gate waiting for
// approval, the failure budget pausing the rollout, a wave done, the rollout finished. Each goes once — its key is
// kept in the carried state, so neither a member read nor continue-as-new sends it again. Delivery runs beside
// the rollout; only its end (or continue-as-new) waits for what is in flight.
import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { NotificationEvent, NotificationKind } from '../../migration/notifications';
import type { RolloutInput } from '../../schemas/rollout';
import type { RolloutState } from './messages';

const { notify } = proxyActivities<Pick<Activities, 'notify'>>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '2s', maximumInterval: '1m', backoffCoefficient: 2 },
});

/** Keys kept to tell what was sent: the newest this many (older ones belong to waves long done). */
const KEYS_KEPT = 50;

export class RolloutNotifier {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly input: RolloutInput,
    private readonly state: RolloutState,
  ) {}

  /** Sends `kind` unless `key` was sent already. */
  once(key: string, kind: NotificationKind, message: string): void {
    const targets = this.input.notify ?? [];
    if (targets.length === 0 || this.state.notified.includes(key)) return;
    this.state.notified.push(key);
    if (this.state.notified.length > KEYS_KEPT) this.state.notified.splice(0, this.state.notified.length - KEYS_KEPT);
    const { workflowId } = workflowInfo();
    const waves = this.input.waves.length;
    const wave = Math.min(this.state.wave + 1, waves);
    const event: NotificationEvent = {
      // Stable across runs of the chain: the key, not the run, names the event.
      id: `${workflowId}/${key}`,
      kind,
      migration: workflowId,
      service: this.input.name,
      stage: `wave ${wave}/${waves} ${this.state.gate}`,
      message,
      time: new Date().toISOString(),
    };
    const sent = notify({ event, targets: [...targets] }).then(
      () => undefined,
      (err: unknown) => log.warn('a notification was not delivered', { kind, id: event.id, error: String(err) }),
    );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
