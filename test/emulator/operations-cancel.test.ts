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
  until,
  waitForOperation,
  waitForState,
} from '../helpers/emulator';

describe('operations.cancel and operations.delete', () => {
  // Long enough that the operations are still running when cancel arrives.
  let emulator: Emulator;
  const cancel = (op: string, body: unknown = {}) => call(emulator, 'POST', `/v1/${op}:cancel`, body);

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 60_000 });
  });
  after(() => emulator.close());

  it('cancels a running patch: {} back, then done with CANCELLED (1), requestedCancellation, not applied', async () => {
    const service = await seedSpannerService(emulator);
    const patch = await call(emulator, 'PATCH', `/v1/${service}?updateMask=scheduledBackup.enabled`, {
      scheduledBackup: { enabled: false },
    });
    assert.equal((await getResource(emulator, service)).state, 'UPDATING');
    const response = await cancel(patch.body.name);
    assert.deepEqual([response.status, response.body], [200, {}]);
    const op = await getResource(emulator, patch.body.name);
    assert.equal(op.done, true);
    assert.equal(op.error.code, 1);
    assert.equal(op.metadata.requestedCancellation, true);
    assert.ok(op.metadata.endTime);
    const after = await getResource(emulator, service);
    assert.deepEqual([after.state, after.scheduledBackup.enabled], ['ACTIVE', true]);
    // The service takes a new update at once.
    const next = await call(emulator, 'PATCH', `/v1/${service}?updateMask=labels`, { labels: { a: 'b' } });
    assert.equal(next.status, 200);
  });

  it('cancels a running create (the service is gone) and a running delete (the service is back)', async () => {
    const parent = 'projects/cancel-project/locations/us-central1';
    const created = await call(emulator, 'POST', `/v1/${parent}/services?serviceId=doomed`, {});
    await cancel(created.body.name);
    assert.equal((await getResource(emulator, created.body.name)).error.code, 1);
    assert.equal((await call(emulator, 'GET', `/v1/${parent}/services/doomed`)).status, 404);

    const service = await seedSpannerService(emulator, { state: 'SUSPENDED' });
    const deleted = await call(emulator, 'DELETE', `/v1/${service}`);
    assert.equal((await getResource(emulator, service)).state, 'DELETING');
    await cancel(deleted.body.name);
    assert.equal((await getResource(emulator, deleted.body.name)).error.code, 1);
    assert.equal((await getResource(emulator, service)).state, 'SUSPENDED');
  });

  it('a migration operation only records requestedCancellation and carries on (cancelMigration is the way)', async () => {
    const fast = await startEmulator({ operationDelayMs: 1000 });
    try {
      const service = await seedSpannerService(fast);
      const started = await startMigration(fast, service);
      assert.deepEqual((await call(fast, 'POST', `/v1/${started.body.name}:cancel`, {})).body, {});
      const pending = await getResource(fast, started.body.name);
      assert.deepEqual([pending.done, pending.metadata.requestedCancellation], [false, true]);
      const done = await waitForOperation(fast, started.body.name);
      assert.equal(done.response.state, 'RUNNING');
      assert.equal(done.metadata.requestedCancellation, true);
      // Cancelling a finished operation changes nothing.
      assert.deepEqual((await call(fast, 'POST', `/v1/${started.body.name}:cancel`, {})).body, {});
      assert.equal((await getResource(fast, started.body.name)).error, undefined);
    } finally {
      await fast.close();
    }
  });

  it('cancels an operation that would never finish (operation fault neverFinish)', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'operation-faults', { method: 'services.patch', neverFinish: true });
    const patch = await call(emulator, 'PATCH', `/v1/${service}?updateMask=labels`, { labels: { x: 'y' } });
    await cancel(patch.body.name);
    assert.equal((await getResource(emulator, patch.body.name)).error.code, 1);
    assert.equal((await getResource(emulator, service)).state, 'ACTIVE');
  });

  it('answers 404 for an unknown operation and 400 for a non-empty body', async () => {
    const service = await seedSpannerService(emulator);
    const location = service.split('/').slice(0, 4).join('/');
    assert.equal((await cancel(`${location}/operations/operation-1-feed`)).status, 404);
    const patch = await call(emulator, 'PATCH', `/v1/${service}?updateMask=labels`, { labels: {} });
    assert.equal((await cancel(patch.body.name, { force: true })).status, 400);
  });

  it('delete forgets the operation (404 afterwards) while its work still happens', async () => {
    const fast = await startEmulator({ operationDelayMs: 50 });
    try {
      const service = await seedSpannerService(fast);
      const patch = await call(fast, 'PATCH', `/v1/${service}?updateMask=labels`, { labels: { kept: 'yes' } });
      assert.deepEqual((await call(fast, 'DELETE', `/v1/${patch.body.name}`)).body, {});
      assert.equal((await call(fast, 'GET', `/v1/${patch.body.name}`)).status, 404);
      assert.equal((await call(fast, 'DELETE', `/v1/${patch.body.name}`)).status, 404);
      const updated = await until(
        () => getResource(fast, service),
        (body) => body.labels?.kept === 'yes',
      );
      assert.equal(updated.state, 'ACTIVE');
      await waitForState(fast, service, 'ACTIVE');
    } finally {
      await fast.close();
    }
  });
});
