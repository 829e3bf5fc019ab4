import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, relativeTime, withRelative } from '../../src/cli/duration';
import { stageFor } from '../../src/cli/format';
import { formatMigrationView } from '../../src/cli/watch';

const NOW = Date.parse('2026-12-04T12:00:00.000Z');
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe('durations', () => {
  it('shows the two largest units', () => {
    assert.equal(formatDuration(41 * D + 3 * H + 12 * MIN), '41 d 3 h');
    assert.equal(formatDuration(3 * H + 5 * MIN + 9 * S), '3 h 5 min');
    assert.equal(formatDuration(2 * D + 7 * MIN), '2 d', 'a zero second unit is left out');
    assert.equal(formatDuration(5 * MIN), '5 min');
    assert.equal(formatDuration(12 * S + 400), '12 s');
    assert.equal(formatDuration(400), '0 s');
    assert.equal(formatDuration(-5 * S), '0 s');
  });

  it('says ago for the past and in for the future, nothing for no time', () => {
    assert.equal(relativeTime('2026-12-04T11:59:48.000Z', NOW), '12 s ago');
    assert.equal(relativeTime('2026-12-04T12:00:48.000Z', NOW), 'in 48 s');
    assert.equal(relativeTime(undefined, NOW), undefined);
    assert.equal(relativeTime('not a time', NOW), undefined);
    assert.equal(withRelative('2026-12-04T11:00:00.000Z', NOW), '2026-12-04T11:00:00.000Z (1 h ago)');
    assert.equal(withRelative('garbled', NOW), 'garbled');
  });

  it('puts the time in the stage beside the stage, in status and watch', () => {
    const history = [
      { stage: 'PRECHECK', at: '2026-10-24T08:00:00.000Z' },
      { stage: 'REPLICATION', at: '2026-10-24T09:00:00.000Z' },
    ];
    assert.equal(stageFor(history, NOW), ' for 41 d 3 h');
    assert.equal(stageFor([], NOW), '');
    const view = formatMigrationView(
      {
        service: 'projects/p/locations/l/services/s',
        stage: 'REPLICATION',
        timeline: history,
        lastPoll: '2026-12-04T11:59:48.000Z',
        nextPoll: '2026-12-04T12:00:48.000Z',
        decisions: [],
        doing: [],
        ended: false,
      },
      new Date(NOW),
    );
    assert.match(view, /^stage +REPLICATION for 41 d 3 h$/m);
    assert.match(view, /^polls +last 11:59:48 \(12 s ago\), next ~12:00:48 \(in 48 s\)$/m);
  });
});
