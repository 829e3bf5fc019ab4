// The rollout gauges' pure parts: a rollout's status → its `state` label (paused before waiting-approval), and
// members grouped by wave and stage from their search attributes (an unpublished one as `unknown`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countMembers, rolloutGaugeState } from '../../src/runtime/rollout-gauges';

const paused = { by: 'alice', reason: 'freeze', at: '2026-01-01T00:00:00Z', byBudget: false };

describe('rollout gauges', () => {
  it('a rollout’s state label: paused wins over its gate; an approval gate waits; any other gate runs', () => {
    assert.equal(rolloutGaugeState({ gate: 'approval', paused }), 'paused');
    assert.equal(rolloutGaugeState({ gate: 'members', paused }), 'paused');
    assert.equal(rolloutGaugeState({ gate: 'approval' }), 'waiting-approval');
    for (const gate of ['members', 'soak', 'health'] as const) assert.equal(rolloutGaugeState({ gate }), 'running');
  });
  it('members by wave and stage, counted; a member without its attributes yet is `unknown`', () => {
    const counts = countMembers([
      { wave: 1, stage: 'REPLICATION' },
      { wave: 2, stage: 'STARTING' },
      { wave: 2, stage: 'STARTING' },
      { wave: 2, stage: 'REPLICATION' },
      { wave: 2 },
      {},
    ]);
    assert.deepEqual(
      [...counts.values()].map(({ wave, stage, n }) => [wave, stage, n]),
      [
        ['1', 'REPLICATION', 1],
        ['2', 'STARTING', 2],
        ['2', 'REPLICATION', 1],
        ['2', 'unknown', 1],
        ['unknown', 'unknown', 1],
      ],
    );
    assert.equal(countMembers([]).size, 0);
  });
});
