// The migration's state and its transitions: the stage, the engineer's decisions with their audit trail, the
// outcome. Plain JSON only: this state is the status query's answer and the continue-as-new payload, so it holds
// ISO time strings and arrays, never secrets.
import type { Adoption } from './adoption';
import type { CutoverReport, PlanReport } from './report';
import type { SavedScheduledBackup } from './service';
import type { ExecutionSnapshot, MigrationSnapshot } from './snapshot';
import { isKnownRead, isReplicating, unknownValuesOf } from './snapshot';
import type { SourceBaseline, SourceHealth } from './source';
import type { RecordedInventory, Verification } from './verification';
import type { ServiceState } from './vocabulary';

export type Stage =
  | 'PRECHECK'
  | 'DISABLING_BACKUPS'
  | 'STARTING'
  | 'REPLICATION'
  | 'COMPLETING'
  | 'CANCELLING'
  | 'RESTORING_BACKUPS'
  | 'DONE';

/** Every stage, in order (metrics count migrations in each). */
export const STAGES = [
  'PRECHECK',
  'DISABLING_BACKUPS',
  'STARTING',
  'REPLICATION',
  'COMPLETING',
  'CANCELLING',
  'RESTORING_BACKUPS',
  'DONE',
] as const satisfies readonly Stage[];

/** How the migration ended. SUCCEEDED and CANCELLED end the workflow normally; the others fail it. */
export type Outcome =
  | 'SUCCEEDED'
  | 'CANCELLED'
  | 'FAILED'
  | 'SERVICE_GONE'
  | 'PRECHECK_FAILED'
  /** A run asked to adopt found nothing it may take over; nothing was changed. */
  | 'ADOPTION_REFUSED';

export type Action = 'complete' | 'cancel';

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
  /** The precheck report the start was decided on. */
  plan?: PlanReport;
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
  const refusal = decisionRefusal(state, request.action);
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
export function updateRefusal(state: MigrationState, action: Action): string | undefined {
  if (state.decision?.action === action && !state.outcome) return undefined;
  const refusal = decisionRefusal(state, action);
  if (refusal) return refusal;
  if (action === 'complete' && !isReplicating(state.execution)) {
    const e = state.execution;
    return `complete needs the execution RUNNING in REPLICATION; it is ${e ? `${e.state ?? 'STATE_UNSPECIFIED'}/${e.phase ?? 'PHASE_UNSPECIFIED'}` : 'not started yet'}`;
  }
  if (action === 'complete' && !isKnownRead(state.lastSnapshot)) {
    const unknown = unknownValuesOf(state.lastSnapshot!).join(', ');
    return `complete waits while the API reports ${unknown}, which this tool does not know; try again once it is a known state`;
  }
  return undefined;
}

function decisionRefusal(state: MigrationState, action: Action): string | undefined {
  if (state.outcome || state.stage === 'RESTORING_BACKUPS' || state.stage === 'DONE') {
    return `the migration already ended (${state.outcome ?? state.stage})`;
  }
  if (state.stage === 'COMPLETING') return 'cutover is already under way';
  if (state.stage === 'CANCELLING') return 'cancellation is already under way';
  if (state.decision?.action === action) return `${action} was already requested`;
  if (state.decision?.action === 'cancel') return 'cancel was already requested';
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
