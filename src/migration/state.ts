// The migration's state and its transitions: the stage, the engineer's decisions with their audit trail, the
// outcome. Plain JSON only: this state is the status query's answer and the continue-as-new payload, so it holds
// ISO time strings and arrays, never secrets.
import type { Adoption } from './adoption';
import type { BackfillOutcome } from './backfill';
import type { PrecheckReport } from './dry-run';
import type { CutoverReport } from './report';
import type { SavedScheduledBackup } from './service';
import type { ExecutionSnapshot, MigrationSnapshot } from './snapshot';
import { isKnownRead, readyToComplete, unknownValuesOf } from './snapshot';
import type { SourceBaseline, SourceHealth } from './source';
import type { RolloutMembership } from './rollout-membership';
import type { RecordedInventory, Verification } from './verification';
import type { ServiceState } from './vocabulary';

export type Stage =
  | 'PRECHECK'
  | 'DISABLING_BACKUPS'
  | 'STARTING'
  | 'REPLICATION'
  /** Outgoing kind: the execution's backfill runs (the API's own word, backfillStatus). */
  | 'BACKFILL'
  | 'COMPLETING'
  | 'CANCELLING'
  /** Outgoing kind: SUCCEEDED with the service in PROXY; a rollback may still be asked for until the window ends. */
  | 'ROLLBACK_WINDOW'
  /** Outgoing kind: cancelMigration after SUCCEEDED, until the execution is ROLLED_BACK and the service ACTIVE. */
  | 'ROLLING_BACK'
  | 'RESTORING_BACKUPS'
  | 'DONE';

/** Every stage, in order (metrics count migrations in each). */
export const STAGES = [
  'PRECHECK',
  'DISABLING_BACKUPS',
  'STARTING',
  'REPLICATION',
  'BACKFILL',
  'COMPLETING',
  'CANCELLING',
  'ROLLBACK_WINDOW',
  'ROLLING_BACK',
  'RESTORING_BACKUPS',
  'DONE',
] as const satisfies readonly Stage[];

/** How the migration ended. SUCCEEDED, CANCELLED and ROLLED_BACK end the workflow normally; the others fail it. */
export type Outcome =
  | 'SUCCEEDED'
  | 'CANCELLED'
  /** Outgoing kind: rolled back within the rollback window (the service serves from DPMS again): asked for. */
  | 'ROLLED_BACK'
  | 'FAILED'
  | 'SERVICE_GONE'
  | 'PRECHECK_FAILED'
  /** A run asked to adopt found nothing it may take over; nothing was changed. */
  | 'ADOPTION_REFUSED';

/** `rollback`: the outgoing kind only, in its rollback window. */
export type Action = 'complete' | 'cancel' | 'rollback';

export interface DecisionRecord {
  action: Action;
  by?: string;
  reason?: string;
  at: string;
  via: 'signal' | 'update' | 'workflow-cancellation';
  /** Cutover checks the engineer overrode by name (complete only). */
  override?: string[];
  /** Set when the cutover checks passed as the update was accepted (a signal's are run before cutover). */
  gate?: 'passed';
  accepted: boolean;
  note?: string;
}

/**
 * An error that lasts: a refused or unreadable API answer, or a call still failing. The migration goes on through
 * it (polls continue, a refused decision is set aside); `resolvedAt` once a later read or call succeeds.
 */
export interface Incident {
  type: string;
  message: string;
  /** When it was last seen. */
  at: string;
  /** When it was first seen (runs from before keep only `at`). */
  since?: string;
  /** How many times in a row it was seen. */
  count?: number;
  resolvedAt?: string;
}

