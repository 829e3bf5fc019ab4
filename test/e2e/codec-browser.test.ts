// The codec server's token in a real browser (Debian's headless Chromium through puppeteer-core), as the Web UI
// with TEMPORAL_CODEC_INCLUDE_CREDENTIALS uses it: a page of the UI's origin calls /decode with credentials
// 'include'; refused until the user has opened the codec server once and entered the token, then decoded.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Browser, launchChromium } from '../helpers/chromium';
import { AesGcmCodec } from '../../src/codec';
import { startCodecServer } from '../../src/codec/codec-server';
import type { CodecServer } from '../../src/codec/codec-server';

const TOKEN = randomBytes(32).toString('hex');
const codec = new AesGcmCodec({ keys: [{ id: 'k1', key: randomBytes(32) }], encryptionKeyId: 'k1' });

let ui: Server;
let uiOrigin: string;
let server: CodecServer;
let browser: Browser;

before(async () => {
  // Stands in for the Web UI: any page of the allowed origin.
  ui = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>ui</title>');
  });
  await new Promise<void>((resolve) => ui.listen(0, '127.0.0.1', resolve));
  uiOrigin = `http://127.0.0.1:${(ui.address() as AddressInfo).port}`;
  server = await startCodecServer({ codec, auth: { token: TOKEN }, corsOrigins: [uiOrigin] });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  ui?.close();
});

describe('codec server token in a browser', () => {
  it('decodes for the UI’s page only after the user entered the token at the codec server', async () => {
    const [encrypted] = await codec.encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') },
    ]);
    // Temporal's JSON form: metadata values and data in base64.
    const base64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');
    const metadata = Object.entries(encrypted?.metadata ?? {}).map(([key, value]) => [key, base64(value)]);
    const wire = { metadata: Object.fromEntries(metadata), data: base64(encrypted?.data) };
    const page = await browser.newPage();
    // What the Web UI does with includeCredentials: a cross-origin POST with credentials 'include'. As a string:
    // this project's TypeScript has no DOM types.
    const decode = () =>
      page.evaluate(
        `fetch(${JSON.stringify(`${server.url}/decode`)}, {
          method: 'POST', credentials: 'include',
          headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
          body: ${JSON.stringify(JSON.stringify({ payloads: [wire] }))},
        }).then(async (r) => ({ status: r.status, body: await r.text() }))`,
      ) as Promise<{ status: number; body: string }>;

    await page.goto(uiOrigin);
    const refused = await decode();
    assert.equal(refused.status, 401);
    assert.doesNotMatch(refused.body, /payloads/);

    // The user opens the codec server and answers the browser's prompt: any user name, the token as password.
    await page.authenticate({ username: 'operator', password: TOKEN });
    assert.equal((await page.goto(`${server.url}/`))?.status(), 200);
    await page.authenticate(null);

    await page.goto(uiOrigin);
    const decoded = await decode();
    assert.equal(decoded.status, 200);
    const payload = (JSON.parse(decoded.body) as { payloads: { data: string }[] }).payloads[0];
    assert.equal(Buffer.from(payload?.data ?? '', 'base64').toString(), '"x"');
  });
});
