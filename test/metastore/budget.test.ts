// The per-project API budget on a fake clock: rates, the control reserve, spreading, 429 back-off, sharing, and the
// order in which waiting control calls are served.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiBudget, projectOf } from '../../src/metastore/budget';
import type { BudgetOptions } from '../../src/metastore/budget';
import { MetastoreApiError } from '../../src/metastore/errors';

/** A clock and the timers the budget schedules on it: `advance` moves time and runs what falls due, in order. */
function fakeTime() {
  const clock = { now: 1_000_000 };
  const timers: { at: number; fn: () => void }[] = [];
  const schedule = (fn: () => void, ms: number) => void timers.push({ at: clock.now + ms, fn });
  // Lets the promises a timer settled run their continuations (no time passes).
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  async function advance(ms: number): Promise<void> {
    const end = clock.now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > end) break;
      timers.shift();
      clock.now = next.at;
      next.fn();
      await settle();
    }
    clock.now = end;
    await settle();
  }
  return { clock, schedule, advance };
}

function budgetAt(ratePerSecond: number, options: Partial<BudgetOptions> = {}) {
  const { clock, schedule, advance } = fakeTime();
  const budget = new ApiBudget({ ratePerSecond, now: () => clock.now, random: () => 0.5, schedule, ...options });
  return { budget, clock, advance };
}

/** Spends the bucket's burst with control calls, so the next ones wait. */
async function emptied(budget: ApiBudget): Promise<void> {
  for (let i = 0; i < 3; i++) await budget.take('p', 'control');
}

/** Polls the budget admits at `times` (ms offsets), one attempt each. */
async function admittedPolls(budget: ApiBudget, clock: { now: number }, times: number[]): Promise<number> {
  const start = clock.now;
  let admitted = 0;
  for (const t of times) {
    clock.now = start + t;
    admitted += await budget.take('p', 'poll').then(
      () => 1,
      () => 0,
    );
  }
  return admitted;
}

