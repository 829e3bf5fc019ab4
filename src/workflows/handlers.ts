// Signal, query and update handlers: a few lines each, recording the engineer's request (who, when, why)
// or answering with state. The workflow body does the work.
import { ApplicationFailure, log, metricMeter, setHandler, workflowInfo } from '@temporalio/workflow';
import { FailureType } from '../migration/failure-types';
import { DECISIONS_METRIC } from '../migration/names';
import { blockedMessage } from '../migration/report';
import type { CutoverReport } from '../migration/report';
import { keepRequest, recordDecision, updateRefusal } from '../migration/state';
import type { Action, MigrationState } from '../migration/state';
import type { DecisionArgs, MigrationRequestInput } from '../schemas';
import {
  cancelSignal,
  checkCutoverUpdate,
  completeSignal,
  requestCancelUpdate,
  requestCompleteUpdate,
  requestQuery,
  requestRollbackUpdate,
  rollbackSignal,
  statusQuery,
} from './messages';
import type { DecisionAnswer } from './messages';
import { isPatched } from './patch-gate';
import { PATCHES } from './patches';
import { schemas } from './schemas-on-demand';

const now = () => new Date().toISOString();

/** Engineers' decisions by action, result and channel; the workflow's meter emits nothing while replaying. */
const decisions = () =>
  metricMeter.createCounter(DECISIONS_METRIC, '', 'complete/cancel decisions, by action, result and channel');

/** Set by the workflow once its request is valid: the cutover checks, with the engineer's overrides. */
export interface CutoverHooks {
  checks?: (overrides: readonly string[]) => Promise<CutoverReport>;
}

