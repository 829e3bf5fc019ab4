// A migration's membership of a fleet rollout (issue 22): which rollout drives it, in which wave, since when. A
// migration belongs to one rollout at a time — two rollouts deciding for the same service would race each other's
// complete and cancel — so a join by another rollout is refused while the first still runs; the same rollout
// joining again changes nothing. Pure: the workflow's handler asks whether the first rollout still runs.

/** Keyword search attribute values are limited to 255 characters (SQL visibility's column). */
export const SEARCH_ATTRIBUTE_VALUE_LIMIT = 255;

export interface JoinRolloutArgs {
  /** The rollout's name (its workflow is `rollout/<name>`): the RolloutId search attribute. */
  rollout: string;
  /** 1-based, as people count waves: the RolloutWave search attribute. */
  wave: number;
  /** Who joined it, for the audit (the rollout sends `rollout R wave W`). */
  by?: string;
}

export interface RolloutMembership {
  rollout: string;
  wave: number;
  by?: string;
  joinedAt: string;
  /** The newest join this migration refused (another rollout while this one still ran), kept for `status`. */
  refused?: { rollout: string; wave: number; by?: string; at: string; reason: string };
}

/** What is wrong with a join's argument, or undefined. Hand-checked: the values go into search attributes. */
export function joinArgsProblem(args: unknown): string | undefined {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return 'expected { rollout, wave, by? }';
  const { rollout, wave, by } = args as Record<string, unknown>;
  if (typeof rollout !== 'string' || rollout.trim() === '') return 'rollout: a non-empty string is required';
  if (rollout.length > SEARCH_ATTRIBUTE_VALUE_LIMIT) {
    return `rollout: at most ${SEARCH_ATTRIBUTE_VALUE_LIMIT} characters (a search attribute value)`;
  }
  if (typeof wave !== 'number' || !Number.isInteger(wave) || wave < 1 || wave > 1000) {
    return 'wave: an integer from 1 (the first wave) is required';
  }
  if (by !== undefined && (typeof by !== 'string' || by.length > SEARCH_ATTRIBUTE_VALUE_LIMIT)) {
    return `by: a string of at most ${SEARCH_ATTRIBUTE_VALUE_LIMIT} characters`;
  }
  return undefined;
}

/** `same`: already a member of this rollout (idempotent; the wave is updated); `free`: no rollout yet;
 * `other`: another rollout holds it — whether it still runs decides. */
export function joinCase(current: RolloutMembership | undefined, args: JoinRolloutArgs): 'same' | 'free' | 'other' {
  if (!current) return 'free';
  return current.rollout === args.rollout ? 'same' : 'other';
}

export function alreadyInRollout(current: RolloutMembership): string {
  return `already in rollout ${current.rollout} (wave ${current.wave}), which is still running: a migration belongs to one rollout at a time`;
}

/** "member of rollout R, wave W": status and the Web UI's current details. */
export function membershipText(membership: RolloutMembership): string {
  return `member of rollout ${membership.rollout}, wave ${membership.wave}`;
}
