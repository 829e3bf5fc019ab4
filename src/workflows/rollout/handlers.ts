// The rollout's commands: each an update whose validator refuses (Refused, or INVALID_ARGUMENT for a malformed
// argument) with the reason — a refused command writes nothing to history — and whose handler only records the
// command in state and the audit trail. The workflow body acts on it. Arguments are checked by hand: zod stays
// out of the workflow sandbox.
import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import { FailureType } from '../../migration/failure-types';
import type { RolloutInput } from '../../schemas/rollout';
import {
  abortUpdate,
  advanceUpdate,
  approveUpdate,
  pauseUpdate,
  recordBulkDecisionSignal,
  resumeUpdate,
  retryUpdate,
  skipUpdate,
  statusQuery,
} from './messages';
import type { AbortAnswer, CommandAnswer, RolloutState } from './messages';
import { bulkSummaryOf } from './bulk-record';
import {
  cutOverMembers,
  failedCount,
  membersToCancel,
  overBudget,
  phaseOf,
  record,
  servicesOf,
  statusOf,
} from './state';

const now = () => new Date().toISOString();

function refuse(reason: string): never {
  throw ApplicationFailure.create({ type: FailureType.Refused, message: reason, nonRetryable: true });
}

function malformed(field: string, what: string): never {
  throw ApplicationFailure.create({
    type: FailureType.InvalidArgument,
    message: `invalid argument:\n${field}: ${what}`,
    nonRetryable: true,
  });
}

/** The fields every command has, checked: `by` (≤ 200) and `reason` (≤ 2000), both required. */
function asked(args: unknown, byOptional = false): { by: string; reason: string } & Record<string, unknown> {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) malformed('(argument)', 'must be an object');
  const { by, reason } = args as Record<string, unknown>;
  if (!(byOptional && by === undefined) && (typeof by !== 'string' || by.trim() === '' || by.length > 200)) {
    malformed('by', 'is required: who asks, a string of at most 200 characters');
  }
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 2000) {
    malformed('reason', 'is required: why, a string of at most 2000 characters');
  }
  return args as { by: string; reason: string } & Record<string, unknown>;
}

function waveNumber(args: Record<string, unknown>): number {
  const { wave } = args;
  if (typeof wave !== 'number' || !Number.isInteger(wave) || wave < 1) {
    malformed('wave', 'is required: the current wave number (1-based), as status shows it');
  }
  return wave;
}

