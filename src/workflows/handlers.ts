// Signal, query and update handlers: a few lines each, recording the engineer's request (who, when, why)
// or answering with state. The workflow body does the work.
import { ApplicationFailure, setHandler, workflowInfo } from '@temporalio/workflow';
import { FailureType } from '../failure-types';
import { DecisionArgsSchema, formatIssues } from '../schemas';
import type { DecisionArgs } from '../schemas';
import { cancelSignal, completeSignal, requestCancelUpdate, requestCompleteUpdate, statusQuery } from './messages';
import type { DecisionAnswer } from './messages';
import { recordDecision, updateRefusal } from './migration-state';
import type { Action, MigrationState } from './migration-state';

const now = () => new Date().toISOString();

export function installHandlers(state: MigrationState, service: string, onDecision: () => void): void {
  // Signals come from anywhere (stock CLI, Web UI): take `by`/`reason` when they are strings, ignore the rest.
  const signal = (action: Action) => (args?: { by?: unknown; reason?: unknown }) => {
    const by = typeof args?.by === 'string' ? args.by : undefined;
    const reason = typeof args?.reason === 'string' ? args.reason : undefined;
    recordDecision(state, { action, by, reason, at: now(), via: 'signal' });
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
      onDecision();
      return { accepted: true, action, alreadyRequested, stage: state.stage, at: now() };
    };
  // Validators run before anything is written to history: a refusal costs no event.
  const validator = (action: Action) => (args?: DecisionArgs) => {
    const parsed = DecisionArgsSchema.optional().safeParse(args);
    if (!parsed.success) {
      throw ApplicationFailure.create({ type: FailureType.InvalidArgument, message: formatIssues(parsed.error) });
    }
    const refusal = updateRefusal(state, action);
    if (refusal) throw ApplicationFailure.create({ type: 'Refused', message: refusal });
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
