// The Cloud Storage stand-in as the official client sees it: `@google-cloud/storage` pointed at the emulator's
// port (apiEndpoint, so no credentials are looked up or sent) creates, writes, lists, reads and deletes, and a
// report the emulated service writes through its ReportSink is read back the same way.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Storage } from '@google-cloud/storage';
import { createCore } from '../../src/emulator/core';
import { GcsReportSink } from '../../src/emulator/gcs/store';
import { serveSurface } from '../../src/emulator/surfaces';
import { admin, call, type Emulator, startEmulator } from '../helpers/emulator';

function client(url: string): Storage {
  // No retries: a refusal must reach the test as the first answer, not after backoff.
  return new Storage({ apiEndpoint: url, projectId: 'lake-project', retryOptions: { autoRetry: false } });
}

describe('Cloud Storage stand-in: the official client', () => {
  let emulator: Emulator;
  let storage: Storage;
  before(async () => {
    emulator = await startEmulator();
    storage = client(emulator.url);
    await admin(emulator, 'buckets', { name: 'reports-bucket', project: 'lake-project' });
  });
  after(() => emulator?.close());

  it('writes with a resumable and a multipart upload and reads the same bytes and checksums back', async () => {
    const bucket = storage.bucket('reports-bucket');
    const json = JSON.stringify({ summary: { dryRun: false }, text: 'naïve ☃' });
    await bucket.file('runs/a/report.json').save(json, { contentType: 'application/json' });
    const binary = Buffer.from([0, 1, 2, 253, 254, 255, 13, 10, 45, 45]);
    await bucket.file('runs/b/blob.bin').save(binary, { resumable: false, metadata: { metadata: { k: 'v' } } });

    const [text] = await bucket.file('runs/a/report.json').download();
    assert.equal(text.toString('utf8'), json);
    const [bytes] = await bucket.file('runs/b/blob.bin').download();
    assert.deepEqual(bytes, binary);
    const [meta] = await bucket.file('runs/a/report.json').getMetadata();
    assert.equal(meta.contentType, 'application/json');
    assert.equal(Number(meta.size), Buffer.byteLength(json));
    const [blobMeta] = await bucket.file('runs/b/blob.bin').getMetadata();
    assert.deepEqual(blobMeta.metadata, { k: 'v' });
  });

  it('lists by prefix and delimiter, across pages', async () => {
    const bucket = storage.bucket('reports-bucket');
    for (const name of ['list/x/1.json', 'list/x/2.json', 'list/y/1.json', 'list/top.json']) {
      await bucket.file(name).save('{}', { resumable: false });
    }
    // Page by page (2 a page): the client follows nextPageToken itself.
    const names: string[] = [];
    let query: object | null = { prefix: 'list/', maxResults: 2, autoPaginate: false };
    while (query) {
      const [files, next]: [{ name: string }[], object | null, unknown] = await bucket.getFiles(query);
      assert.ok(files.length <= 2);
      names.push(...files.map((f) => f.name));
      query = next;
    }
    assert.deepEqual(names, ['list/top.json', 'list/x/1.json', 'list/x/2.json', 'list/y/1.json']);
    const [top, , response] = await bucket.getFiles({ prefix: 'list/', delimiter: '/', autoPaginate: false });
    assert.deepEqual(
      top.map((f) => f.name),
      ['list/top.json'],
    );
    assert.deepEqual((response as { prefixes?: string[] }).prefixes, ['list/x/', 'list/y/']);
    // Paging by one entry with a delimiter: a prefix counts once and is not listed again on the next page.
    const entries: string[] = [];
    let byOne: object | null = { prefix: 'list/', delimiter: '/', maxResults: 1, autoPaginate: false };
    while (byOne) {
      const [files, next, raw]: [{ name: string }[], object | null, unknown] = await bucket.getFiles(byOne);
      entries.push(...files.map((f) => f.name), ...((raw as { prefixes?: string[] }).prefixes ?? []));
      byOne = next;
    }
    assert.deepEqual(entries, ['list/top.json', 'list/x/', 'list/y/']);
  });

  it('answers 404 for a missing bucket or object and deletes objects', async () => {
    assert.deepEqual(await storage.bucket('no-such-bucket').exists(), [false]);
    assert.deepEqual(await storage.bucket('reports-bucket').exists(), [true]);
    await assert.rejects(storage.bucket('reports-bucket').file('nope.json').download(), { code: 404 });
    await assert.rejects(storage.bucket('no-such-bucket').file('r.json').save('{}', { resumable: false }), {
      code: 404,
    });
    const file = storage.bucket('reports-bucket').file('gone.json');
    await file.save('{}', { resumable: false });
    await file.delete();
    assert.deepEqual(await file.exists(), [false]);
  });

  it('serves a client configured by STORAGE_EMULATOR_HOST (JSON API calls at the root, no /storage/v1)', async () => {
    // The client reads the variable in its constructor only: set it around that one call.
    process.env.STORAGE_EMULATOR_HOST = emulator.url;
    let viaEnv: Storage;
    try {
      viaEnv = new Storage({ projectId: 'lake-project', retryOptions: { autoRetry: false } });
    } finally {
      delete process.env.STORAGE_EMULATOR_HOST;
    }
    const file = viaEnv.bucket('reports-bucket').file('env/report.json');
    await file.save('{"via":"env"}', { contentType: 'application/json' });
    const [body] = await file.download();
    assert.equal(body.toString('utf8'), '{"via":"env"}');
    const [files] = await viaEnv.bucket('reports-bucket').getFiles({ prefix: 'env/' });
    assert.deepEqual(
      files.map((f) => f.name),
      ['env/report.json'],
    );
  });

  it('creates a bucket through the JSON API and refuses a bad name naming the field', async () => {
    const [bucket] = await storage.createBucket('made-by-client');
    assert.equal(bucket.name, 'made-by-client');
    await assert.rejects(storage.createBucket('made-by-client'), { code: 409 });
    const bad = await call(emulator, 'POST', '/storage/v1/b?project=lake-project', { name: 'Bad_Name!' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^name: /);
    const admins = await admin(emulator, 'buckets');
    assert.deepEqual(
      admins.buckets.map((b: { name: string }) => b.name),
      ['made-by-client', 'reports-bucket'],
    );
  });
});

describe('Cloud Storage stand-in: the ReportSink', () => {
  // The sink is the emulated service's side: a core of our own, served by the same surface code the emulator uses.
  const core = createCore({ delayMs: 10, seed: 1, runTransition: () => {} });
  const sink = new GcsReportSink(core.storage, () => {});
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((req, res) => {
      void serveSurface(core, req, res, new URL(req.url ?? '/', 'http://emulator'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('writes a report the official client reads back; refuses a missing bucket or a bad URI', async () => {
    core.storage.createBucket({ name: 'artifacts', project: 'p', location: 'US' });
    const report = JSON.stringify({ summary: { service: 'projects/p/locations/l/services/s' } });
    await sink.write('gs://artifacts/migrations/exec-1/report.json', report, 'application/json');
    const file = client(url).bucket('artifacts').file('migrations/exec-1/report.json');
    const [body] = await file.download();
    assert.deepEqual(JSON.parse(body.toString('utf8')), JSON.parse(report));
    assert.equal((await file.getMetadata())[0].contentType, 'application/json');
    await assert.rejects(sink.write('gs://missing-bucket/r.json', '{}', 'application/json'), /bucket does not exist/);
    await assert.rejects(sink.write('gs://artifacts', '{}', 'application/json'), /not a gs:\/\/bucket\/object/);
  });
});

describe('Cloud Storage stand-in: --state-file', () => {
  it('keeps buckets and objects across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcs-state-'));
    const stateFile = join(dir, 'state.json');
    try {
      const first = await startEmulator({ stateFile });
      await admin(first, 'buckets', { name: 'kept-bucket' });
      await client(first.url).bucket('kept-bucket').file('a/report.json').save('{"kept":true}', { resumable: false });
      await first.close();
      const second = await startEmulator({ stateFile });
      try {
        const [body] = await client(second.url).bucket('kept-bucket').file('a/report.json').download();
        assert.equal(body.toString('utf8'), '{"kept":true}');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
