import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiErrorBodySchema } from '../../src/schemas';
import { type Emulator, type JsonResponse, admin, call, seedSpannerService, startEmulator } from '../helpers/emulator';

const TOKEN = 'rehearsal-token-6c1d';

function errorInfo(response: JsonResponse) {
  ApiErrorBodySchema.parse(response.body);
  return response.body.error.details.find(
    (detail: { '@type': string }) => detail['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo',
  );
}

describe('--require-token', () => {
  let emulator: Emulator;
  let service: string;
  before(async () => {
    emulator = await startEmulator({ requireToken: TOKEN });
    service = await seedSpannerService(emulator); // the admin API needs no token
  });
  after(() => emulator.close());

  it('answers 401 UNAUTHENTICATED without a token, in the google.rpc shape with ErrorInfo', async () => {
    const response = await call(emulator, 'GET', `/v1/${service}`);
    assert.equal(response.status, 401);
    assert.deepEqual([response.body.error.code, response.body.error.status], [401, 'UNAUTHENTICATED']);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="https://accounts.google.com/"');
    const info = errorInfo(response);
    assert.deepEqual([info.reason, info.domain], ['CREDENTIALS_MISSING', 'googleapis.com']);
    const notBearer = await call(emulator, 'GET', `/v1/${service}`, undefined, { authorization: `Basic ${TOKEN}` });
    assert.equal(notBearer.status, 401);
  });

  it('answers 403 PERMISSION_DENIED for a wrong token, naming the permission', async () => {
    const response = await call(
      emulator,
      'POST',
      `/v1/${service}:startMigration`,
      {},
      { authorization: 'Bearer nope' },
    );
    assert.equal(response.status, 403);
    assert.deepEqual([response.body.error.code, response.body.error.status], [403, 'PERMISSION_DENIED']);
    const info = errorInfo(response);
    assert.equal(info.reason, 'IAM_PERMISSION_DENIED');
    assert.equal(info.metadata.permission, 'metastore.migrations.start');
    assert.match(response.body.error.message, /metastore\.migrations\.start/);
    assert.equal((await call(emulator, 'GET', `/v1/${service}`, undefined, bearer(TOKEN))).body.state, 'ACTIVE');
  });

  it('serves the right token, by header or access_token parameter', async () => {
    assert.equal((await call(emulator, 'GET', `/v1/${service}`, undefined, bearer(TOKEN))).status, 200);
    assert.equal((await call(emulator, 'GET', `/v1/${service}?access_token=${TOKEN}`)).status, 200);
  });

  it('checks auth before faults and still counts the request', async () => {
    await admin(emulator, 'faults', { method: 'services.get', error: { status: 'UNAVAILABLE' } });
    const before = await admin(emulator, 'stats');
    assert.equal((await call(emulator, 'GET', `/v1/${service}`)).status, 401);
    assert.equal((await call(emulator, 'GET', `/v1/${service}`, undefined, bearer(TOKEN))).status, 503);
    const stats = await admin(emulator, 'stats');
    assert.equal(stats.requests['services.get'] - (before.requests['services.get'] ?? 0), 2);
  });

  it('testIamPermissions: the right token holds every permission asked about, a wrong one none', async () => {
    const permissions = ['metastore.migrations.start', 'metastore.services.update'];
    const path = `/v1/${service}:testIamPermissions`;
    assert.deepEqual((await call(emulator, 'POST', path, { permissions }, bearer(TOKEN))).body, { permissions });
    const wrong = await call(emulator, 'POST', path, { permissions }, bearer('nope'));
    assert.deepEqual([wrong.status, wrong.body], [200, {}]);
    assert.equal((await call(emulator, 'POST', path, { permissions })).status, 401);
  });
});

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