export interface MigrationState {
  stage: Stage;
  stageHistory: { stage: Stage; at: string }[];
  outcome?: Outcome;
  outcomeMessage?: string;
  /** Fixed once by the workflow so a retried activity repeats the same request. */
  requestIds: { disableBackups: string; start: string; restoreBackups: string };
  serviceState?: ServiceState;
  execution?: ExecutionSnapshot;
  lastPollTime?: string;
  /** The last read, handed to the watcher so it reports only changes (and to the next run). */
  lastSnapshot?: MigrationSnapshot;
  savedScheduledBackup?: SavedScheduledBackup;
  /** The precheck report the start was decided on (the outgoing kind's with its dry run). */
  plan?: PrecheckReport;
  /** Set when this run took over an execution already running instead of starting one (the audit record). */
  adoption?: Adoption;
  backupsDisabled: boolean;
  backupsRestored: boolean;
  /** The engineer's accepted decision; later requests are kept in `requests` with a note. */
  decision?: DecisionRecord;
  requests: DecisionRecord[];
  /** Request records dropped from `requests` (the oldest) to keep the state bounded. */
  requestsDropped?: number;
  /** The last failure seen (retries go on for transient ones); resolvedAt once a later call succeeded. */
  lastError?: Incident;
  /** Poll fast until then: set at every transition, so changes around it are seen within seconds. */
  fastPollUntil?: string;
  startedAt: string;
  updatedAt: string;
  continuedAsNew: number;
  /** History events of the runs before this one (continue-as-new): with historyLength, the total so far. */
  eventsInEarlierRuns: number;
  /** Watcher returns: `quiet` when nothing changed (at most one per maxQuietSeconds), `changed` otherwise. */
  watcherReturns: { quiet: number; changed: number };
  /** Values from a newer API revision seen so far ("execution state X"), each logged once. */
  unknownValues?: string[];
  /** The source's inventory recorded right before completeMigration: key, digest and counts (names are in the
   * worker's inventory store), or why it was not recorded. */
  cutoverInventory?: RecordedInventory;
  /** The reconciliation after SUCCEEDED: DPMS's inventory against the cutover record. */
  verification?: Verification;
  /** The service's Hive version (hiveMetastoreConfig.version) from the precheck: the schema is judged by it. */
  hiveVersion?: string;
  /** The source right before startMigration (or when adopting: `takenAt`): Hive schema VERSION and client hosts. */
  sourceBaseline?: SourceBaseline;
  /** Since when the execution awaits user action (its CDC stream stopped); cleared when it runs again. */
  awaitingSince?: string;
  /** Source checks while replicating: status, the levels and every change with its time. */
  sourceHealth?: SourceHealth;
  /** The last cutover readiness check (complete, complete --dry-run). */
  cutoverChecks?: CutoverReport;
  /** Set for the outgoing kind only (runs of the incoming kind leave it out, as they always did). */
  kind?: 'biglakeMetastoreMigrationConfig';
  /** Outgoing kind: the backfill's outcome once it ended (counts, and at most a few failed names). */
  backfill?: BackfillOutcome;
  /** Outgoing kind: the dry run's start ids, fixed once so a retried precheck never starts a second one. */
  dryRunIds?: { migrationExecutionId: string; requestId: string };
  /** Outgoing kind: until when a rollback is accepted (set as the run enters ROLLBACK_WINDOW). */
  rollbackWindowEndsAt?: string;
  /** The fleet rollout driving this migration (joinRollout), carried across continue-as-new. */
  rollout?: RolloutMembership;
}

export type MigrationStatus = MigrationState & {
  service: string;
  workflowId: string;
  runId: string;
  historyLength: number;
};

export interface MigrationResult {
  outcome: Outcome;
  message?: string;
  execution?: ExecutionSnapshot;
  serviceState?: ServiceState;
  backupsRestored: boolean;
  /** The audit trail: every complete/cancel request, who, when, why, and whether it was accepted. */
  requests: DecisionRecord[];
  /** When the run adopted a running execution: which, who, when, and what became of the backups. */
  adoption?: Adoption;
  /** After a cutover: whether DPMS serves what the source held (a mismatch keeps the outcome SUCCEEDED). */
  verification?: Verification;
  /** Outgoing kind: the backfill's outcome. */
  backfill?: BackfillOutcome;
}

export function initialState(now: string, requestIds: MigrationState['requestIds']): MigrationState {
  return {
    stage: 'PRECHECK',
    stageHistory: [{ stage: 'PRECHECK', at: now }],
    requestIds,
    backupsDisabled: false,
    backupsRestored: false,
    requests: [],
    startedAt: now,
    updatedAt: now,
    continuedAsNew: 0,
    eventsInEarlierRuns: 0,
    watcherReturns: { quiet: 0, changed: 0 },
  };
}

