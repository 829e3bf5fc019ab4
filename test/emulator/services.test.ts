import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type Emulator,
  admin,
  call,
  seedSpannerService,
  startEmulator,
  startMigration,
  waitForOperation,
} from '../helpers/emulator';

// Long enough that a test can reliably observe the transitional states (UPDATING, CANCELLING, CUTOVER…).
const OBSERVABLE_DELAY_MS = 300;

describe('services.patch', () => {
  let emulator: Emulator;
  const patch = (service: string, query: string, body: unknown) =>
    call(emulator, 'PATCH', `/v1/${service}?${query}`, body);
  const get = async (service: string) => (await call(emulator, 'GET', `/v1/${service}`)).body;

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: OBSERVABLE_DELAY_MS });
  });
  after(() => emulator.close());

  it('changes only the masked path, UPDATING until the operation finishes, then ACTIVE', async () => {
    const service = await seedSpannerService(emulator);
    const before = await get(service);
    const response = await patch(service, 'updateMask=scheduledBackup.enabled', {
      scheduledBackup: { enabled: false, cronSchedule: '5 5 * * *' },
      tier: 'DEVELOPER',
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.metadata.verb, 'update');
    assert.equal((await get(service)).state, 'UPDATING');
    const op = await waitForOperation(emulator, response.body.name);
    assert.equal(op.response['@type'], 'type.googleapis.com/google.cloud.metastore.v1.Service');
    const after = await get(service);
    assert.equal(after.state, 'ACTIVE');
    assert.deepEqual(after.scheduledBackup, { ...before.scheduledBackup, enabled: false });
    assert.equal(after.tier, 'ENTERPRISE');
  });

  it('accepts snake_case mask paths and clears a listed path that has no value', async () => {
    const service = await seedSpannerService(emulator);
    const response = await patch(service, 'update_mask=scheduled_backup.enabled,scheduled_backup.time_zone', {
      scheduledBackup: { enabled: false },
    });
    assert.equal(response.status, 200, response.text);
    await waitForOperation(emulator, response.body.name);
    const backup = (await get(service)).scheduledBackup;
    assert.equal(backup.enabled, false);
    assert.equal(backup.timeZone, undefined);
    assert.equal(backup.cronSchedule, '0 3 * * *');
  });

  it('restores a whole scheduledBackup with updateMask=scheduledBackup', async () => {
    const service = await seedSpannerService(emulator, { scheduledBackup: { enabled: false } });
    const scheduledBackup = { enabled: true, cronSchedule: '0 4 * * *', timeZone: 'UTC', backupLocation: 'gs://b/x' };
    const response = await patch(service, 'updateMask=scheduledBackup', { scheduledBackup });
    await waitForOperation(emulator, response.body.name);
    assert.deepEqual((await get(service)).scheduledBackup, scheduledBackup);
  });

  it('refuses a missing mask, unknown and immutable paths with INVALID_ARGUMENT naming the path', async () => {
    const service = await seedSpannerService(emulator);
    const missing = await patch(service, '', { tier: 'DEVELOPER' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error.message, /updateMask/);
    for (const path of ['scheduledBackup.enabeld', 'databaseType', 'hive_metastore_config.version', 'state']) {
      const response = await patch(service, `updateMask=${path}`, {});
      assert.equal(response.status, 400, path);
      assert.equal(response.body.error.status, 'INVALID_ARGUMENT');
      assert.ok(response.body.error.message.includes(path), response.body.error.message);
    }
    assert.equal((await get(service)).state, 'ACTIVE');
  });

  it('refuses to enable scheduled backups without a cronSchedule', async () => {
    const service = await seedSpannerService(emulator, { scheduledBackup: { enabled: false } });
    const response = await patch(service, 'updateMask=scheduledBackup.enabled', { scheduledBackup: { enabled: true } });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.status, 'INVALID_ARGUMENT');
    assert.match(response.body.error.message, /cronSchedule/);
  });

  it('refuses a patch while the service is UPDATING with FAILED_PRECONDITION', async () => {
    const service = await seedSpannerService(emulator);
    const first = await patch(service, 'updateMask=labels', { labels: { a: 'b' } });
    assert.equal(first.status, 200);
    const second = await patch(service, 'updateMask=labels', { labels: { c: 'd' } });
    assert.equal(second.status, 400);
    assert.equal(second.body.error.status, 'FAILED_PRECONDITION');
    assert.equal((await startMigration(emulator, service)).body.error.status, 'FAILED_PRECONDITION');
  });

  it('patches a MIGRATING service, which stays MIGRATING', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    await waitForOperation(emulator, started.body.name);
    const response = await patch(service, 'updateMask=scheduledBackup.enabled', {
      scheduledBackup: { enabled: false },
    });
    assert.equal(response.status, 200);
    assert.equal((await get(service)).state, 'MIGRATING');
    await waitForOperation(emulator, response.body.name);
    const after = await get(service);
    assert.equal(after.state, 'MIGRATING');
    assert.equal(after.scheduledBackup.enabled, false);
  });

  it('returns the original operation for a repeated requestId', async () => {
    const service = await seedSpannerService(emulator);
    const requestId = randomUUID();
    const query = `updateMask=scheduledBackup.enabled&requestId=${requestId}`;
    const first = await patch(service, query, { scheduledBackup: { enabled: false } });
    await waitForOperation(emulator, first.body.name);
    const retry = await patch(service, query, { scheduledBackup: { enabled: false } });
    assert.equal(retry.status, 200);
    assert.equal(retry.body.name, first.body.name);
    const bad = await patch(service, 'updateMask=labels&requestId=abc', {});
    assert.equal(bad.status, 400);
  });
});

