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
  | 'adopted';

/** What a receiver gets (as JSON, or as a chat line). Names and states only: never a secret or a reference. */
export interface NotificationEvent {
  /** Stable across retries and replays: `workflowId/runId/sequence`. */
  id: string;
  kind: NotificationKind;
  /** The workflow id, `migration/<service>`. */
  migration: string;
  service: string;
  stage: string;
  executionState?: string;
  phase?: string;
  outcome?: string;
  message: string;
  time: string;
}