/** State carried by continue-as-new from an older version of this code may lack newer fields. */
export function carriedState(state: MigrationState): MigrationState {
  return {
    ...state,
    eventsInEarlierRuns: state.eventsInEarlierRuns ?? 0,
    watcherReturns: state.watcherReturns ?? { quiet: 0, changed: 0 },
  };
}

export function enterStage(state: MigrationState, stage: Stage, now: string): void {
  if (state.stage === stage) return;
  state.stage = stage;
  state.stageHistory.push({ stage, at: now });
  state.updatedAt = now;
}

/** Request records kept in state (the newest); older ones are counted in requestsDropped. */
export const MAX_REQUESTS = 50;

/**
 * Keeps a request record, the newest MAX_REQUESTS of them: whoever may signal the workflow can send thousands, and
 * this state is the query answer and the continue-as-new payload (2 MB at most). The accepted decision stays in
 * `decision` whatever is dropped.
 */
export function keepRequest(state: MigrationState, record: DecisionRecord): void {
  state.requests.push(record);
  const excess = state.requests.length - MAX_REQUESTS;
  if (excess <= 0) return;
  state.requests.splice(0, excess);
  state.requestsDropped = (state.requestsDropped ?? 0) + excess;
}

/**
 * Whether a person is needed, for the MigrationAttention search attribute (a Web UI filter, a fleet gauge):
 * INCIDENT while an API error is unresolved (the run rides it out, but someone may have to fix IAM or a key);
 * BACKUPS_OFF once the run has ended with scheduled backups still disabled (they must be turned on by hand);
 * NONE otherwise.
 */
export type Attention = 'INCIDENT' | 'BACKUPS_OFF' | 'NONE';
export const ATTENTION_VALUES: readonly Attention[] = ['INCIDENT', 'BACKUPS_OFF', 'NONE'];

export function attentionOf(
  state: Pick<MigrationState, 'lastError' | 'outcome' | 'backupsDisabled' | 'backupsRestored'>,
): Attention {
  if (state.outcome !== undefined && state.backupsDisabled && !state.backupsRestored) return 'BACKUPS_OFF';
  if (state.lastError && !state.lastError.resolvedAt) return 'INCIDENT';
  return 'NONE';
}

/** Records an error: the same one again (unresolved) counts on, anything else starts a new incident. */
export function recordIncident(state: MigrationState, error: { type: string; message: string }, at: string): Incident {
  const last = state.lastError;
  const again = last !== undefined && !last.resolvedAt && last.type === error.type;
  state.lastError = {
    type: error.type,
    message: error.message,
    at,
    since: again ? (last.since ?? last.at) : at,
    count: again ? (last.count ?? 1) + 1 : 1,
  };
  return state.lastError;
}

export function applySnapshot(state: MigrationState, snapshot: MigrationSnapshot): void {
  state.lastPollTime = snapshot.polledAt;
  if (snapshot.error) {
    recordIncident(state, snapshot.error, snapshot.polledAt);
  } else if (state.lastError && !state.lastError.resolvedAt) {
    state.lastError.resolvedAt = snapshot.polledAt;
  }
  state.lastSnapshot = snapshot;
  state.serviceState = snapshot.serviceFound ? snapshot.serviceState : undefined;
  if (snapshot.execution) state.execution = snapshot.execution;
  state.updatedAt = snapshot.polledAt;
}

/**
 * Records a complete or cancel request. Cancel wins over a complete that has not been sent yet;
 * nothing is accepted once cutover or cancellation is under way, or after the end.
 */
export function recordDecision(
  state: MigrationState,
  request: Omit<DecisionRecord, 'accepted' | 'note'>,
): DecisionRecord {
  const refusal = decisionRefusal(state, request.action, request.at);
  const record: DecisionRecord = { ...request, accepted: refusal === undefined, note: refusal };
  keepRequest(state, record);
  if (record.accepted) state.decision = record;
  state.updatedAt = request.at;
  return record;
}

/**
 * Why an update asking for `action` is refused now (undefined: accepted). Stricter than signals: complete
 * needs the execution RUNNING in REPLICATION; a repeat of an accepted request is accepted again (idempotent).
 */