describe('ApiBudget', () => {
  it('admits polls at the rate over time and turns the rest away with a Retry-After, sending nothing', async () => {
    const { budget, clock } = budgetAt(4);
    // 100 attempts a second for 10 s: at most the rate per second plus the burst get through.
    const times = Array.from({ length: 1000 }, (_, i) => i * 10);
    const admitted = await admittedPolls(budget, clock, times);
    assert.ok(admitted <= 4 * 10 + 4 && admitted >= 4 * 10 - 4, `admitted ${admitted}`);
    const refusal = await budget.take('p', 'poll').catch((err: unknown) => err);
    assert.ok(refusal instanceof MetastoreApiError);
    assert.equal(refusal.status, 'RESOURCE_EXHAUSTED');
    assert.equal(refusal.local, true);
    assert.ok((refusal.retryAfterMs ?? 0) > 0);
  });

  it('keeps a token for control calls: polls cannot spend the last one', async () => {
    const { budget } = budgetAt(2);
    await budget.take('p', 'poll');
    await budget.take('p', 'poll');
    await assert.rejects(budget.take('p', 'poll'), MetastoreApiError, 'the third read would take the reserve');
    await budget.take('p', 'control');
  });

  it("holds one poll's two reads (execution, then service) at a small share, so such a poll always gets through", async () => {
    // Three workers sharing the default 3 req/s... or dead workers not yet aged out: 0.75 req/s each. With a burst
    // of two, the execution read took the token the service read needed, every time.
    const { budget, clock } = budgetAt(0.75);
    for (let poll = 0; poll < 20; poll++) {
      await budget.take('p', 'poll');
      await budget.take('p', 'poll');
      clock.now += 10_000; // the next poll, after the bucket has refilled
    }
  });

  it('spreads the return of polls turned away in the same second', async () => {
    const clock = { now: 5_000_000 };
    let draw = 0;
    const draws = [0.1, 0.9];
    const budget = new ApiBudget({ ratePerSecond: 1, now: () => clock.now, random: () => draws[draw++ % 2]! });
    await budget.take('p', 'poll').catch(() => undefined);
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      delays.push(
        await budget.take('p', 'poll').then(
          () => 0,
          (err: MetastoreApiError) => err.retryAfterMs ?? 0,
        ),
      );
    }
    assert.ok(Math.max(...delays) - Math.min(...delays) >= 5000, `delays ${delays.join(', ')} are not spread`);
  });

  it('after a 429 nobody in the project calls before Retry-After; other projects are unaffected', async () => {
    const { budget, clock } = budgetAt(4);
    budget.throttled('p', 10_000);
    await assert.rejects(budget.take('p', 'poll'), MetastoreApiError);
    await assert.rejects(budget.take('p', 'control'), MetastoreApiError, 'a control call would wait 10 s: it gives up');
    await budget.take('q', 'poll');
    clock.now += 10_500;
    await budget.take('p', 'control');
  });

  it('control calls wait for a token rather than fail while the wait is short', async () => {
    const budget = new ApiBudget({ ratePerSecond: 50 });
    const started = Date.now();
    for (let i = 0; i < 60; i++) await budget.take('p', 'control');
    // 50 tokens of burst, then 10 more at 50/s: about 200 ms of waiting.
    assert.ok(Date.now() - started >= 150, 'the calls beyond the burst waited for tokens');
  });

  it('lets only a second of control calls per project wait in a slot; the rest come back after their wait', async () => {
    const { budget, advance } = budgetAt(2);
    const outcomes = Promise.all(
      Array.from({ length: 8 }, () =>
        budget.take('p', 'control').then(
          () => 0,
          (err: MetastoreApiError) => err.retryAfterMs ?? -1,
        ),
      ),
    );
    await advance(1000);
    // Three from the burst, two waiting for the next second's tokens, three turned away with when to return.
    const settled = await outcomes;
    assert.equal(settled.filter((ms) => ms === 0).length, 5, `outcomes ${settled.join(', ')}`);
    const refused = settled.filter((ms) => ms !== 0);
    assert.equal(refused.length, 3);
    assert.ok(
      refused.every((ms) => ms >= 1000),
      `retry-after ${refused.join(', ')}`,
    );
    // Another project's control call is not kept waiting by p.
    await budget.take('q', 'control');
  });

  it('serves waiting control calls in their order, not as they arrived, one token each', async () => {
    const { budget, advance } = budgetAt(1, { maxControlWaiters: 10, maxControlWaitMs: 60_000 });
    await emptied(budget);
    const served: number[] = [];
    const waiting = [30, 10, 20].map((key) =>
      budget.take('p', 'control', 'call', 'p', key).then(() => served.push(key)),
    );
    await advance(999);
    assert.deepEqual(served, [], 'no token before a second has passed');
    await advance(1);
    assert.deepEqual(served, [10]);
    await advance(2000);
    await Promise.all(waiting);
    assert.deepEqual(served, [10, 20, 30]);
  });

  it("turns the latest away when an earlier call arrives at a full queue, and an engineer's decision goes first", async () => {
    const { budget, advance } = budgetAt(1, { maxControlWaiters: 2, maxControlWaitMs: 60_000 });
    await emptied(budget);
    const outcome = (key: number) =>
      budget.take('p', 'control', 'call', 'p', key).then(
        () => 'served',
        (err: MetastoreApiError) => `turned away, back in ${err.retryAfterMs} ms`,
      );
    const late = outcome(30);
    const middle = outcome(20);
    const early = outcome(10);
    assert.equal(await late, 'turned away, back in 3000 ms', 'the latest of three, when its turn would have come');
    assert.equal(
      await outcome(40),
      'turned away, back in 4000 ms',
      'later than both that wait and than the one turned away before it, which comes back first',
    );
    await budget.take('p', 'decision');
    // The decision borrowed the next token: the earliest waiting is served at 2 s instead of 1 s, the next at 3 s.
    const now = (call: Promise<string>) => Promise.race([call, Promise.resolve('waiting')]);
    await advance(1500);
    assert.equal(await now(early), 'waiting');
    await advance(500);
    assert.equal(await now(early), 'served');
    assert.equal(await now(middle), 'waiting');
    await advance(1000);
    assert.deepEqual(await Promise.all([early, middle]), ['served', 'served']);
  });

  it('orders control calls by when their caller was first seen, whatever it asked first', async () => {
    let caller = 'migration/old';
    const { budget, clock, advance } = budgetAt(1, {
      maxControlWaiters: 10,
      maxControlWaitMs: 60_000,
      caller: () => caller,
    });
    const gate = budget.gate('control');
    const service = (name: string) => `projects/p/locations/l/services/${name}`;
    await gate.take(service('old'), 'services.get');
    clock.now += 5000;
    caller = 'migration/new';
    await gate.take(service('new'), 'services.get');
    await gate.take(service('new'), 'services.get');
    await gate.take(service('new'), 'services.get');
    const served: string[] = [];
    const newer = gate.take(service('new'), 'operations.get').then(() => served.push('new'));
    caller = 'migration/old';
    const older = gate.take(service('old'), 'services.startMigration').then(() => served.push('old'));
    await advance(3000);
    await Promise.all([newer, older]);
    assert.deepEqual(served, ['old', 'new']);
  });

  it('tells a late migration to come back after what earlier ones turned away still have to call', async () => {
    let caller: string | undefined = 'migration/first';
    const { budget, clock, advance } = budgetAt(1, {
      maxControlWaiters: 1,
      maxControlWaitMs: 60_000,
      caller: () => caller,
    });
    // The first migration's start: nine control calls, a second apart (so none waits).
    for (let i = 0; i < 9; i++) {
      clock.now += 1000;
      await budget.take('p', 'control');
    }
    // The worker's own calls (no caller) spend the two tokens left, counted for nobody.
    caller = undefined;
    await budget.take('p', 'control');
    await budget.take('p', 'control');
    // Each migration first seen a millisecond after the one before (so each is later in the order).
    const turnedAway = (who: string) => {
      caller = who;
      clock.now += 1;
      return budget.take('p', 'control').then(
        () => 0,
        (err: MetastoreApiError) => err.retryAfterMs ?? -1,
      );
    };
    caller = 'migration/waiting';
    clock.now += 1;
    const waiting = budget.take('p', 'control');
    // Behind the one waiting: back in 2 s. It has made one of a start's nine calls: half the rest, four, count ahead.
    const second = await turnedAway('migration/second');
    assert.ok(Math.abs(second - 2000) < 10, `second back in ${second} ms`);
    const third = await turnedAway('migration/third');
    assert.ok(Math.abs(third - 6000) < 10, `third back in ${third} ms: behind the one waiting and the second's four`);
    await advance(1000);
    await waiting;
  });

  it("sends an engineer's decision at once even on an empty bucket, and the calls after it repay the debt", async () => {
    const { budget, clock } = budgetAt(2);
    const control = budget.gate('control');
    const resource = 'projects/p/locations/l/services/s';
    await control.take(resource, 'services.get');
    await control.take(resource, 'services.get');
    const started = Date.now();
    await control.take(resource, 'services.completeMigration');
    assert.ok(Date.now() - started < 100, 'the decision did not wait');
    // The bucket is in debt: a poll is turned away until a second and a half of refill has passed.
    await assert.rejects(budget.gate('poll').take(resource, 'services.migrationExecutions.get'), MetastoreApiError);
    clock.now += 1600;
    await budget.gate('poll').take(resource, 'services.migrationExecutions.get');
  });

  it('divides the rate among the workers sharing it', () => {
    const { budget } = budgetAt(6);
    budget.setWorkers(3);
    assert.equal(budget.rate, 2);
    budget.setWorkers(0);
    assert.equal(budget.rate, 6);
  });

  it('reads the project from any resource name', () => {
    assert.equal(projectOf('projects/p-1/locations/l/services/s/migrationExecutions/e'), 'p-1');
    assert.equal(projectOf('projects/42/locations/l/operations/o'), '42');
    assert.equal(projectOf('nothing'), '-');
  });
});
