import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Emulator,
  admin,
  call,
  seedSpannerService,
  startEmulator,
  startMigration,
  validStartRequest,
  waitForOperation,
} from '../helpers/emulator';

// Long enough that a test can reliably observe the transitional states (UPDATING, CANCELLING, CUTOVER…).
const OBSERVABLE_DELAY_MS = 300;

describe('admin API', () => {
  let emulator: Emulator;
  const get = (name: string) => call(emulator, 'GET', `/v1/${name}`);

  /** A service with a RUNNING migration; returns both names. */
  async function running(): Promise<{ service: string; execution: string }> {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    const op = await waitForOperation(emulator, started.body.name);
    return { service, execution: op.response.name };
  }

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: OBSERVABLE_DELAY_MS });
  });
  after(() => emulator.close());

  it('reports health', async () => {
    assert.deepEqual(await admin(emulator, 'health'), { ok: true });
  });

  it('seeds a service ACTIVE at once and refuses a duplicate or malformed name', async () => {
    const name = 'projects/admin-project/locations/us-central1/services/seeded';
    const seeded = await admin(emulator, 'services', { name, databaseType: 'SPANNER' });
    assert.equal(seeded.state, 'ACTIVE');
    assert.equal((await get(name)).body.uid, seeded.uid);
    assert.equal((await call(emulator, 'POST', '/_emulator/services', { name })).status, 409);
    assert.equal((await call(emulator, 'POST', '/_emulator/services', { name: 'services/x' })).status, 400);
  });

  it('seeds from a name alone a service a migration can start on; explicit fields win; services.create keeps MYSQL', async () => {
    const name = 'projects/admin-project/locations/us-central1/services/name-only';
    const seeded = await admin(emulator, 'services', { name });
    assert.deepEqual(
      [seeded.state, seeded.databaseType, seeded.hiveMetastoreConfig?.version],
      ['ACTIVE', 'SPANNER', '3.1.2'],
    );
    const started = await startMigration(emulator, name);
    assert.equal(started.status, 200, started.text);

    const mysqlName = 'projects/admin-project/locations/us-central1/services/explicit-mysql';
    const explicit = await admin(emulator, 'services', {
      name: mysqlName,
      databaseType: 'MYSQL',
      hiveMetastoreConfig: { version: '2.3.6' },
      tier: 'ENTERPRISE',
    });
    assert.deepEqual(
      [explicit.databaseType, explicit.hiveMetastoreConfig.version, explicit.tier],
      ['MYSQL', '2.3.6', 'ENTERPRISE'],
    );
    const refused = await startMigration(emulator, mysqlName);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.details[0].reason, 'DATABASE_TYPE_NOT_SPANNER');

    // The public API keeps Google's default: a service created with an empty body is MYSQL.
    const parent = 'projects/admin-project/locations/us-central1';
    const created = await call(emulator, 'POST', `/v1/${parent}/services?serviceId=rest-default`, {});
    assert.equal((await waitForOperation(emulator, created.body.name)).response.databaseType, 'MYSQL');
  });

  it('fails an execution: FAILED with stateMessage and endTime, service ACTIVE', async () => {
    const { service, execution } = await running();
    await admin(emulator, 'executions:fail', { name: execution, stateMessage: 'Datastream lost the binlog' });
    const failed = (await get(execution)).body;
    assert.deepEqual([failed.state, failed.stateMessage], ['FAILED', 'Datastream lost the binlog']);
    assert.ok(failed.endTime);
    assert.equal((await get(service)).body.state, 'ACTIVE');
    const again = await call(emulator, 'POST', '/_emulator/executions:fail', { name: execution });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.status, 'FAILED_PRECONDITION');
  });

  it('cancels an execution as the Cloud console would: CANCELLING, then CANCELLED, service ACTIVE', async () => {
    const { service, execution } = await running();
    const op = await admin(emulator, 'executions:cancel', { name: execution });
    assert.equal((await get(execution)).body.state, 'CANCELLING');
    await waitForOperation(emulator, op.name);
    assert.equal((await get(execution)).body.state, 'CANCELLED');
    assert.equal((await get(service)).body.state, 'ACTIVE');
  });

  it('moves an execution to AWAITING_USER_ACTION and back', async () => {
    const { execution } = await running();
    await admin(emulator, 'executions:awaitUserAction', { name: execution, stateMessage: 'grant REPLICATION SLAVE' });
    const waiting = (await get(execution)).body;
    assert.deepEqual([waiting.state, waiting.stateMessage], ['AWAITING_USER_ACTION', 'grant REPLICATION SLAVE']);
    await admin(emulator, 'executions:resume', { name: execution });
    assert.equal((await get(execution)).body.state, 'RUNNING');
  });

  it('removes a service and its executions at once', async () => {
    const { service, execution } = await running();
    assert.deepEqual(await admin(emulator, 'services:remove', { name: service }), {});
    assert.equal((await get(service)).status, 404);
    assert.equal((await get(execution)).status, 404);
    assert.equal((await call(emulator, 'POST', '/_emulator/services:remove', { name: service })).status, 404);
  });

  it('answers unknown admin paths with 404 and bad bodies with 400', async () => {
    assert.equal((await call(emulator, 'GET', '/_emulator/nothing')).status, 404);
    assert.equal((await call(emulator, 'POST', '/_emulator/executions:fail', { nom: 'x' })).status, 400);
  });
});

