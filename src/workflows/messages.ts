// The managed-migration workflow's interface: its input and result, every signal, query and update, and its
// search attributes. Client, CLI and tests import them from here (names from src/migration/names.ts).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { CutoverReport } from '../migration/report';
import type { JoinRolloutArgs, RolloutMembership } from '../migration/rollout-membership';
import type { MigrationResult, MigrationState, MigrationStatus } from '../migration/state';
import type { DecisionArgs, MigrationRequestInput, SourceTlsOption } from '../schemas';

export interface ManagedMigrationArgs {
  request: MigrationRequestInput;
  /** Set only by continue-as-new. */
  state?: MigrationState;
}

/** The workflow's signature, for continue-as-new and typed starts. */
export type ManagedMigrationWorkflow = (args: ManagedMigrationArgs) => Promise<MigrationResult>;

/**
 * Begin cutover once the execution is RUNNING in REPLICATION. Optional `{ by, reason }`. Fire-and-forget. An outgoing
 * migration in BACKFILL mode ends by itself: there it is recorded as ignored, with why.
 */
export const completeSignal = defineSignal<[DecisionArgs?]>('complete');
/** Cancel the migration (at any time before cutover). Optional `{ by, reason }`. Fire-and-forget. */
export const cancelSignal = defineSignal<[DecisionArgs?]>('cancel');
/** A snapshot of the workflow's state: stage, service and execution state, backups, requests, last error. */
export const statusQuery = defineQuery<MigrationStatus>('status');

/** The service and migration config the run was started with (passwords only as secret references; no notify
 * targets, which may be webhook URLs): what `verify` needs to read the source again. */
/** The request's service and config, and how the source is authenticated (for `verify`): never a secret. */
export const requestQuery = defineQuery<
  Pick<MigrationRequestInput, 'service' | 'migrationExecution'> & { sourceTls?: SourceTlsOption }
>('request');

/** The answer to requestComplete / requestCancel. A refusal is an update failure whose message says why. */
export interface DecisionAnswer {
  accepted: true;
  action: 'complete' | 'cancel' | 'rollback';
  /** True when the same request had already been accepted (the update is idempotent). */
  alreadyRequested: boolean;
  stage: string;
  at: string;
}

/**
 * Takes `{ by?, reason? }` (`{}` when sent bare). Like `complete`, but answers: refused before RUNNING/REPLICATION,
 * after the end, after a cancel, or for an outgoing migration in BACKFILL mode (it completes by itself).
 */
export const requestCompleteUpdate = defineUpdate<DecisionAnswer, [DecisionArgs]>('requestComplete');
/** Like `cancel`, but answers: refused once cutover or cancellation is under way, or after the end. */
export const requestCancelUpdate = defineUpdate<DecisionAnswer, [DecisionArgs]>('requestCancel');

/**
 * The outgoing kind's rollback, while the rollback window after its completion is open: cancelMigration on the
 * completed execution (→ ROLLED_BACK), the service back to ACTIVE and served by DPMS again. Takes `{ by?, reason? }`
 * like complete/cancel; the update answers, the signal is fire-and-forget. A workflow without these handlers (the
 * incoming kind, or a release before them) rejects the update as having no handler.
 */
export const requestRollbackUpdate = defineUpdate<DecisionAnswer, [DecisionArgs]>('requestRollback');
export const rollbackSignal = defineSignal<[DecisionArgs?]>('rollback');

/**
 * complete --dry-run: runs the cutover checks and answers with them (overrides applied), deciding nothing.
 * Refused unless the migration is in REPLICATION.
 */
export const checkCutoverUpdate = defineUpdate<CutoverReport, [{ override?: string[] }]>('checkCutover');

/** Visibility: list "all migrations in REPLICATION" in the Web UI or with `list-workflows`. */
export const MetastoreServiceKey = defineSearchAttributeKey('MetastoreService', 'KEYWORD');
export const MigrationStageKey = defineSearchAttributeKey('MigrationStage', 'KEYWORD');
export const MigrationExecutionStateKey = defineSearchAttributeKey('MigrationExecutionState', 'KEYWORD');
/** OK / WARN / ERROR: the source checks while replicating (absent until the first check). */
export const SourceHealthKey = defineSearchAttributeKey('SourceHealth', 'KEYWORD');
/** INCIDENT / BACKUPS_OFF / NONE: whether a person is needed (src/migration/state.ts attentionOf). */
export const MigrationAttentionKey = defineSearchAttributeKey('MigrationAttention', 'KEYWORD');
/**
 * SUCCEEDED / CANCELLED / ROLLED_BACK / FAILED / SERVICE_GONE / PRECHECK_FAILED / ADOPTION_REFUSED, once the migration ended
 * (absent while it runs): the Web UI's status badge says "Completed" for a cancelled migration too, since the
 * workflow ends normally; this column and filter say how the migration itself ended.
 */
export const MigrationOutcomeKey = defineSearchAttributeKey('MigrationOutcome', 'KEYWORD');
/**
 * The fleet rollout driving the migration (its name; `rollout/<name>` is its workflow), set by joinRollout:
 * `temporal workflow list --query 'RolloutId="R"'` lists a rollout's members, and the rollout reads them so.
 */
export const RolloutIdKey = defineSearchAttributeKey('RolloutId', 'KEYWORD');
/**
 * The member's wave in that rollout, 1-based. Int, not Keyword: SQL visibility allows 10 Keyword attributes per
 * namespace and the migration already uses 7 with RolloutId; an Int has its own budget, and sorts and compares
 * (`RolloutId="R" AND RolloutWave <= 2`).
 */
export const RolloutWaveKey = defineSearchAttributeKey('RolloutWave', 'INT');
/** Every search attribute the workflow upserts: each must be registered, with its type, in the namespace. */
export const SEARCH_ATTRIBUTE_KEYS = [
  MetastoreServiceKey,
  MigrationStageKey,
  MigrationExecutionStateKey,
  SourceHealthKey,
  MigrationAttentionKey,
  MigrationOutcomeKey,
  RolloutIdKey,
  RolloutWaveKey,
] as const;

/** How `temporal operator search-attribute create --type` and the dev server's `--search-attribute` name a type. */
export const SEARCH_ATTRIBUTE_TYPE_NAMES = { KEYWORD: 'Keyword', INT: 'Int' } as const;

/**
 * Makes the migration a member of a fleet rollout: `{ rollout, wave, by? }`. Answers with the membership; refused
 * (a reason, no history event) when the argument is malformed, and — after reading whether it still runs — when
 * another rollout that still runs holds the migration: one rollout at a time. The same rollout again is idempotent.
 * The signal form does the same without an answer (a refusal is logged and kept in status as `rollout.refused`).
 */
export const joinRolloutUpdate = defineUpdate<RolloutMembership, [JoinRolloutArgs]>('joinRollout');
export const joinRolloutSignal = defineSignal<[JoinRolloutArgs]>('joinRollout');
