// Signal, query and update handlers: a few lines each, recording the engineer's request (who, when, why)
// or answering with state. The workflow body does the work.
import { ApplicationFailure, log, metricMeter, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { FailureType } from '../failure-types';
import type { DecisionArgs, MigrationRequestInput } from '../schemas';
import {
  DECISIONS_METRIC,
  cancelSignal,
  completeSignal,
  requestCancelUpdate,
  requestCompleteUpdate,
  requestQuery,
  statusQuery,
} from './messages';
import type { DecisionAnswer } from './messages';
import { recordDecision, updateRefusal } from './migration-state';
import type { Action, MigrationState } from './migration-state';
import { schemas } from './schemas-on-demand';

const now = () => new Date().toISOString();

/** Engineers' decisions by action, result and channel; the workflow's meter emits nothing while replaying. */
const decisions = () =>
  metricMeter.createCounter(DECISIONS_METRIC, '', 'complete/cancel decisions, by action, result and channel');

/** Marks runs that ignore malformed complete/cancel signals; older histories replay recording them. */
export const IGNORE_MALFORMED_SIGNALS_PATCH = 'ignore-malformed-signals';

export function installHandlers(state: MigrationState, request: MigrationRequestInput, onDecision: () => void): void {
  const service = request.service;
  setHandler(requestQuery, () => ({ service, migrationExecution: request.migrationExecution }));
  // Signals come from anywhere (stock CLI, Web UI) and cannot be refused, only ignored. Bare (no argument, or
  // null) is fine; a malformed argument is ignored, because complete and cancel cannot be undone and a payload
  // nobody meant to send must not start either. Runs from before this rule replay with the old reading.
  const signal = (action: Action) => (args?: unknown) => {
    const { DecisionArgsSchema, formatIssues } = schemas();
    const parsed = DecisionArgsSchema.optional().safeParse(args ?? undefined);
    if (!parsed.success && patched(IGNORE_MALFORMED_SIGNALS_PATCH)) {
      log.warn(`ignored a ${action} signal with a malformed argument`, { issues: formatIssues(parsed.error) });
      decisions().add(1, { action, result: 'ignored', via: 'signal' });
      return;
    }
    const loose = (args ?? {}) as { by?: unknown; reason?: unknown };
    const by = typeof loose.by === 'string' ? loose.by : undefined;
    const reason = typeof loose.reason === 'string' ? loose.reason : undefined;
    recordDecision(state, { action, by, reason, at: now(), via: 'signal' });
    decisions().add(1, { action, result: 'accepted', via: 'signal' });
    onDecision();
  };
  setHandler(completeSignal, signal('complete'));
  setHandler(cancelSignal, signal('cancel'));

  const update =
    (action: Action) =>
    (args?: DecisionArgs): DecisionAnswer => {
      const alreadyRequested = state.decision?.action === action;
      if (!alreadyRequested)
        recordDecision(state, { action, by: args?.by, reason: args?.reason, at: now(), via: 'update' });
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
    const refusal = updateRefusal(state, action);
    if (refusal) {
      decisions().add(1, { action, result: 'refused', via: 'update' });
      throw ApplicationFailure.create({ type: 'Refused', message: refusal });
    }
  };
  setHandler(requestCompleteUpdate, update('complete'), { validator: validator('complete') });
  setHandler(requestCancelUpdate, update('cancel'), { validator: validator('cancel') });

  setHandler(statusQuery, () => ({
    ...state,
    service,
    workflowId: workflowInfo().workflowId,
    runId: workflowInfo().runId,
    historyLength: workflowInfo().historyLength,
  }));
}
