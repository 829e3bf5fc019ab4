import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Emulator,
  admin,
  call,
  getResource,
  seedSpannerService,
  startEmulator,
  startMigration,
  waitForOperation,
  waitForState,
} from '../helpers/emulator';

/** How long the operation took, from its own metadata (server clock). */
function took(op: { metadata: { createTime: string; endTime: string } }): number {
  return Date.parse(op.metadata.endTime) - Date.parse(op.metadata.createTime);
}

describe('operation durations', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      operationDelayMs: 20,
      durations: { 'services.completeMigration': 300, replication: 1000 },
    });
  });
  after(() => emulator.close());

  it('slow replication: STARTING is observed, then RUNNING after the replication time', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    const execution = started.body.metadata.target;
    assert.equal((await getResource(emulator, execution)).state, 'STARTING');
    await waitForState(emulator, execution, 'RUNNING');
    const op = await waitForOperation(emulator, started.body.name);
    assert.ok(took(op) >= 1000, `start took ${took(op)} ms`);
    assert.equal(op.response.state, 'RUNNING');
  });

  it('each method takes its own duration; others keep the default', async () => {
    const service = await seedSpannerService(emulator);
    await waitForOperation(emulator, (await startMigration(emulator, service)).body.name);
    const complete = await call(emulator, 'POST', `/v1/${service}:completeMigration`, {});
    const patch = await call(emulator, 'PATCH', `/v1/${service}?updateMask=labels`, { labels: { a: 'b' } });
    const patched = await waitForOperation(emulator, patch.body.name);
    // Operations end at their due time, so their own timestamps measure the configured durations (±1 ms).
    assert.ok(took(patched) >= 20 && took(patched) < 300, `patch took ${took(patched)} ms`);
    const completed = await waitForOperation(emulator, complete.body.name);
    assert.ok(took(completed) >= 300 && took(completed) < 1000, `complete took ${took(completed)} ms`);
  });

  it('POST /_emulator/durations changes durations at run time; DELETE restores the start-up ones', async () => {
    const changed = await admin(emulator, 'durations', { 'services.patch': 250, default: 10 });
    assert.deepEqual(changed, {
      default: 10,
      'services.completeMigration': 300,
      replication: 1000,
      'services.patch': 250,
    });
    const service = await seedSpannerService(emulator);
    const patch = await call(emulator, 'PATCH', `/v1/${service}?updateMask=labels`, { labels: { a: 'b' } });
    assert.ok(took(await waitForOperation(emulator, patch.body.name)) >= 250);
    const reset = await admin(emulator, 'durations', undefined, 'DELETE');
    assert.deepEqual(reset, { default: 20, 'services.completeMigration': 300, replication: 1000 });
    const bad = await call(emulator, 'POST', '/_emulator/durations', { 'services.get': 5 });
    assert.equal(bad.status, 400);
  });

  it('replication wins over services.startMigration; services.startMigration alone sets the start time', async () => {
    const own = await startEmulator({ operationDelayMs: 10, durations: { 'services.startMigration': 200 } });
    try {
      const service = await seedSpannerService(own);
      assert.ok(took(await waitForOperation(own, (await startMigration(own, service)).body.name)) >= 200);
      assert.equal((await admin(own, 'durations')).replication, undefined);
    } finally {
      await own.close();
    }
  });
});
