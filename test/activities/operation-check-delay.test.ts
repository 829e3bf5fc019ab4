// The backoff of operation checks, as a schedule: when each read of an operation happens, from the first check on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIRST_OPERATION_CHECK_MS, operationCheckDelay } from '../../src/activities/polling';

/** The times (ms after the workflow first asked) at which the operation is read, until `untilMs`. */
function readTimes(intervalMs: number, untilMs: number): number[] {
  const times: number[] = [];
  for (let at = 0; at <= untilMs; at += operationCheckDelay(at, intervalMs)) times.push(at);
  return times;
}

describe('operationCheckDelay', () => {
  it('starts short and doubles up to the steady interval', () => {
    assert.deepEqual(readTimes(5000, 30_000), [0, 250, 500, 1000, 2000, 4000, 8000, 13_000, 18_000, 23_000, 28_000]);
  });

  it('sees a 300 ms operation done by its third read, half a second after the first', () => {
    const seen = readTimes(5000, 10_000).find((at) => at >= 300);
    assert.equal(seen, 500);
  });

  it("costs a minute-long operation a handful of reads more than the steady interval's", () => {
    const intervalMs = 30_000;
    const reads = readTimes(intervalMs, 3_600_000).length;
    const steady = Math.floor(3_600_000 / intervalMs) + 1;
    // 250 ms doubling to 30 s: log2(30 000 / 250) + 1 ≈ 8 early reads.
    assert.ok(reads > steady && reads <= steady + Math.ceil(Math.log2(intervalMs / FIRST_OPERATION_CHECK_MS)) + 1);
  });

  it('never waits longer than the interval, nor less than the first check', () => {
    assert.equal(operationCheckDelay(0, 100), 100, 'an interval under the first check wins');
    assert.equal(operationCheckDelay(-5000, 5000), FIRST_OPERATION_CHECK_MS, 'a worker clock behind the server');
    assert.equal(operationCheckDelay(10 * 86_400_000, 5000), 5000);
  });
});
