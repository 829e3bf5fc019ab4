// joinRollout: a fleet rollout makes this migration one of its members (issue 22). The membership is kept in the
// state (so it survives continue-as-new) and published as the RolloutId / RolloutWave search attributes, which the
// rollout lists its members by. One rollout at a time: a join by another rollout is refused while the first still
// runs — read by the rolloutRunning activity, because only Temporal knows (a rollout that ended sends no word).
import { ApplicationFailure, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FailureType } from '../migration/failure-types';
import { alreadyInRollout, joinArgsProblem, joinCase } from '../migration/rollout-membership';
import type { JoinRolloutArgs, RolloutMembership } from '../migration/rollout-membership';
import type { MigrationState } from '../migration/state';
import { joinRolloutSignal, joinRolloutUpdate } from './messages';
import { publishVisibility } from './visibility';

/** One describe of the other rollout's workflow; a Temporal frontend away for long fails the join, not the run. */
const { rolloutRunning } = proxyActivities<Pick<Activities, 'rolloutRunning'>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
});

const now = () => new Date().toISOString();

export function installRolloutJoin(state: MigrationState, service: string): void {
  /** The membership after the join, or the refusal's reason. */
  const join = async (args: JoinRolloutArgs): Promise<RolloutMembership | { refusal: string }> => {
    const held = state.rollout;
    if (held && joinCase(held, args) === 'other' && (await rolloutRunning({ rollout: held.rollout }))) {
      const reason = alreadyInRollout(held);
      state.rollout = { ...held, refused: { rollout: args.rollout, wave: args.wave, by: args.by, at: now(), reason } };
      return { refusal: reason };
    }
    // Another join may have landed while the other rollout was read: the newest holder decides again.
    if (state.rollout && state.rollout !== held && joinCase(state.rollout, args) === 'other') {
      return { refusal: alreadyInRollout(state.rollout) };
    }
    const current = state.rollout;
    if (current && joinCase(current, args) === 'same' && current.wave === args.wave) return current;
    state.rollout = {
      rollout: args.rollout,
      wave: args.wave,
      ...(args.by !== undefined && { by: args.by }),
      joinedAt: current && joinCase(current, args) === 'same' ? current.joinedAt : now(),
    };
    state.updatedAt = now();
    publishVisibility(state, service);
    return state.rollout;
  };

  setHandler(
    joinRolloutUpdate,
    async (args: JoinRolloutArgs) => {
      const joined = await join(args);
      if ('refusal' in joined) throw ApplicationFailure.create({ type: FailureType.Refused, message: joined.refusal });
      return joined;
    },
    {
      validator: (args: JoinRolloutArgs) => {
        const problem = joinArgsProblem(args);
        if (problem) throw ApplicationFailure.create({ type: FailureType.InvalidArgument, message: problem });
        if (state.outcome) {
          throw ApplicationFailure.create({
            type: FailureType.Refused,
            message: `the migration has ended (${state.outcome}): nothing to join`,
          });
        }
      },
    },
  );
  // Signals cannot be refused, only ignored: a malformed one or a refusal is logged (and a refusal kept in status).
  setHandler(joinRolloutSignal, async (args: JoinRolloutArgs) => {
    const problem = joinArgsProblem(args);
    if (problem || state.outcome) {
      log.warn('ignored a joinRollout signal', { problem: problem ?? `the migration has ended (${state.outcome})` });
      return;
    }
    const joined = await join(args);
    if ('refusal' in joined) log.warn('refused a joinRollout signal', { reason: joined.refusal });
  });
}
