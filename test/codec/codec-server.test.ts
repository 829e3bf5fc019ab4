// The codec server over real HTTP on 127.0.0.1: the JSON payload protocol the Web UI and `temporal --codec-endpoint`
// speak, CORS for the Web UI's origin, the token (bearer or HTTP Basic) and the loopback-only opt-out.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { AesGcmCodec, ENCRYPTED_ENCODING } from '../../src/codec';
import { startCodecServer } from '../../src/codec/codec-server';
import type { CodecServer } from '../../src/codec/codec-server';

const UI_ORIGIN = 'http://127.0.0.1:8233';
const TOKEN = 'codec-token-5b1f0c9e27d4a8b3f6e1d0c9b8a7f6e5';
const codec = new AesGcmCodec({ keys: [{ id: 'k1', key: randomBytes(32) }], encryptionKeyId: 'k1' });

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

const unb64 = (text: string | undefined) => Buffer.from(text ?? '', 'base64').toString('utf8');

/** A payload in Temporal's JSON form (metadata values and data in base64), as the Web UI sends it. */
function toWire(payload: Payload | undefined): JsonPayload {
  const metadata = Object.entries(payload?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]);
  return { metadata: Object.fromEntries(metadata), data: Buffer.from(payload?.data ?? []).toString('base64') };
}

const jsonPayload = (value: unknown) => toWire(defaultPayloadConverter.toPayload(value));

let open: CodecServer;
let guarded: CodecServer;

before(async () => {
  [open, guarded] = await Promise.all([
    startCodecServer({ codec, port: 0, corsOrigins: [UI_ORIGIN], auth: { noAuthForLocalDev: true }, encode: true }),
    startCodecServer({ codec, port: 0, corsOrigins: [UI_ORIGIN], auth: { token: TOKEN }, encode: true }),
  ]);
});
after(async () => {
  await Promise.allSettled([open?.close(), guarded?.close()]);
});

async function post(server: CodecServer, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { response, body: (await response.json()) as { payloads?: JsonPayload[]; message?: string } };
}

/** A raw request, so that Host and Origin can be anything (fetch sets Host itself). */
function rawPost(server: CodecServer, path: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = httpRequest(`${server.url}${path}`, { method: 'POST', headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('codec server', () => {
  it('listens on 127.0.0.1 by default', () => {
    assert.match(open.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('encodes to binary/encrypted and decodes back to the original JSON payloads', async () => {
    const originals = [jsonPayload({ password: 'env:HIVE_DB_PASSWORD' }), jsonPayload('text'), jsonPayload(7)];
    const encoded = await post(open, '/encode', { payloads: originals });
    assert.equal(encoded.response.status, 200);
    assert.equal(encoded.body.payloads?.length, 3);
    for (const payload of encoded.body.payloads ?? []) {
      assert.equal(unb64(payload.metadata.encoding), ENCRYPTED_ENCODING);
      assert.equal(unb64(payload.metadata['encryption-key-id']), 'k1');
      assert.ok(!unb64(payload.data).includes('env:HIVE_DB_PASSWORD'));
    }
    const decoded = await post(open, '/decode', { payloads: encoded.body.payloads });
    assert.equal(decoded.response.status, 200);
    assert.deepEqual(decoded.body.payloads, originals);
    assert.match(decoded.response.headers.get('content-type') ?? '', /^application\/json/);
  });

  it('decodes payloads encrypted by the worker’s codec and passes plain ones through', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ stage: 'REPLICATION' })]);
    const plain = jsonPayload('already plain');
    const { body } = await post(open, '/decode', { payloads: [toWire(encrypted), plain] });
    assert.deepEqual(JSON.parse(unb64(body.payloads?.[0]?.data)), { stage: 'REPLICATION' });
    assert.deepEqual(body.payloads?.[1], plain);
  });

  it('answers a CORS preflight from the configured origin with the headers the Web UI sends', async () => {
    const response = await fetch(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), UI_ORIGIN);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(/,\s*/);
    assert.ok(allowed.includes('content-type') && allowed.includes('x-namespace'), allowed.join(','));

    const { response: post200 } = await post(open, '/decode', { payloads: [] }, { origin: UI_ORIGIN });
    assert.equal(post200.headers.get('access-control-allow-origin'), UI_ORIGIN);
  });

  it('refuses a preflight from another origin and sends it no CORS headers', async () => {
    const response = await fetch(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    const { response: post200 } = await post(open, '/decode', { payloads: [] }, { origin: 'http://evil.example' });
    assert.equal(post200.headers.get('access-control-allow-origin'), null);
  });

  it('requires the token, decoding nothing without it, and allows the authorization header in CORS', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload('guarded plaintext')]);
    const payloads = [toWire(encrypted)];
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const refused: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: basic('user', 'wrong') },
      { authorization: basic(TOKEN, '') },
      { authorization: TOKEN },
    ];
    for (const headers of refused) {
      const answer = await post(guarded, '/decode', { payloads }, { origin: UI_ORIGIN, ...headers });
      assert.equal(answer.response.status, 401, JSON.stringify(headers));
      assert.equal(answer.body.payloads, undefined);
      // A page's call gets no login prompt; the Web UI can read the refusal instead of seeing a CORS error.
      assert.equal(answer.response.headers.get('www-authenticate'), null);
      assert.equal(answer.response.headers.get('access-control-allow-origin'), UI_ORIGIN);
    }
    // A browser opened on the server itself (no Origin) is asked for the token.
    const login = await fetch(`${guarded.url}/`);
    assert.equal(login.status, 401);
    assert.match(login.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    // Before routing: an unauthenticated caller does not learn which paths exist.
    assert.equal((await post(guarded, '/elsewhere', { payloads })).response.status, 401);

    const ok = await post(guarded, '/decode', { payloads }, { authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.response.status, 200);
    assert.equal(JSON.parse(unb64(ok.body.payloads?.[0]?.data)), 'guarded plaintext');
    // A browser's cached Basic credentials (what the Web UI's "include credentials" sends): any user, token as password.
    const viaBasic = await post(guarded, '/decode', { payloads }, { authorization: basic('operator', TOKEN) });
    assert.equal(viaBasic.response.status, 200);
    const page = await fetch(`${guarded.url}/`, { headers: { authorization: basic('', TOKEN) } });
    assert.equal(page.status, 200, 'the page a browser opens to enter the token');

    const preflight = await fetch(`${guarded.url}/encode`, {
      method: 'OPTIONS',
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204, 'a preflight carries no token and is still answered');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
  });

  it('answers bad requests with 4xx and a message that quotes neither body nor keys', async () => {
    const notJson = await post(open, '/decode', '{"payloads": [secret-ish');
    assert.equal(notJson.response.status, 400);
    assert.ok(!notJson.body.message?.includes('secret-ish'));
    assert.equal((await post(open, '/decode', { wrong: true })).response.status, 400);
    assert.equal((await post(open, '/elsewhere', { payloads: [] })).response.status, 404);
    assert.equal((await fetch(`${open.url}/decode`)).status, 405);

    const other = new AesGcmCodec({ keys: [{ id: 'k9', key: randomBytes(32) }], encryptionKeyId: 'k9' });
    const [foreign] = await other.encode([defaultPayloadConverter.toPayload('x')]);
    const unknownKey = await post(open, '/decode', { payloads: [toWire(foreign)] });
    assert.equal(unknownKey.response.status, 400);
    assert.match(unknownKey.body.message ?? '', /key id k9/);
  });
});

