// Search attributes and memo kept current, so the Web UI and `list-workflows` can filter migrations by
// stage or execution state. Upserted only when a value changes: each upsert is a history event.
// The current details (the Web UI's "Current Details") are set on every call: setCurrentDetails() only keeps a
// string in the workflow's memory, served by the __temporal_workflow_metadata query — no command, no history
// event, so replay is unaffected and no patch is needed.
import { setCurrentDetails, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  MetastoreServiceKey,
  MigrationAttentionKey,
  MigrationExecutionStateKey,
  MigrationOutcomeKey,
  MigrationStageKey,
  RolloutIdKey,
  RolloutWaveKey,
  SourceHealthKey,
} from './messages';
import { SEARCH_ATTRIBUTE_VALUE_LIMIT } from '../migration/rollout-membership';
import { attentionOf, type MigrationState } from '../migration/state';
import { migrationDetails } from '../migration/summary';
import { isPatched } from './patch-gate';
import { PATCHES } from './patches';

export function publishVisibility(state: MigrationState, service: string): void {
  setCurrentDetails(migrationDetails(state));
  const current = workflowInfo().typedSearchAttributes;
  const wanted = [
    { key: MetastoreServiceKey, value: service },
    { key: MigrationStageKey, value: state.stage },
    // The API's state is an open enum (any string it sends is kept): bounded, since a Keyword value over 255
    // characters breaks SQL visibility's write for good. Known states are short, so replay sees the same values.
    { key: MigrationExecutionStateKey, value: keywordValue(state.execution?.state ?? 'NONE') },
    // Only once checked: runs from before the health watch (and clusters without the attribute) never upsert it.
    ...(state.sourceHealth ? [{ key: SourceHealthKey, value: state.sourceHealth.status }] : []),
    // Runs from before the attribute never upsert it (an upsert is a command: replay must match).
    ...(isPatched(PATCHES.attentionAttribute) ? [{ key: MigrationAttentionKey, value: attentionOf(state) }] : []),
    // Only once ended (consulted then only): runs that ended before the attribute never upsert it.
    ...(state.outcome !== undefined && isPatched(PATCHES.outcomeAttribute)
      ? [{ key: MigrationOutcomeKey, value: state.outcome }]
      : []),
    // Only once joined (joinRollout, new since the patch): runs that never joined never upsert them.
    ...(state.rollout && isPatched(PATCHES.rolloutMembership)
      ? [
          { key: RolloutIdKey, value: state.rollout.rollout },
          { key: RolloutWaveKey, value: state.rollout.wave },
        ]
      : []),
  ];
  const changed = wanted.filter(({ key, value }) => current.get(key) !== value);
  const memo = { migrationExecution: state.execution?.name ?? null, outcome: state.outcome ?? null };
  if (changed.length > 0) upsertSearchAttributes(changed as Parameters<typeof upsertSearchAttributes>[0]);
  // Each upsert is an event: since lean-start the memo only when it changes (absent reads as null, as upsertMemo
  // stores it), so a start writes it once, with its execution; before, with every search attribute upsert.
  if (isPatched(PATCHES.leanStart) ? memoChanged(memo) : changed.length > 0) upsertMemo(memo);
}

function memoChanged(memo: Record<string, string | null>): boolean {
  const current = workflowInfo().memo ?? {};
  return Object.entries(memo).some(([key, value]) => (current[key] ?? null) !== value);
}

/** SQL visibility's Keyword columns are VARCHAR(255): a longer value is accepted, then never written. */
export function keywordValue(value: string): string {
  return value.length > SEARCH_ATTRIBUTE_VALUE_LIMIT ? value.slice(0, SEARCH_ATTRIBUTE_VALUE_LIMIT) : value;
}
