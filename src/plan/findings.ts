// One finding of a precheck or plan: plain JSON, so activities, workflows and the CLI can all pass it on. The
// source prechecks' Finding (src/source/types.ts) is this type without 'skipped'; every one of them is a plan
// Finding as it is.
import type { Finding as SourceFinding, FindingLevel as SourceFindingLevel } from '../source/types';

/** `skipped`: the check could not run here (e.g. the source is not reachable from the worker); the message says why. */
export type FindingLevel = SourceFindingLevel | 'skipped';

export interface Finding extends Omit<SourceFinding, 'level'> {
  level: FindingLevel;
}

export function finding(check: string, level: FindingLevel, message: string): Finding {
  return { check, level, message };
}
