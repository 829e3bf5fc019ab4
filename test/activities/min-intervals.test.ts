// The worker's floors under a request's intervals: raised to the operator's minimums, never lowered, and the
// source check's due time moved out with its interval. (Workflow code and history are untouched: these are the
// activities' arguments, so replay is unaffected.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withMinIntervals } from '../../src/activities/min-intervals';
import type { SourceHealthArgs } from '../../src/activities/cutover';
import type { WatchArgs } from '../../src/activities/polling';

const MIN = { pollMs: 5000, fastPollMs: 1000, operationPollMs: 1000, sourceCheckMs: 60_000 };

/** Activities that return the arguments they were called with. */
function recording() {
  const echo = <T>(args: T) => Promise.resolve(args);
  return {
    pollMigrationChange: (args: WatchArgs) => echo(args),
    checkOperation: (args: { operation: string; pollIntervalMs: number }) => echo(args),
    awaitOperation: (args: { operation: string; pollIntervalMs: number }) => echo(args),
    watchSourceHealth: (args: SourceHealthArgs) => echo(args),
    other: (args: { pollIntervalMs: number }) => echo(args),
  };
}

const watch: WatchArgs = { service: 's', pollIntervalMs: 100, fastPollIntervalMs: 100, maxQuietMs: 30_000 };

describe('withMinIntervals', () => {
  const floored = withMinIntervals(recording(), MIN);

  it('raises a request’s poll, fast poll and operation poll intervals to the worker’s minimums', async () => {
    const polled = await floored.pollMigrationChange(watch);
    assert.equal(polled.pollIntervalMs, 5000);
    assert.equal(polled.fastPollIntervalMs, 1000);
    assert.equal(polled.maxQuietMs, 30_000, 'other arguments pass unchanged');
    assert.equal((await floored.checkOperation({ operation: 'op', pollIntervalMs: 100 })).pollIntervalMs, 1000);
    assert.equal((await floored.awaitOperation({ operation: 'op', pollIntervalMs: 0 })).pollIntervalMs, 1000);
    assert.equal((await floored.other({ pollIntervalMs: 1 })).pollIntervalMs, 1, 'other activities untouched');
  });

  it('keeps intervals above the minimums, and an absent fast interval absent', async () => {
    const slow = await floored.pollMigrationChange({ service: 's', pollIntervalMs: 60_000, maxQuietMs: 1 });
    assert.equal(slow.pollIntervalMs, 60_000);
    assert.equal('fastPollIntervalMs' in slow, false);
    assert.equal((await floored.checkOperation({ operation: 'op', pollIntervalMs: 5000 })).pollIntervalMs, 5000);
  });

  it('moves a source check due a short interval after the last one to the minimum after it', async () => {
    const last = Date.parse('2026-01-01T00:00:00.000Z');
    const args = {
      last: {},
      intervalMs: 200,
      dueAt: new Date(last + 200).toISOString(),
    } as unknown as SourceHealthArgs;
    const checked = await floored.watchSourceHealth(args);
    assert.equal(checked.intervalMs, 60_000);
    assert.equal(checked.dueAt, new Date(last + 60_000).toISOString());
    const hourly = { ...args, intervalMs: 3_600_000, dueAt: new Date(last + 3_600_000).toISOString() };
    assert.deepEqual(await floored.watchSourceHealth(hourly), hourly);
  });

  it('with no minimums (the emulator’s workers) changes nothing', async () => {
    const none = withMinIntervals(recording(), { pollMs: 0, fastPollMs: 0, operationPollMs: 0, sourceCheckMs: 0 });
    assert.deepEqual(await none.pollMigrationChange(watch), watch);
  });
});
