// IAM denials and Secret Manager versions over HTTP: testIamPermissions leaves out denied permissions, a
// denied method answers 403 in google.rpc shape, and :access returns the versions the admin API added.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../helpers/emulator';
import { admin, call, seedSpannerService, startEmulator } from '../helpers/emulator';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator();
});
after(() => emulator.close());

describe('IAM denials', () => {
  it('drops denied permissions from testIamPermissions and refuses the denied method with 403', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'iam', { denied: ['metastore.migrations.start'] });
    try {
      const asked = ['metastore.services.get', 'metastore.migrations.start'];
      const held = await call(emulator, 'POST', `/v1/${service}:testIamPermissions`, { permissions: asked });
      assert.deepEqual(held.body, { permissions: ['metastore.services.get'] });
      const start = await call(emulator, 'POST', `/v1/${service}:startMigration`, {});
      assert.equal(start.status, 403);
      assert.equal(start.body.error.status, 'PERMISSION_DENIED');
      assert.match(start.body.error.message, /metastore\.migrations\.start/);
      assert.equal((await call(emulator, 'GET', `/v1/${service}`)).status, 200, 'other methods still work');
    } finally {
      await admin(emulator, 'iam', undefined, 'DELETE');
    }
  });
});

describe('Secret Manager versions', () => {
  it('serves :access for numbered and latest versions, 404 for unknown ones', async () => {
    const secret = 'projects/test-project/secrets/cdc-password';
    assert.deepEqual(await admin(emulator, 'secrets', { secret, value: 'first' }), { name: `${secret}/versions/1` });
    await admin(emulator, 'secrets', { secret, value: 'second' });
    const decode = (body: { payload: { data: string } }) => Buffer.from(body.payload.data, 'base64').toString();
    const one = await call(emulator, 'GET', `/v1/${secret}/versions/1:access`);
    assert.equal(decode(one.body as never), 'first');
    const latest = await call(emulator, 'GET', `/v1/${secret}/versions/latest:access`);
    assert.equal(latest.body.name, `${secret}/versions/2`);
    assert.equal(decode(latest.body as never), 'second');
    const missing = await call(emulator, 'GET', `/v1/${secret}/versions/9:access`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.status, 'NOT_FOUND');
  });
});