describe('services create, get, list and delete', () => {
  let emulator: Emulator;
  const parent = 'projects/123456789/locations/europe-west1';
  before(async () => {
    emulator = await startEmulator({ operationDelayMs: OBSERVABLE_DELAY_MS });
  });
  after(() => emulator.close());

  it('creates a service: CREATING, then ACTIVE; the project number is kept as given', async () => {
    const created = await call(emulator, 'POST', `/v1/${parent}/services?serviceId=made`, {
      databaseType: 'SPANNER',
      tier: 'ENTERPRISE',
    });
    assert.equal(created.status, 200);
    assert.ok(created.body.name.startsWith(`${parent}/operations/operation-`));
    assert.equal(created.body.metadata.verb, 'create');
    assert.equal((await call(emulator, 'GET', `/v1/${parent}/services/made`)).body.state, 'CREATING');
    const op = await waitForOperation(emulator, created.body.name);
    assert.equal(op.response.name, `${parent}/services/made`);
    assert.equal(op.response.state, 'ACTIVE');
    const duplicate = await call(emulator, 'POST', `/v1/${parent}/services?serviceId=made`, {});
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.error.status, 'ALREADY_EXISTS');
    const badId = await call(emulator, 'POST', `/v1/${parent}/services?serviceId=9x`, {});
    assert.equal(badId.status, 400);
  });

  it('lists services of a location with paging', async () => {
    const location = 'projects/list-project/locations/us-east1';
    for (const id of ['a1', 'b2', 'c3']) await admin(emulator, 'services', { name: `${location}/services/${id}` });
    const first = await call(emulator, 'GET', `/v1/${location}/services?pageSize=2`);
    assert.equal(first.body.services.length, 2);
    const second = await call(
      emulator,
      'GET',
      `/v1/${location}/services?pageSize=2&pageToken=${first.body.nextPageToken}`,
    );
    assert.deepEqual(
      second.body.services.map((s: { name: string }) => s.name),
      [`${location}/services/c3`],
    );
    assert.equal(second.body.nextPageToken, undefined);
  });

  it('deletes a service (DELETING, then 404) but refuses while it is MIGRATING', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    const refused = await call(emulator, 'DELETE', `/v1/${service}`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.status, 'FAILED_PRECONDITION');
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    await waitForOperation(emulator, started.body.name);
    await waitForOperation(emulator, cancel.body.name);
    const deleted = await call(emulator, 'DELETE', `/v1/${service}`);
    assert.equal(deleted.status, 200);
    assert.equal((await call(emulator, 'GET', `/v1/${service}`)).body.state, 'DELETING');
    await waitForOperation(emulator, deleted.body.name);
    assert.equal((await call(emulator, 'GET', `/v1/${service}`)).status, 404);
    assert.equal((await call(emulator, 'GET', `/v1/${started.body.metadata.target}`)).status, 404);
  });
});
