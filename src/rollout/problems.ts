// What lint and plan report about a manifest: each problem with the field path it is about (the dotted paths of
// the request schemas' InputIssue, so a manifest and a config file name fields the same way) and a code a test or a
// script can branch on. Errors stop a rollout; warnings are shown and let it go.
import type { InputIssue } from '../schemas';

export type ProblemCode =
  /** The manifest's own shape (a field missing, a wrong type, an unknown field). */
  | 'invalid-field'
  /** A member's request, template merged in, refused by the migration request schemas. */
  | 'invalid-member-request'
  | 'duplicate-service'
  | 'duplicate-wave'
  | 'service-in-two-waves'
  | 'service-in-no-wave'
  | 'unknown-service'
  | 'empty-wave'
  | 'selector-matches-nothing'
  | 'canary-auto-advance'
  | 'api-budget-above-identity-quota'
  /** A wave's members of one project, at its cap, would read faster than the API budget or Google's quota. */
  | 'wave-reads-above-quota'
  /** A wave has more services of one project in one region than Dataproc Metastore's default quota allows. */
  | 'services-above-region-quota'
  /** The rollout would carry more across continue-as-new than one Temporal payload may hold. */
  | 'rollout-too-large'
  /** A wave's cutover override: it applies to the complete action only (the action is chosen at rollout start). */
  | 'override-only-for-complete'
  /** rollout start: the manifest asks for what the rollout workflow's input check refuses (a health stage other than
   * the action's target). */
  | 'unsupported-by-workflow'
  /** plan, online: a migration workflow of the service is already running. */
  | 'workflow-running'
  /** plan, online: the Metastore API says the service is MIGRATING. */
  | 'service-migrating'
  /** plan, online: the service is in a state other than ACTIVE (CREATING, UPDATING, ERROR, …): a warning. */
  | 'service-not-active'
  /** plan, online: the service could not be read (the API's status and message), or is not in its location. */
  | 'service-unreadable';

export interface RolloutProblem extends InputIssue {
  severity: 'error' | 'warning';
  code: ProblemCode;
}

export const error = (code: ProblemCode, path: string, message: string): RolloutProblem => ({
  severity: 'error',
  code,
  path,
  message,
});

export const warning = (code: ProblemCode, path: string, message: string): RolloutProblem => ({
  severity: 'warning',
  code,
  path,
  message,
});

/** `path: message` lines, errors first, as `plan` and the config files print issues. */
export function formatProblems(problems: readonly RolloutProblem[]): string {
  const ordered = [
    ...problems.filter((p) => p.severity === 'error'),
    ...problems.filter((p) => p.severity !== 'error'),
  ];
  return ordered.map((problem) => `${problem.severity}  ${problem.path}: ${problem.message}`).join('\n');
}
