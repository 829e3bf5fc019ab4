// A resolved manifest → the rollout workflow's input (src/schemas/rollout.ts), in the manifest's words: the waves
// in order with their effective caps (maxParallel and perProject, as plan shows them), soak, gate (advance and
// health) and failure budget as written; for `start` the template once and each member's own config beside it —
// never each member's full request, which at 2,000 members would reach Temporal's payload limit. What the manifest
// says that the workflow would refuse for this action is a problem at its path, so `rollout start` refuses it first.
import { ROLLOUT_TARGET_STAGE } from '../schemas/rollout';
import type { RolloutAction, RolloutInputArg } from '../schemas/rollout';
import { parseDuration } from './duration';
import type { RolloutManifest } from './manifest-schema';
import { type RolloutProblem, error } from './problems';
import type { ResolvedRollout, ResolvedWave } from './resolve';

export function toRolloutInput(
  manifest: RolloutManifest,
  rollout: ResolvedRollout,
  action: RolloutAction,
): { input: RolloutInputArg; problems: RolloutProblem[] } {
  const problems: RolloutProblem[] = [];
  const { notify, reconcileInterval } = manifest.policies;
  const reconcileSeconds = reconcileInterval === undefined ? undefined : parseDuration(reconcileInterval);
  const input: RolloutInputArg = {
    name: rollout.name,
    action,
    ...(action === 'start' && { template: manifest.template }),
    waves: rollout.waves.map((wave, w) => {
      const stage = wave.gate.health.stage;
      const target = ROLLOUT_TARGET_STAGE[action];
      if (stage !== undefined && stage !== target)
        problems.push(
          error(
            'unsupported-by-workflow',
            `waves.${w}.gate.health.stage`,
            `is ${stage}, but a ${action} rollout holds its members to ${target}, the only stage it accepts ` +
              '(or leave it out)',
          ),
        );
      return toWave(manifest, wave, w, action);
    }),
    ...(reconcileSeconds !== undefined && { reconcileSeconds }),
    ...(notify !== undefined && { notify }),
  };
  return { input, problems };
}

function toWave(manifest: RolloutManifest, wave: ResolvedWave, w: number, action: RolloutAction) {
  const spec = manifest.waves[w]!;
  // Only the projects the caps hold back: a project whose every member may run at once needs no entry.
  const perProject = Object.fromEntries(
    wave.perProject.filter((cap) => cap.limit < cap.members).map((cap) => [cap.project, cap.limit]),
  );
  return {
    name: wave.name,
    canary: wave.canary,
    members: wave.members.map((member) => {
      const config = manifest.migrations[member.index]?.config;
      return { service: member.service, ...(action === 'start' && config !== undefined && { config }) };
    }),
    // A wave's cap is at least 1: lint refuses an empty wave, and a cap of 0 would drive nobody.
    maxParallel: Math.max(1, wave.maxParallel.limit),
    perProject,
    soakSeconds: wave.soakSeconds,
    gate: {
      advance: wave.gate.advance,
      health: {
        ...(wave.gate.health.stage === ROLLOUT_TARGET_STAGE[action] && { stage: wave.gate.health.stage }),
        sourceHealthNotError: wave.gate.health.sourceHealthNotError,
        verificationClean: wave.gate.health.verificationClean,
      },
    },
    // As written: the workflow takes the larger of the count and the percentage of the wave, as lint does.
    failureBudget: { count: spec.failureBudget.count ?? 0, percent: spec.failureBudget.percent ?? 0 },
    // Only a complete decides a cutover; the workflow refuses an override for start and cancel (lint warns).
    ...(action === 'complete' && spec.override !== undefined && { override: spec.override }),
  };
}
