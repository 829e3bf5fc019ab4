// What the migration tells people: the kinds of notification and the event a receiver gets. Names and states
// only, never a secret or a reference. Emitted by the workflow (src/workflows/notifier.ts), posted by the
// notify activity.

export type NotificationKind =
  | 'stage'
  | 'outcome'
  | 'awaiting_user_action'
  | 'unknown_value'
  | 'api_error'
  | 'verification'
  | 'source_health'
  | 'cutover_blocked'
  | 'decision_refused'
  | 'backups_left_off'
  | 'adopted'
  // A rollout's (src/workflows/rollout/): each once per wave or rollout, never per member read.
  | 'rollout_approval_waiting'
  | 'rollout_paused'
  | 'rollout_wave_done'
  | 'rollout_finished';

/** What a receiver gets (as JSON, or as a chat line). Names and states only: never a secret or a reference. */
export interface NotificationEvent {
  /** Stable across retries and replays: `workflowId/runId/sequence`. */
  id: string;
  kind: NotificationKind;
  /** The workflow id, `migration/<service>` (a rollout's: `rollout/<name>`). */
  migration: string;
  /** A rollout's notification: the rollout's name. */
  service: string;
  /** A rollout's: the wave and its gate, e.g. `wave 2/3 approval`. */
  stage: string;
  executionState?: string;
  phase?: string;
  outcome?: string;
  message: string;
  time: string;
}