describe('codec server against a hostile page', () => {
  const body = () => JSON.stringify({ payloads: [jsonPayload('x')] });
  const port = (server: CodecServer) => new URL(server.url).port;

  it('serves /decode only, unless told to encode', async () => {
    const decodeOnly = await startCodecServer({ codec, port: 0, auth: { token: TOKEN } });
    const authorization = `Bearer ${TOKEN}`;
    try {
      const body = { payloads: [jsonPayload('x')] };
      assert.equal((await post(decodeOnly, '/encode', body, { authorization })).response.status, 404);
      assert.equal((await post(decodeOnly, '/decode', body, { authorization })).response.status, 200);
    } finally {
      await decodeOnly.close();
    }
  });

  it('refuses a request addressed to another host name (DNS rebinding), before anything else', async () => {
    const headers = { host: `attacker.example:${port(open)}`, 'content-type': 'application/json' };
    const answer = await rawPost(open, '/decode', headers, body());
    assert.equal(answer.status, 421);
    const local = await rawPost(open, '/decode', { ...headers, host: `localhost:${port(open)}` }, body());
    assert.equal(local.status, 200, 'its own loopback names are answered');
  });

  it('refuses a POST from a page of an origin it does not list, and a body that is not JSON', async () => {
    const host = `127.0.0.1:${port(open)}`;
    const foreign = await rawPost(
      open,
      '/decode',
      { host, origin: 'https://evil.example', 'content-type': 'application/json' },
      body(),
    );
    assert.equal(foreign.status, 403);
    assert.doesNotMatch(foreign.text, /payloads/);
    // text/plain is what a page may POST without a preflight: refused, even from an allowed origin.
    const simple = await rawPost(open, '/decode', { host, origin: UI_ORIGIN, 'content-type': 'text/plain' }, body());
    assert.equal(simple.status, 415);
  });
});

describe('codec server authentication settings', () => {
  it('refuses to start without a token except on loopback, and with a weak token', async () => {
    for (const host of ['0.0.0.0', '::']) {
      await assert.rejects(
        startCodecServer({ codec, port: 0, host, auth: { noAuthForLocalDev: true } }),
        /without a token listens on a loopback address only/,
      );
    }
    for (const token of ['short-token', `${TOKEN} with spaces`, '']) {
      const err = await startCodecServer({ codec, port: 0, auth: { token } }).then(
        () => assert.fail('started with a weak token'),
        (e: unknown) => e as Error,
      );
      assert.match(err.message, /32-1024 printable ASCII/);
      if (token) assert.ok(!err.message.includes(token), 'the message does not quote the token');
    }
  });
});
