// Every patched() id of the workflows, in the order they were added, with what each guards and the replay fixtures
// (test/fixtures/histories) that prove both sides: `marked` hold the patch's marker (the new path), `before` were
// recorded before it existed (the old path, taken on replay). test/workflows/replay.test.ts checks these lists
// against the fixtures' markers. A patch is only ever added (never renamed or removed) while a run older than it
// may be open; then it becomes deprecatePatch(), and later goes.

export interface Patch {
  id: string;
  /** What the new path does, and what runs recorded before it do instead. */
  guards: string;
  /** Fixtures that took the new path (hold the marker). */
  marked: readonly string[];
  /** Fixtures recorded before the patch (no marker): they replay the old path. */
  before: readonly string[];
  /** When no fixture holds the marker: why (the patch is only consulted on a rare path). */
  unmarkedBecause?: string;
}

const CORE = ['happy-path', 'cancel-signal', 'external-failure', 'workflow-cancelled', 'continued-as-new-run1'];
const of = (prefix: string, names: readonly string[] = CORE) => names.map((name) => `${prefix}${name}`);

export const PATCHES = {
  fullPrechecks: {
    id: 'full-prechecks',
    guards:
      'every precheck (permissions, secrets, the source) before the start; before: service facts and secrets only',
    marked: [...of('v2-'), ...of('v5-'), ...of('v6-'), ...of('')],
    before: of('v1-'),
  },
  strictRequest: {
    id: 'strict-request-rules',
    guards:
      'a request the current field rules refuse fails the run INVALID_ARGUMENT; before: it was kept (marked only ' +
      'when a request is refused)',
    marked: [],
    before: of('v1-'),
    unmarkedBecause: 'consulted only when the request is invalid, which no fixture records',
  },
  ignoreMalformedSignals: {
    id: 'ignore-malformed-signals',
    guards: 'a complete/cancel signal with a malformed argument is ignored; before: it was recorded loosely',
    marked: [],
    before: of('v1-', ['cancel-signal']),
    unmarkedBecause: 'consulted only when a signal argument is malformed, which no fixture records',
  },
  retryAsPoll: {
    id: 'retry-as-poll',
    guards:
      'waits by retry-as-poll (pollMigrationChange on the poll queue, checkOperation); before: the long ' +
      'heartbeating watchMigration and awaitOperation activities',
    marked: [...of('v3-'), ...of('v4-'), ...of('v5-'), ...of('v6-'), ...of('')],
    before: [...of('v1-'), ...of('v2-')],
  },
  parallelPrechecks: {
    id: 'parallel-prechecks',
    guards: 'service, permission and secret prechecks run together; before: one after another',
    marked: [...of('v4-'), ...of('v5-'), ...of('v6-'), ...of('')],
    before: of('v3-'),
  },
  requestCheckActivity: {
    id: 'request-check-activity',
    guards:
      'the request is checked by the checkRequest activity (zod stays out of the sandbox); before: in the workflow',
    marked: [...of('v5-'), ...of('v6-'), ...of(''), 'notified', 'cutover-checked'],
    before: of('v4-'),
  },
  notifications: {
    id: 'notifications',
    guards: 'a run with notification targets posts its events by the notify activity (marked only with targets)',
    marked: ['notified'],
    before: of('v5-'),
  },
  cutoverGate: {
    id: 'cutover-gate',
    guards:
      'the source baseline before the start and the cutover checks before complete; before: complete is acted on ' +
      'as soon as it is accepted',
    marked: [...of('v6-'), ...of(''), 'cutover-checked'],
    before: [...of('v5-'), 'notified'],
  },
  sourceHealth: {
    id: 'source-health',
    guards: 'the source checks rerun while replicating (watchSourceHealth); before: no health watch',
    marked: [...of('v6-'), ...of(''), 'cutover-checked'],
    before: [...of('v5-'), 'notified'],
  },
  cutoverVerification: {
    id: 'cutover-verification',
    guards:
      'the source inventory recorded before completeMigration and DPMS reconciled after SUCCEEDED; before: neither',
    marked: ['v6-happy-path', 'happy-path', 'cutover-checked'],
    before: [...of('v5-'), 'notified'],
  },
  incidents: {
    id: 'incidents',
    guards:
      'a complete or cancel the API refuses (or whose operation fails) is set aside with the reason and the run ' +
      "goes back to waiting; before: the run failed with the API's status (marked only when that happens)",
    marked: [],
    before: of('v5-'),
    unmarkedBecause: 'consulted only when the API refuses a decision, which no fixture records',
  },
  backupsStayOffWhileActive: {
    id: 'backups-stay-off-while-active',
    guards:
      'a run that must end while its execution is still active leaves scheduled backups off and says so; before: ' +
      'they were restored (marked only when that happens)',
    marked: [],
    before: of('v5-'),
    unmarkedBecause: 'consulted only when a run ends with its execution active, which no fixture records',
  },
  notifyEveryEnding: {
    id: 'notify-every-ending',
    guards: 'a run ending BackupRestoreFailed notifies its outcome; before: it ended without (marked only then)',
    marked: [],
    before: of('v5-'),
    unmarkedBecause: 'consulted only when the backups cannot be restored, which no fixture records',
  },
  throttlingIsPacing: {
    id: 'throttling-is-pacing',
    guards:
      "a call throttled (429) past its activity's own attempts waits its Retry-After without using up a round; " +
      'before: it counted, and four throttled precheck rounds failed the start (marked only when that happens)',
    marked: [],
    before: of('v5-'),
    unmarkedBecause: 'consulted only when the API throttles a call past its retries, which no fixture records',
  },
  skippedChecksBlock: {
    id: 'skipped-checks-block',
    guards:
      'a cutover check of the source that could not run (hive.reachable, hive.schemaUnchanged, workloads.moved ' +
      'skipped) blocks complete unless overridden by name; before: a skipped check passed',
    marked: ['happy-path'],
    before: [...of('v5-'), ...of('v6-'), 'cutover-checked', 'notified', 'adopted'],
  },
  attentionAttribute: {
    id: 'attention-attribute',
    guards:
      'the MigrationAttention search attribute (INCIDENT while an API error is unresolved, BACKUPS_OFF after an ' +
      'ending with backups still off, else NONE) is upserted with the others; before: it was not',
    marked: of(''),
    before: [...of('v5-'), ...of('v6-'), 'cutover-checked', 'notified', 'adopted'],
  },
  outcomeAttribute: {
    id: 'outcome-attribute',
    guards:
      'once the migration ended, the MigrationOutcome search attribute (SUCCEEDED, CANCELLED, FAILED …) is upserted ' +
      "with the others, so the Web UI's list tells a cancelled migration from a completed one; before: it was not",
    marked: ['outcome-cancelled'],
    before: [...of(''), ...of('v5-'), ...of('v6-'), 'cutover-checked', 'notified', 'adopted'],
  },
  backfillCompletesItself: {
    id: 'backfill-completes-itself',
    guards:
      'a complete signal to an outgoing migration in BACKFILL mode is recorded as ignored, with why (a BACKFILL ' +
      'ends by itself); before: it was kept as the pending decision, never acted on (marked only when that happens)',
    marked: [],
    before: ['outgoing-rolled-back'],
    unmarkedBecause: 'consulted only when a complete signal reaches a BACKFILL migration, which no fixture records',
  },
  syncFailedTables: {
    id: 'sync-failed-tables',
    guards:
      "an INCREMENTAL_SYNC whose backfill has failed tables reads the backfill's report when it enters REPLICATION, " +
      'so status and the notification name them while the sync goes on; before: they were read only after complete',
    marked: [],
    before: ['outgoing-rolled-back'],
    unmarkedBecause: 'consulted only when an INCREMENTAL_SYNC backfill has failures, which no fixture records',
  },
  rollbackFinishes: {
    id: 'rollback-finishes',
    guards:
      'a rollback once asked (cancelMigration, its operation, the wait for ROLLED_BACK) runs to its end out of a ' +
      "workflow cancellation's reach, and the run ends with the rollback's outcome; before: a workflow cancellation " +
      'in ROLLING_BACK left the wait and recorded SUCCEEDED, not rolled back, while the API rolled it back',
    marked: ['outgoing-rollback-cancelled'],
    before: ['outgoing-rolled-back', 'outgoing-rollback-abandoned'],
  },
  rolloutMembership: {
    id: 'rollout-membership',
    guards:
      'a migration that joined a fleet rollout (joinRollout) upserts RolloutId and RolloutWave; before: there was ' +
      'no joinRollout, and a run never joined upserts nothing new (marked only once a run joins; the membership is ' +
      'carried across continue-as-new, so the continued run is marked too)',
    marked: ['rollout-member-run1', 'rollout-member-run2'],
    before: of(''),
  },
  precheckBatch: {
    id: 'precheck-batch',
    guards:
      'the prechecks that read (the service, the permissions; the Cloud SQL secrets and source) run as one ' +
      'activity, checkBeforeStart, and a check it could not settle runs alone as before; before: an activity each',
    marked: ['prechecks-batched'],
    before: [...of(''), ...of('v6-'), 'cutover-checked', 'notified', 'adopted', 'outcome-cancelled'],
  },
  rolloutOutgoingBackfill: {
    id: 'rollout-outgoing-backfill',
    guards:
      'a start rollout counts an outgoing member whose backfill SUCCEEDED (ROLLBACK_WINDOW, or ended SUCCEEDED) as ' +
      'reached, and one whose backfill lost tables as failed, naming them; before: a member in ROLLBACK_WINDOW was ' +
      'in progress, so its wave waited out the rollback window (marked in every start rollout that reads members)',
    marked: [],
    before: ['rollout-run1', 'rollout-run2'],
    unmarkedBecause: 'no fixture records a start rollout recorded after it',
  },
  rolloutCompleteRollbackWindow: {
    id: 'rollout-complete-rollback-window',
    guards:
      'a complete rollout counts an outgoing member in ROLLBACK_WINDOW (SUCCEEDED; complete no longer applies) as ' +
      'reached, or failed on a verification mismatch; before: it was in progress until its rollback window ended ' +
      '(marked in every complete rollout that reads members)',
    marked: [],
    // Start rollouts: the patch is asked only of a complete, so they replay as before it.
    before: ['rollout-run1', 'rollout-run2'],
    unmarkedBecause: 'no fixture records a complete rollout',
  },
  leanStart: {
    id: 'lean-start',
    guards:
      'every patch registered before it is taken as applied without its own marker (isPatched: one marker, not one ' +
      'per patch, each with the TemporalChangeVersion upsert the SDK adds), the memo is upserted only when it ' +
      "changes, a fresh run's request check also runs the prechecks that read (checkRequest thenCheckBeforeStart; " +
      "when it could not in time, checkBeforeStart as before), the start operation's last check reads the migration " +
      'too (checkOperation thenRead; when it could not, pollMigration as before) and that read is published with the ' +
      'stage it leads to (one upsert); before: a marker per patch, the memo with every upsert, the request check, ' +
      'the batch, the check and the read each apart, the read and the stage upserted apart',
    // Recorded on the way, each replays a fallback: lean-start-batch-apart, a request check that brought no batch;
    // lean-start-read-apart, that and an operation check that brought no read.
    marked: ['lean-start', 'lean-start-batch-apart', 'lean-start-read-apart'],
    before: [
      ...of(''),
      ...of('v6-'),
      'cutover-checked',
      'notified',
      'adopted',
      'outcome-cancelled',
      'prechecks-batched',
    ],
  },
} as const satisfies Record<string, Patch>;

/**
 * The patches a run marked lean-start takes as applied (isPatched): every one registered before it that
 * managedMigration and planMigration consult — not one added after it, whose runs must still record it.
 */
export const APPLIED_UNDER_LEAN_START: ReadonlySet<string> = new Set(
  (
    [
      'fullPrechecks',
      'strictRequest',
      'ignoreMalformedSignals',
      'retryAsPoll',
      'parallelPrechecks',
      'requestCheckActivity',
      'notifications',
      'cutoverGate',
      'sourceHealth',
      'cutoverVerification',
      'incidents',
      'backupsStayOffWhileActive',
      'notifyEveryEnding',
      'throttlingIsPacing',
      'skippedChecksBlock',
      'attentionAttribute',
      'outcomeAttribute',
      'backfillCompletesItself',
      'syncFailedTables',
      'rollbackFinishes',
      'rolloutMembership',
      'precheckBatch',
    ] as const satisfies readonly (keyof typeof PATCHES)[]
  ).map((key) => PATCHES[key].id),
);