export function installHandlers(
  state: MigrationState,
  request: MigrationRequestInput,
  onDecision: () => void,
  cutover: CutoverHooks = {},
): void {
  const service = request.service;
  const sourceTls = request.options?.sourceTls;
  setHandler(requestQuery, () => ({
    service,
    migrationExecution: request.migrationExecution,
    ...(sourceTls && { sourceTls }),
  }));
  // Signals come from anywhere (stock CLI, Web UI) and cannot be refused, only ignored. Bare (no argument, or
  // null) is fine; a malformed argument is ignored, because complete and cancel cannot be undone and a payload
  // nobody meant to send must not start either. Runs from before this rule replay with the old reading.
  const signal = (action: Action) => (args?: unknown) => {
    const { DecisionArgsSchema, formatIssues } = schemas();
    const parsed = DecisionArgsSchema.optional().safeParse(args ?? undefined);
    if (!parsed.success && isPatched(PATCHES.ignoreMalformedSignals)) {
      log.warn(`ignored a ${action} signal with a malformed argument`, { issues: formatIssues(parsed.error) });
      decisions().add(1, { action, result: 'ignored', via: 'signal' });
      return;
    }
    const loose = (args ?? {}) as { by?: unknown; reason?: unknown; override?: unknown };
    const by = typeof loose.by === 'string' ? loose.by : undefined;
    const reason = typeof loose.reason === 'string' ? loose.reason : undefined;
    const override = Array.isArray(loose.override) ? loose.override.filter((o) => typeof o === 'string') : undefined;
    // A BACKFILL ends by itself: a complete kept as pending would never be acted on (and would be read as who
    // completed it). It goes into the audit trail as ignored, with why. Runs from before keep it, as they did.
    const nothingToComplete = action === 'complete' ? backfillCompleteRefusal(state, request) : undefined;
    if (nothingToComplete && isPatched(PATCHES.backfillCompletesItself)) {
      const at = now();
      keepRequest(state, { action, by, reason, at, via: 'signal', accepted: false, note: nothingToComplete });
      state.updatedAt = at;
      log.warn('ignored a complete signal: the migration is a BACKFILL', { reason: nothingToComplete });
      decisions().add(1, { action, result: 'ignored', via: 'signal' });
      return;
    }
    // A signalled complete is checked by the gate right before cutover (see managedMigration).
    recordDecision(state, { action, by, reason, at: now(), via: 'signal', ...(override && { override }) });
    decisions().add(1, { action, result: 'accepted', via: 'signal' });
    onDecision();
  };
  setHandler(completeSignal, signal('complete'));
  setHandler(cancelSignal, signal('cancel'));
  // The outgoing kind's rollback: the same rules (recorded, refused outside its window); an incoming run never
  // enters that window, so a rollback sent to one is recorded as refused and changes nothing.
  setHandler(rollbackSignal, signal('rollback'));

  const update =
    (action: Action) =>
    (args?: DecisionArgs): DecisionAnswer => {
      const alreadyRequested = state.decision?.action === action;
      // The overrides are kept: a complete accepted before the run's request is checked (right after a
      // continue-as-new) meets the gate later, which must honour the checks the engineer accepted by name.
      const override = action === 'complete' && args?.override?.length ? { override: args.override } : {};
      if (!alreadyRequested)
        recordDecision(state, { action, by: args?.by, reason: args?.reason, at: now(), via: 'update', ...override });
      decisions().add(1, { action, result: 'accepted', via: 'update' });
      onDecision();
      return { accepted: true, action, alreadyRequested, stage: state.stage, at: now() };
    };
  // Validators run before anything is written to history: a refusal costs no event.
  const validator = (action: Action) => (args?: DecisionArgs) => {
    const { DecisionArgsSchema, formatIssues } = schemas();
    const parsed = DecisionArgsSchema.optional().safeParse(args);
    if (!parsed.success) {
      decisions().add(1, { action, result: 'invalid', via: 'update' });
      throw ApplicationFailure.create({ type: FailureType.InvalidArgument, message: formatIssues(parsed.error) });
    }
    const refusal =
      (action === 'complete' ? backfillCompleteRefusal(state, request) : undefined) ??
      updateRefusal(state, action, now());
    if (refusal) {
      decisions().add(1, { action, result: 'refused', via: 'update' });
      throw ApplicationFailure.create({ type: FailureType.Refused, message: refusal });
    }
  };
  // complete runs the cutover checks before it is accepted (runs from before the gate accept at once).
  const complete = async (args?: DecisionArgs): Promise<DecisionAnswer> => {
    if (state.decision?.action === 'complete' || !cutover.checks || !isPatched(PATCHES.cutoverGate)) {
      return update('complete')(args);
    }
    const override = args?.override ?? [];
    const report = await cutover.checks(override);
    // The state may have moved on while the checks ran (a cancel, an outside ending).
    const refusal = updateRefusal(state, 'complete');
    if (refusal) {
      decisions().add(1, { action: 'complete', result: 'refused', via: 'update' });
      throw ApplicationFailure.create({ type: FailureType.Refused, message: refusal });
    }
    const asked = {
      action: 'complete' as const,
      by: args?.by,
      reason: args?.reason,
      at: now(),
      via: 'update' as const,
    };
    if (!report.ok) {
      const message = blockedMessage(report);
      keepRequest(state, { ...asked, ...(override.length > 0 && { override }), accepted: false, note: message });
      decisions().add(1, { action: 'complete', result: 'refused', via: 'update' });
      throw ApplicationFailure.create({ type: FailureType.CutoverBlocked, message, details: [report] });
    }
    recordDecision(state, { ...asked, ...(override.length > 0 && { override }), gate: 'passed' });
    decisions().add(1, { action: 'complete', result: 'accepted', via: 'update' });
    onDecision();
    return { accepted: true, action: 'complete', alreadyRequested: false, stage: state.stage, at: now() };
  };
  setHandler(requestCompleteUpdate, complete, { validator: validator('complete') });
  setHandler(
    checkCutoverUpdate,
    async (args?: { override?: string[] }) => {
      if (!cutover.checks)
        throw ApplicationFailure.create({ type: FailureType.Refused, message: 'the request is not checked yet' });
      return cutover.checks(args?.override ?? []);
    },
    {
      validator: (args?: { override?: string[] }) => {
        const { DecisionArgsSchema, formatIssues } = schemas();
        const parsed = DecisionArgsSchema.optional().safeParse(args);
        if (!parsed.success) {
          throw ApplicationFailure.create({ type: FailureType.InvalidArgument, message: formatIssues(parsed.error) });
        }
        if (state.stage !== 'REPLICATION') {
          throw ApplicationFailure.create({
            type: FailureType.Refused,
            message: `the cutover checks run while the migration is in REPLICATION; it is in ${state.stage}`,
          });
        }
      },
    },
  );
  setHandler(requestCancelUpdate, update('cancel'), { validator: validator('cancel') });
  setHandler(requestRollbackUpdate, update('rollback'), { validator: validator('rollback') });

  setHandler(statusQuery, () => ({
    ...state,
    service,
    workflowId: workflowInfo().workflowId,
    runId: workflowInfo().runId,
    historyLength: workflowInfo().historyLength,
  }));
}

/**
 * Why a complete means nothing to this run: an outgoing migration in BACKFILL mode ends by itself when its backfill
 * ends (lakehouse-migration-api.md §F); only an INCREMENTAL_SYNC waits for one. Undefined otherwise, and once the
 * migration ended (the usual refusal says so). In the rollback window the engineer's choices are named instead.
 */
export function backfillCompleteRefusal(state: MigrationState, request: MigrationRequestInput): string | undefined {
  if (request.migrationExecution?.biglakeMetastoreMigrationConfig?.mode !== 'BACKFILL') return undefined;
  if (state.outcome || state.stage === 'RESTORING_BACKUPS' || state.stage === 'DONE') return undefined;
  const nothing = 'a BACKFILL migration completes by itself when its backfill ends; nothing to complete';
  if (state.stage === 'ROLLING_BACK') return `${nothing}: it SUCCEEDED, and the rollback asked for is under way`;
  if (state.stage === 'ROLLBACK_WINDOW') {
    const until = state.rollbackWindowEndsAt ? ` until ${state.rollbackWindowEndsAt}` : '';
    return (
      `${nothing}: it already SUCCEEDED and its rollback window is open${until} — ask for \`rollback\` to undo ` +
      'it, or just wait for the window to end'
    );
  }
  return nothing;
}
