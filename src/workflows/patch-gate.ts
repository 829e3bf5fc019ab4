// patched() for the migration workflows. Every patch a run consults writes a marker and, with it, an upsert of the
// TemporalChangeVersion search attribute that the SDK's core adds (no option turns it off): two history events per
// patch. A start consulted eight patches, sixteen of its eighty events. A run marked lean-start consults none of the
// patches registered before it: they were all applied when it started, so its one marker stands for them.
import { patched } from '@temporalio/workflow';
import { APPLIED_UNDER_LEAN_START, PATCHES } from './patches';
import type { Patch } from './patches';

/**
 * Whether `patch`'s new path runs. Runs recorded before lean-start have no marker for it and consult `patch` itself,
 * as before (replaying, patched(lean-start) is false where no marker was recorded).
 */
export function isPatched(patch: Patch): boolean {
  if (APPLIED_UNDER_LEAN_START.has(patch.id) && patched(PATCHES.leanStart.id)) return true;
  return patched(patch.id);
}