export function updateRefusal(state: MigrationState, action: Action, now?: string): string | undefined {
  if (state.decision?.action === action && !state.outcome) return undefined;
  const refusal = decisionRefusal(state, action, now);
  if (refusal) return refusal;
  if (action === 'complete' && !readyToComplete(state.execution)) {
    const e = state.execution;
    // The outgoing kind's execution has a backfill and no phase: its own words.
    if (e?.backfill !== undefined) {
      return `complete needs the execution RUNNING with its backfill SUCCEEDED (mode INCREMENTAL_SYNC); it is ${e.state ?? 'STATE_UNSPECIFIED'} with backfill ${e.backfill}`;
    }
    return `complete needs the execution RUNNING in REPLICATION; it is ${e ? `${e.state ?? 'STATE_UNSPECIFIED'}/${e.phase ?? 'PHASE_UNSPECIFIED'}` : 'not started yet'}`;
  }
  if (action === 'complete' && !isKnownRead(state.lastSnapshot)) {
    const unknown = unknownValuesOf(state.lastSnapshot!).join(', ');
    return `complete waits while the API reports ${unknown}, which this tool does not know; try again once it is a known state`;
  }
  return undefined;
}

function decisionRefusal(state: MigrationState, action: Action, now?: string): string | undefined {
  if (state.outcome || state.stage === 'RESTORING_BACKUPS' || state.stage === 'DONE') {
    return `the migration already ended (${state.outcome ?? state.stage})`;
  }
  // The rollback window's rules (the outgoing kind): the only decision it takes is rollback, and only then.
  if (action === 'rollback') return rollbackRefusal(state, now);
  if (state.stage === 'ROLLBACK_WINDOW') {
    return `the migration SUCCEEDED; ${action} no longer applies — ask for a rollback instead while the window lasts`;
  }
  if (state.stage === 'ROLLING_BACK') return 'the rollback is already under way';
  if (state.stage === 'COMPLETING') return 'cutover is already under way';
  if (state.stage === 'CANCELLING') return 'cancellation is already under way';
  if (state.decision?.action === action) return `${action} was already requested`;
  if (state.decision?.action === 'cancel') return 'cancel was already requested';
  return undefined;
}

/**
 * Why a rollback is refused now: only in the rollback window (until rollbackWindowEndsAt, compared with `now` when
 * given), with the service in PROXY (the API rolls back only then, §F), once.
 */
function rollbackRefusal(state: MigrationState, now?: string): string | undefined {
  if (state.stage === 'ROLLING_BACK') return 'the rollback is already under way';
  if (state.stage !== 'ROLLBACK_WINDOW') {
    return `a rollback is possible only in the rollback window, after an outgoing migration SUCCEEDED; the migration is in ${state.stage}`;
  }
  const ends = state.rollbackWindowEndsAt;
  if (ends !== undefined && now !== undefined && now >= ends) return `the rollback window ended at ${ends}`;
  if (state.serviceState !== 'PROXY') {
    return `a rollback needs the service in PROXY (the API rolls back only from there); it is ${state.serviceState ?? 'unknown'}`;
  }
  if (state.decision?.action === 'rollback') return 'rollback was already requested';
  return undefined;
}

/** Did something outside this workflow end the migration? */
export function externalEnding(snapshot: MigrationSnapshot): { outcome: Outcome; message: string } | undefined {
  if (!snapshot.serviceFound) return { outcome: 'SERVICE_GONE', message: 'the service no longer exists' };
  const execution = snapshot.execution;
  if (!execution) return undefined;
  const detail = execution.stateMessage ? `: ${execution.stateMessage}` : '';
  switch (execution.state) {
    case 'FAILED':
      return { outcome: 'FAILED', message: `migration execution ${execution.name} FAILED${detail}` };
    case 'CANCELLED': // CANCELLING is not an ending yet: the watcher reports CANCELLED when it settles
      return {
        outcome: 'CANCELLED',
        message: `migration execution ${execution.name} was cancelled outside this workflow${detail}`,
      };
    case 'SUCCEEDED':
      return {
        outcome: 'SUCCEEDED',
        message: `migration execution ${execution.name} was completed outside this workflow`,
      };
    case 'ROLLED_BACK': // terminal: cancelled after it had completed
      return {
        outcome: 'CANCELLED',
        message: `migration execution ${execution.name} was ROLLED_BACK (cancelled after completion) outside this workflow${detail}`,
      };
    default:
      return undefined;
  }
}
