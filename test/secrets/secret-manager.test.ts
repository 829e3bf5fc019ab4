// Secret Manager references resolved over real HTTP (a tiny stand-in server on 127.0.0.1), through the same
// resolver the activities use: found, missing, denied, flaky, and no value in any message.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PassThroughClient } from 'google-auth-library';
import { createSecretManagerAccess } from '../../src/secrets/secret-manager';
import { SecretUnresolvedError, createSecretResolver } from '../../src/secrets/resolver';

const VALUE = 'sm-secret-value-41c2';
let server: Server;
let baseUrl: string;

before(async () => {
  server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/v1/projects/p/secrets/hive/versions/3:access') {
      return reply(200, {
        name: 'projects/123/secrets/hive/versions/3',
        payload: { data: Buffer.from(VALUE).toString('base64') },
      });
    }
    if (req.url === '/v1/projects/p/secrets/denied/versions/latest:access') {
      return reply(403, { error: { code: 403, message: 'denied', status: 'PERMISSION_DENIED' } });
    }
    if (req.url === '/v1/projects/p/secrets/flaky/versions/1:access') {
      return reply(503, { error: { code: 503, message: 'try later', status: 'UNAVAILABLE' } });
    }
    return reply(404, { error: { code: 404, message: 'not found', status: 'NOT_FOUND' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function resolver() {
  return createSecretResolver({}, createSecretManagerAccess({ baseUrl, authClient: new PassThroughClient() }), {
    env: [],
    projects: ['p', 'test-project', '123'],
  });
}

describe('Secret Manager references', () => {
  it('resolves a version through :access and decodes the payload', async () => {
    assert.equal(await resolver()('projects/p/secrets/hive/versions/3', 'x.password'), VALUE);
  });

  it('reports a missing or denied version as unresolvable, naming field and reference', async () => {
    for (const [ref, reason] of [
      ['projects/p/secrets/nope/versions/1', /does not exist/],
      ['projects/p/secrets/denied/versions/latest', /may not access/],
    ] as const) {
      const err = await resolver()(ref, 'cdcConfig.password').then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof SecretUnresolvedError);
      assert.match(err.message, /^cdcConfig\.password: /);
      assert.ok(err.message.includes(ref));
      assert.match(err.message, reason);
    }
  });

  it('leaves a 5xx as a plain (retryable) error', async () => {
    const err = await resolver()('projects/p/secrets/flaky/versions/1', 'f').then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error && !(err instanceof SecretUnresolvedError));
  });

  it('refuses a Secret Manager reference when the worker has no access configured', async () => {
    await assert.rejects(
      createSecretResolver({}, undefined, { env: [], projects: ['p'] })('projects/p/secrets/hive/versions/3', 'f'),
      SecretUnresolvedError,
    );
  });
});