describe('admin faults and stats', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  it('delayResponseMs applies the request, then holds the response back', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'faults', { method: 'services.startMigration', delayResponseMs: 300 });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 100);
    await assert.rejects(
      fetch(`${emulator.url}/v1/${service}:startMigration`, {
        method: 'POST',
        body: JSON.stringify(validStartRequest()),
        signal: controller.signal,
      }),
      { name: 'AbortError' },
    );
    clearTimeout(timer);
    assert.equal(
      (await call(emulator, 'GET', `/v1/${service}`)).body.state,
      'MIGRATING',
      'applied despite the timeout',
    );
    const list = await call(emulator, 'GET', `/v1/${service}/migrationExecutions`);
    assert.equal(list.body.migrationExecutions.length, 1);
  });

  it('a delayed response still arrives with the result when the client waits', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'faults', { method: 'services.get', delayResponseMs: 100 });
    const started = Date.now();
    const response = await call(emulator, 'GET', `/v1/${service}`);
    assert.equal(response.status, 200);
    assert.ok(Date.now() - started >= 90);
  });

  it('error faults answer without applying, for `count` requests, and are counted', async () => {
    const service = await seedSpannerService(emulator);
    const before = await admin(emulator, 'stats');
    await admin(emulator, 'faults', {
      method: 'services.startMigration',
      count: 2,
      error: { status: 'UNAVAILABLE', message: 'try later', retryAfterSeconds: 2 },
    });
    for (let i = 0; i < 2; i += 1) {
      const response = await startMigration(emulator, service);
      assert.equal(response.status, 503);
      assert.deepEqual([response.body.error.status, response.body.error.message], ['UNAVAILABLE', 'try later']);
      assert.equal(response.headers.get('retry-after'), '2');
    }
    assert.equal((await call(emulator, 'GET', `/v1/${service}`)).body.state, 'ACTIVE', 'not applied');
    assert.equal((await startMigration(emulator, service)).status, 200, 'the third request goes through');
    const stats = await admin(emulator, 'stats');
    assert.equal(stats.requests['services.startMigration'] - (before.requests['services.startMigration'] ?? 0), 3);
    assert.equal(stats.faults['services.startMigration'] - (before.faults['services.startMigration'] ?? 0), 2);
  });

  it('takes an explicit httpStatus, and DELETE /_emulator/faults clears armed faults', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'faults', {
      method: 'services.get',
      error: { status: 'RESOURCE_EXHAUSTED', httpStatus: 429 },
    });
    const limited = await call(emulator, 'GET', `/v1/${service}`);
    assert.deepEqual([limited.status, limited.body.error.status], [429, 'RESOURCE_EXHAUSTED']);
    await admin(emulator, 'faults', { method: 'operations.get', count: 5, error: { status: 'INTERNAL' } });
    await admin(emulator, 'faults', undefined, 'DELETE');
    assert.deepEqual((await admin(emulator, 'faults')).faults, []);
    const started = await startMigration(emulator, service);
    assert.equal((await call(emulator, 'GET', `/v1/${started.body.name}`)).status, 200);
  });

  it('refuses a fault for an unknown method or with neither error nor delay', async () => {
    assert.equal(
      (await call(emulator, 'POST', '/_emulator/faults', { method: 'services.explode', delayResponseMs: 1 })).status,
      400,
    );
    assert.equal((await call(emulator, 'POST', '/_emulator/faults', { method: 'services.get' })).status, 400);
  });
});
