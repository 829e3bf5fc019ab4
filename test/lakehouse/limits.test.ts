// The bounds on what a verification fans out: never more in flight than allowed, every item done, order kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Limiter, mapLimit } from '../../src/lakehouse/http';

/** A task that finishes when the test says so, recording how many run at once. */
function gauge() {
  let now = 0;
  let max = 0;
  return {
    get max() {
      return max;
    },
    async task<T>(value: T): Promise<T> {
      now += 1;
      max = Math.max(max, now);
      // Yield a few turns so that others get the chance to start meanwhile.
      for (let i = 0; i < 5; i++) await Promise.resolve();
      now -= 1;
      return value;
    },
  };
}

describe('bounded concurrency', () => {
  it('Limiter never runs more than its size, even when newcomers arrive as a task finishes', async () => {
    const limiter = new Limiter(3);
    const g = gauge();
    const first = Array.from({ length: 10 }, (_, i) => limiter.run(() => g.task(i)));
    // Newcomers while the first ones are finishing.
    const late = first.map((p, i) => p.then(() => limiter.run(() => g.task(100 + i))));
    assert.deepEqual(await Promise.all(first), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await Promise.all(late);
    assert.equal(g.max, 3);
  });

  it('mapLimit keeps the order and the bound', async () => {
    const g = gauge();
    const items = Array.from({ length: 25 }, (_, i) => i);
    assert.deepEqual(
      await mapLimit(items, 4, (i) => g.task(i * 2)),
      items.map((i) => i * 2),
    );
    assert.equal(g.max, 4);
    assert.deepEqual(await mapLimit([], 4, (i: number) => g.task(i)), []);
  });
});
