import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRng } from '../../src/emulator/rng';
import {
  type Emulator,
  admin,
  call,
  seedSpannerService,
  startEmulator,
  startMigration,
  until,
  waitForOperation,
  waitForState,
} from '../helpers/emulator';

/** Statuses of `n` sequential services.get calls. */
async function statuses(emulator: Emulator, service: string, n: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < n; i += 1) seen.push((await call(emulator, 'GET', `/v1/${service}`)).status);
  return seen;
}

describe('standing fault rules (rate)', () => {
  const SEED = 1234;
  const N = 40;

  it('fails exactly the requests the seeded RNG picks, the same on every run, and counts each one', async () => {
    const runs: number[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const emulator = await startEmulator({ seed: SEED });
      try {
        const service = await seedSpannerService(emulator);
        await admin(emulator, 'faults', { method: 'services.get', rate: 0.5, error: { status: 'RESOURCE_EXHAUSTED' } });
        const seen = await statuses(emulator, service, N);
        const failed = seen.filter((status) => status === 429).length;
        const stats = await admin(emulator, 'stats');
        assert.equal(stats.seed, SEED);
        assert.equal(stats.faults['services.get'], failed);
        assert.equal(stats.faultsByKind.RESOURCE_EXHAUSTED, failed);
        assert.equal(stats.requests['services.get'], N);
        assert.deepEqual(new Set(seen), new Set([200, 429]));
        runs.push(seen);
      } finally {
        await emulator.close();
      }
    }
    assert.deepEqual(runs[0], runs[1], 'the same seed fails the same requests');
    const rng = createRng(SEED);
    const expected = Array.from({ length: N }, () => (rng() < 0.5 ? 429 : 200));
    assert.deepEqual(runs[0], expected);
  });

  describe('on one emulator', () => {
    let emulator: Emulator;
    before(async () => {
      emulator = await startEmulator({ seed: 7 });
    });
    after(() => emulator.close());

    it('keeps firing until cleared (no count), answering 503 UNAVAILABLE in the google.rpc shape', async () => {
      const service = await seedSpannerService(emulator);
      await admin(emulator, 'faults', { method: 'services.get', rate: 1, error: { status: 'UNAVAILABLE' } });
      assert.deepEqual(await statuses(emulator, service, 5), [503, 503, 503, 503, 503]);
      const response = await call(emulator, 'GET', `/v1/${service}`);
      assert.equal(response.body.error.code, 503);
      assert.equal(response.body.error.status, 'UNAVAILABLE');
      assert.equal(response.body.error.details[0].reason, 'EMULATOR_INJECTED_FAULT');
      assert.equal((await admin(emulator, 'faults')).faults.length, 1, 'still armed');
      await admin(emulator, 'faults', undefined, 'DELETE');
      assert.deepEqual(await statuses(emulator, service, 2), [200, 200]);
    });

    it('with count, stops after that many firings', async () => {
      const service = await seedSpannerService(emulator);
      await admin(emulator, 'faults', { method: 'services.get', rate: 1, count: 2, error: { status: 'INTERNAL' } });
      assert.deepEqual(await statuses(emulator, service, 3), [500, 500, 200]);
      assert.deepEqual((await admin(emulator, 'faults')).faults, []);
    });

    it("method '*' matches every REST method, not the admin API", async () => {
      const service = await seedSpannerService(emulator);
      const before = await admin(emulator, 'stats');
      await admin(emulator, 'faults', { method: '*', rate: 1, error: { status: 'UNAVAILABLE' } });
      assert.equal((await call(emulator, 'GET', `/v1/${service}`)).status, 503);
      assert.equal((await call(emulator, 'GET', `/v1/${service}/migrationExecutions`)).status, 503);
      assert.equal((await startMigration(emulator, service)).status, 503);
      const stats = await admin(emulator, 'stats');
      await admin(emulator, 'faults', undefined, 'DELETE');
      assert.equal(stats.faultsByKind.UNAVAILABLE - (before.faultsByKind.UNAVAILABLE ?? 0), 3);
      assert.equal((await call(emulator, 'GET', `/v1/${service}`)).body.state, 'ACTIVE', 'the start was not applied');
    });

    it('a one-shot fault and a standing rule on the same request both fire', async () => {
      const service = await seedSpannerService(emulator);
      await admin(emulator, 'faults', { method: 'services.get', rate: 1, latencyMs: 50 });
      await admin(emulator, 'faults', { method: 'services.get', error: { status: 'ABORTED' } });
      const started = Date.now();
      const response = await call(emulator, 'GET', `/v1/${service}`);
      assert.ok(Date.now() - started >= 50);
      assert.equal(response.body.error.status, 'ABORTED');
      await admin(emulator, 'faults', undefined, 'DELETE');
    });

    it('refuses a rate outside 0..1, both latency names, and an unknown method, naming the field', async () => {
      for (const [body, field] of [
        [{ method: 'services.get', rate: 1.5, error: { status: 'INTERNAL' } }, 'rate'],
        [{ method: 'services.get', latencyMs: 1, delayResponseMs: 1 }, 'delayResponseMs'],
        [{ method: 'services.nope', hang: true }, 'method'],
        [{ method: 'services.get', error: { status: 'NOPE' } }, 'error.status'],
      ] as const) {
        const response = await call(emulator, 'POST', '/_emulator/faults', body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.ok(response.body.error.message.includes(field), response.body.error.message);
      }
    });
  });
});

describe('latency and hang faults', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  it('latencyMs applies the request at once and answers no sooner than the latency', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'faults', { method: 'services.startMigration', rate: 1, latencyMs: 800 });
    const started = Date.now();
    let answered = false;
    const response = startMigration(emulator, service).finally(() => (answered = true));
    // Applied before the answer: the service turns MIGRATING while the response is still held back.
    await waitForState(emulator, service, 'MIGRATING');
    assert.equal(answered, false);
    assert.equal((await response).status, 200);
    assert.ok(Date.now() - started >= 800, `answered after ${Date.now() - started} ms`);
    const stats = await admin(emulator, 'stats');
    assert.ok(stats.faultsByKind.latency >= 1);
    await admin(emulator, 'faults', undefined, 'DELETE');
  });

  it('hang never answers and applies nothing; the client times out and the next request is served', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'faults', { method: 'services.startMigration', hang: true });
    await assert.rejects(
      fetch(`${emulator.url}/v1/${service}:startMigration`, {
        method: 'POST',
        body: '{}',
        signal: AbortSignal.timeout(200),
      }),
      { name: 'TimeoutError' },
    );
    assert.equal((await call(emulator, 'GET', `/v1/${service}`)).body.state, 'ACTIVE', 'not applied');
    assert.equal((await admin(emulator, 'stats')).faultsByKind.hang, 1);
    const retried = await startMigration(emulator, service);
    assert.equal(retried.status, 200);
    await waitForOperation(emulator, retried.body.name);
  });

  it('close() returns promptly while a request hangs', async () => {
    const own = await startEmulator();
    const service = await seedSpannerService(own);
    await admin(own, 'faults', { method: 'services.get', rate: 1, hang: true });
    const hanging = fetch(`${own.url}/v1/${service}`).catch((error: Error) => error);
    await until(
      () => admin(own, 'stats'),
      (stats) => stats.faultsByKind.hang === 1,
    );
    const started = Date.now();
    await own.close();
    assert.ok(Date.now() - started < 1000, `close took ${Date.now() - started} ms`);
    assert.ok((await hanging) instanceof Error, 'the hung client sees the connection close');
  });
});
