// The watch loop's two ways of showing: redrawn in place on a terminal, one line per change on a pipe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFleet, watchLoop } from '../../src/cli/watch';

function scripted<V>(views: V[]) {
  let i = 0;
  return () => Promise.resolve(views[Math.min(i++, views.length - 1)]!);
}

describe('watch loop', () => {
  const views = [{ stage: 'A' }, { stage: 'A' }, { stage: 'B' }, { stage: 'DONE' }];
  const render = (v: { stage: string }) => `stage ${v.stage}\nline two`;
  /** What the loop writes for the scripted views, until DONE. */
  async function written(mode: { redraw: boolean; json: boolean }): Promise<string[]> {
    const out: string[] = [];
    const done = (v: { stage: string }) => v.stage === 'DONE';
    await watchLoop({ read: scripted(views), render, done, write: (t) => out.push(t), intervalMs: 1, ...mode });
    return out;
  }

  it('on a pipe prints one line per change and stops at the final view', async () => {
    const out = await written({ redraw: false, json: false });
    assert.deepEqual(out, ['stage A | line two\n', 'stage B | line two\n', 'stage DONE | line two\n']);
  });

  it('with --json prints each changed view as one JSON line', async () => {
    const out = await written({ redraw: false, json: true });
    assert.deepEqual(
      out.map((line) => JSON.parse(line) as unknown),
      [{ stage: 'A' }, { stage: 'B' }, { stage: 'DONE' }],
    );
  });

  it('on a terminal clears and redraws every round', async () => {
    const out = await written({ redraw: true, json: false });
    assert.equal(out.length, 4);
    assert.ok(out.every((frame) => frame.startsWith('\x1b[H\x1b[2J') && frame.includes('line two')));
  });

  it('lays the fleet out as an aligned table', () => {
    const table = formatFleet(
      [
        {
          workflowId: 'migration/projects/p/locations/us-central1/services/a',
          stage: 'REPLICATION',
          executionState: 'RUNNING',
          startTime: '2026-10-24T09:00:00.000Z',
        },
        {
          workflowId: 'migration/projects/p/locations/us-central1/services/bb',
          stage: 'PRECHECK',
          executionState: 'NONE',
          startTime: '2026-12-04T11:59:48.000Z',
        },
      ],
      Date.parse('2026-12-04T12:00:00.000Z'),
    ).split('\n');
    assert.equal(table.length, 3);
    assert.match(table[0]!, /^SERVICE\s+STAGE\s+EXECUTION\s+STARTED\s+RUNNING FOR$/);
    assert.match(table[1]!, /2026-10-24T09:00:00\.000Z\s+41 d 3 h$/);
    assert.match(table[2]!, /\s12 s$/);
    assert.equal(table[1]!.indexOf('REPLICATION'), table[2]!.indexOf('PRECHECK'));
    assert.equal(formatFleet([]), 'no running migrations');
  });
});