export function installRolloutHandlers(input: RolloutInput, state: RolloutState): void {
  const live = (command: string) => {
    if (state.aborted) refuse(`the rollout was aborted by ${state.aborted.by}: ${command} changes nothing now`);
    if (state.wave >= input.waves.length) refuse(`the rollout has finished: ${command} changes nothing now`);
  };
  const current = () => input.waves[state.wave]!;
  const answer = (command: string, note?: string): CommandAnswer => {
    state.commands++;
    return { accepted: true, command, wave: state.wave + 1, at: now(), ...(note && { note }) };
  };
  const sameWave = (command: string, wave: number) => {
    if (wave !== state.wave + 1) {
      refuse(
        `${command} names wave ${wave}, but the current wave is ${state.wave + 1}: refused, so that a repeated ` +
          `or late ${command} cannot pass a later wave's gate`,
      );
    }
  };
  const settled = (command: string) => {
    if (state.gate === 'members') {
      refuse(`wave ${state.wave + 1}'s members are still in progress; ${command} once they have settled (status)`);
    }
  };
  /** A wave's member, by service: `skip` and `retry` act on the current wave only. */
  const memberOf = (args: Record<string, unknown>) => {
    const { service } = args;
    if (typeof service !== 'string') malformed('service', 'is required: the member service resource name');
    if (!servicesOf(current()).includes(service)) {
      const where = state.members[service] ? 'not in the current wave' : 'not a member of this rollout';
      refuse(`${service} is ${where} (wave ${state.wave + 1}, ${current().name})`);
    }
    return service;
  };
  /** A pause by the budget lifts itself once a skip or retry brings the wave's failures back within it. */
  const liftBudgetPause = () => {
    if (state.paused?.byBudget && !overBudget(state, current())) state.paused = undefined;
  };

  setHandler(statusQuery, () => statusOf(input, state));

  // A bulk decision of this rollout records itself at its end. Only the audit trail changes: the loop acts on the
  // members' own state, which it reads. A signal cannot be refused, so a malformed one is logged and dropped.
  setHandler(recordBulkDecisionSignal, (raw) => {
    const bulk = bulkSummaryOf(raw);
    if (!bulk) {
      log.warn('recordBulkDecision: malformed argument ignored');
      return;
    }
    const { by, reason, changeReference } = bulk;
    record(state, { command: 'bulkDecision', by, reason, ...(changeReference && { changeReference }), bulk }, now());
  });

  setHandler(
    pauseUpdate,
    (args) => {
      record(state, { command: 'pause', by: args.by, reason: args.reason }, now());
      state.paused = { by: args.by, reason: args.reason, at: now(), byBudget: false };
      return answer('pause', 'no member is started or decided while paused; members already started go on');
    },
    {
      validator: (args) => {
        asked(args);
        live('pause');
        if (state.paused) refuse(`already paused by ${state.paused.by}: ${state.paused.reason}`);
      },
    },
  );

  setHandler(
    resumeUpdate,
    (args) => {
      const byBudget = state.paused?.byBudget === true;
      record(state, { command: 'resume', by: args.by, reason: args.reason }, now());
      state.paused = undefined;
      if (!byBudget) return answer('resume');
      // Resuming past the budget accepts the failures there are; the next ones count against it again.
      state.acknowledgedFailures = failedCount(state, current());
      return answer('resume', `${state.acknowledgedFailures} failed member(s) of wave ${state.wave + 1} accepted`);
    },
    {
      validator: (args) => {
        asked(args);
        live('resume');
        if (!state.paused) refuse('the rollout is not paused');
      },
    },
  );

  setHandler(
    approveUpdate,
    (args) => {
      const { by, reason, changeReference } = args;
      state.approvals[String(args.wave)] = { by, reason, changeReference, at: now() };
      record(state, { command: 'approve', by, reason, changeReference }, now());
      return answer('approve');
    },
    {
      validator: (args) => {
        const wave = waveNumber(asked(args));
        const { changeReference } = args as unknown as Record<string, unknown>;
        if (typeof changeReference !== 'string' || changeReference.trim() === '' || changeReference.length > 200) {
          malformed('changeReference', 'is required: the change ticket, a string of at most 200 characters');
        }
        live('approve');
        sameWave('approve', wave);
        if (current().gate.advance !== 'approval') refuse(`wave ${wave} advances by itself (gate.advance: auto)`);
        const earlier = state.approvals[String(wave)];
        if (earlier) refuse(`wave ${wave} is already approved by ${earlier.by} (${earlier.changeReference})`);
        settled('approve');
      },
    },
  );

  setHandler(
    advanceUpdate,
    (args) => {
      state.advanced = args.wave;
      record(state, { command: 'advance', by: args.by, reason: args.reason, note: `past ${state.gate}` }, now());
      return answer('advance', `wave ${args.wave} passes its remaining gates`);
    },
    {
      validator: (args) => {
        const wave = waveNumber(asked(args));
        live('advance');
        sameWave('advance', wave);
        settled('advance');
        if (state.paused) refuse(`paused by ${state.paused.by}: ${state.paused.reason}; resume first`);
      },
    },
  );

  setHandler(
    abortUpdate,
    (args) => {
      state.aborted = { by: args.by, reason: args.reason, at: now(), cancelMembers: args.cancelMembers };
      record(
        state,
        { command: 'abort', by: args.by, reason: args.reason, note: `cancelMembers ${args.cancelMembers}` },
        now(),
      );
      const cutOver = cutOverMembers(state);
      const toCancel = args.cancelMembers ? membersToCancel(state).length : 0;
      const note = cutOver.length
        ? `${cutOver.length} member(s) already cut over stay so: a completed cutover cannot be undone`
        : undefined;
      return { ...answer('abort', note), toCancel, cutOver: cutOver.slice(0, 100) } satisfies AbortAnswer;
    },
    {
      validator: (args) => {
        const { cancelMembers } = asked(args);
        if (typeof cancelMembers !== 'boolean') {
          malformed('cancelMembers', 'is required: true to cancel members not yet cut over, false to leave them');
        }
        live('abort');
      },
    },
  );

  setHandler(
    retryUpdate,
    (args) => {
      const service = args.service;
      const member = state.members[service]!;
      state.members[service] = { p: 'pending', tries: (member.tries ?? 0) + 1 };
      // A wave at its gates goes back to its members; the failure a resume had accepted is gone.
      state.gate = 'members';
      state.acknowledgedFailures = Math.min(state.acknowledgedFailures, failedCount(state, current()));
      record(state, { command: 'retry', by: args.by ?? 'unknown', reason: args.reason, service }, now());
      liftBudgetPause();
      return answer('retry', state.paused ? `still paused by ${state.paused.by}` : undefined);
    },
    {
      validator: (args) => {
        const service = memberOf(asked(args, true));
        live('retry');
        const phase = phaseOf(state, service);
        if (phase !== 'failed') refuse(`${service} has not failed (it is ${phase}): nothing to retry`);
      },
    },
  );

  setHandler(
    skipUpdate,
    (args) => {
      const service = args.service;
      state.members[service] = { p: 'skipped', reason: args.reason };
      state.acknowledgedFailures = Math.min(state.acknowledgedFailures, failedCount(state, current()));
      record(state, { command: 'skip', by: args.by ?? 'unknown', reason: args.reason, service }, now());
      liftBudgetPause();
      const note = `the rollout no longer drives ${service}; its migration (if any) goes on by itself`;
      return answer('skip', state.paused ? `${note}; still paused by ${state.paused.by}` : note);
    },
    {
      validator: (args) => {
        const service = memberOf(asked(args, true));
        live('skip');
        const phase = phaseOf(state, service);
        if (phase === 'reached' || phase === 'skipped') refuse(`${service} is ${phase}: nothing to skip`);
      },
    },
  );
}
