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

describe('operation faults', () => {
  let emulator: Emulator;
  const patchBackups = (service: string) =>
    call(emulator, 'PATCH', `/v1/${service}?updateMask=scheduledBackup.enabled`, {
      scheduledBackup: { enabled: false },
    });

  /** A service whose migration is RUNNING; returns both names. */
  async function running(): Promise<{ service: string; execution: string }> {
    const service = await seedSpannerService(emulator);
    const op = await waitForOperation(emulator, (await startMigration(emulator, service)).body.name);
    return { service, execution: op.response.name };
  }

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 30 });
  });
  after(() => emulator.close());

  it('neverFinish: the next start stays STARTING with its operation not done; later starts are normal', async () => {
    await admin(emulator, 'operation-faults', { method: 'services.startMigration', neverFinish: true });
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    // Well past the 30 ms duration: a later operation on another service finishes while this one does not.
    const other = await seedSpannerService(emulator);
    await waitForOperation(emulator, (await startMigration(emulator, other)).body.name);
    const op = await getResource(emulator, started.body.name);
    assert.equal(op.done, false);
    assert.equal((await getResource(emulator, started.body.metadata.target)).state, 'STARTING');
    const stats = await admin(emulator, 'stats');
    assert.equal(stats.faultsByKind.neverFinish, 1);
    assert.equal(stats.faults['services.startMigration'], 1);
    // The way out is the same as for a real stuck start: cancel the migration.
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    await waitForOperation(emulator, cancel.body.name);
    assert.equal((await getResource(emulator, started.body.metadata.target)).state, 'CANCELLED');
  });

  it('failWith on start: the operation ends with that code, the execution FAILED with the message', async () => {
    await admin(emulator, 'operation-faults', {
      method: 'services.startMigration',
      failWith: { status: 'PERMISSION_DENIED', message: 'Datastream cannot reach the proxy subnet' },
    });
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    const op = await waitForOperation(emulator, started.body.name);
    assert.deepEqual(op.error, { code: 7, message: 'Datastream cannot reach the proxy subnet' });
    assert.equal(op.metadata.statusMessage, 'Datastream cannot reach the proxy subnet');
    const execution = await getResource(emulator, started.body.metadata.target);
    assert.deepEqual([execution.state, execution.stateMessage], ['FAILED', 'Datastream cannot reach the proxy subnet']);
    assert.ok(execution.endTime);
    assert.equal((await getResource(emulator, service)).state, 'ACTIVE');
  });

  it('failWith on complete: the cutover fails and the migration is back in REPLICATION', async () => {
    const { service, execution } = await running();
    await admin(emulator, 'operation-faults', {
      method: 'services.completeMigration',
      failWith: { status: 'ABORTED' },
    });
    const complete = await call(emulator, 'POST', `/v1/${service}:completeMigration`, {});
    const op = await waitForOperation(emulator, complete.body.name);
    assert.equal(op.error.code, 10);
    const current = await getResource(emulator, execution);
    assert.deepEqual([current.state, current.phase], ['RUNNING', 'REPLICATION']);
    const again = await call(emulator, 'POST', `/v1/${service}:completeMigration`, {});
    assert.ok((await waitForOperation(emulator, again.body.name)).response, 'a retry succeeds');
    assert.equal((await getResource(emulator, execution)).state, 'SUCCEEDED');
  });

  it('failWith on cancel leaves the migration RUNNING; on patch leaves the service unchanged', async () => {
    const { service, execution } = await running();
    await admin(emulator, 'operation-faults', { method: 'services.cancelMigration', failWith: { status: 'INTERNAL' } });
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    assert.equal((await waitForOperation(emulator, cancel.body.name)).error.code, 13);
    assert.equal((await getResource(emulator, execution)).state, 'RUNNING');

    const other = await seedSpannerService(emulator);
    await admin(emulator, 'operation-faults', { method: 'services.patch', failWith: { status: 'UNAVAILABLE' } });
    const patched = await patchBackups(other);
    assert.equal((await waitForOperation(emulator, patched.body.name)).error.code, 14);
    const after = await getResource(emulator, other);
    assert.deepEqual([after.state, after.scheduledBackup.enabled], ['ACTIVE', true]);
  });

  it("a standing rule (rate 1) on '*' fails every operation until cleared", async () => {
    await admin(emulator, 'operation-faults', { method: '*', rate: 1, failWith: { status: 'INTERNAL', message: 'x' } });
    const service = await seedSpannerService(emulator);
    for (let i = 0; i < 2; i += 1) {
      const op = await waitForOperation(emulator, (await patchBackups(service)).body.name);
      assert.equal(op.error.code, 13);
    }
    assert.equal((await admin(emulator, 'operation-faults')).operationFaults.length, 1);
    await admin(emulator, 'operation-faults', undefined, 'DELETE');
    assert.ok((await waitForOperation(emulator, (await patchBackups(service)).body.name)).response);
  });

  it('failWith on services.create leaves the service in ERROR with the message', async () => {
    await admin(emulator, 'operation-faults', {
      method: 'services.create',
      failWith: { status: 'RESOURCE_EXHAUSTED', message: 'Spanner quota exceeded' },
    });
    const parent = 'projects/op-faults/locations/us-central1';
    const created = await call(emulator, 'POST', `/v1/${parent}/services?serviceId=quota`, { databaseType: 'SPANNER' });
    assert.equal((await waitForOperation(emulator, created.body.name)).error.code, 8);
    const service = await waitForState(emulator, `${parent}/services/quota`, 'ERROR');
    assert.equal(service.stateMessage, 'Spanner quota exceeded');
  });

  it('refuses a fault with both or neither of neverFinish and failWith, or a method without an operation', async () => {
    for (const body of [
      { method: 'services.patch' },
      { method: 'services.patch', neverFinish: true, failWith: { status: 'INTERNAL' } },
      { method: 'services.get', neverFinish: true },
    ]) {
      const response = await call(emulator, 'POST', '/_emulator/operation-faults', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error.status, 'INVALID_ARGUMENT');
    }
  });
});
