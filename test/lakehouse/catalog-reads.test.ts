// The Lakehouse catalog clients over real HTTP against the emulator: paging followed to the end, errors carrying
// the API's status and message, the target catalogs' checks, and no credentials ever sent to a non-Google host.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLakehouseAccess, type LakehouseAccess } from '../../src/lakehouse/access';
import { checkTargetCatalogs } from '../../src/lakehouse/check-catalogs';
import { readMigrationReport } from '../../src/lakehouse/report';
import { BIGLAKE_ENDPOINT, createLakehouseTarget, isGoogleEndpoint } from '../../src/lakehouse/target';
import { MetastoreApiError } from '../../src/metastore/errors';
import { type Emulator, admin, call, startEmulator } from '../helpers/emulator';
import { createMetastoreTarget } from '../../src/metastore/auth';
import { emulatorHost } from '../helpers/lakehouse';
import { createCatalog } from '../helpers/outgoing';

const HIVE = 'projects/reads/catalogs/hive_cat';
const ICEBERG = 'projects/reads/catalogs/ice_cat';
const TABLES = ['t1', 't2', 't3', 't4', 't5'];

describe('Lakehouse catalog reads', () => {
  let emulator: Emulator;
  let lakehouse: LakehouseAccess;

  before(async () => {
    emulator = await startEmulator();
    lakehouse = await createLakehouseAccess({ emulatorHost: emulatorHost(emulator), timeoutMs: 5000 });
    await createCatalog(emulator, HIVE, 'HIVE');
    await createCatalog(emulator, ICEBERG, 'ICEBERG');
    const hiveTables = Object.fromEntries(
      TABLES.map((t) => [t, { partitionKeys: [{ name: 'dt', type: 'string' }], partitions: ['dt=1', 'dt=2'] }]),
    );
    await admin(emulator, 'catalogs:seed', { catalog: HIVE, databases: { a: hiveTables, b: {}, c: {} } });
    const icebergTables = Object.fromEntries(TABLES.map((t) => [t, { columns: [{ name: 'id', type: 'bigint' }] }]));
    await admin(emulator, 'catalogs:seed', { catalog: ICEBERG, namespaces: { n1: icebergTables, n2: {}, n3: {} } });
  });
  after(() => emulator.close());

  it('follows the Hive API pages to the end (two a page)', async () => {
    // The server does page at two: a client reading one page would get two tables.
    const first = await call(emulator, 'GET', `/hive/v1/${HIVE}/databases/a/tables?pageSize=2`);
    assert.deepEqual([first.body.tables.length, typeof first.body.nextPageToken], [2, 'string']);
    const tables = await lakehouse.hive.listTables(HIVE, 'a', { pageSize: 2 });
    assert.deepEqual(
      tables.map((t) => t.table),
      TABLES,
    );
    assert.deepEqual(tables[0]?.partitionKeys, [{ name: 'dt', type: 'string' }]);
    assert.deepEqual(await lakehouse.hive.listDatabases(HIVE, { pageSize: 2 }), ['a', 'b', 'c']);
    assert.deepEqual(await lakehouse.hive.listDatabases(HIVE, { pageSize: 1, first: 1 }), ['a']);
    assert.equal(await lakehouse.hive.countPartitions(HIVE, 'a', 't3'), 2);
    assert.equal((await lakehouse.hive.getTable(HIVE, 'a', 't1')).name, `${HIVE}/databases/a/tables/t1`);
  });

  it('follows the Iceberg REST pages to the end and loads a table', async () => {
    const first = await call(emulator, 'GET', `/iceberg/v1/restcatalog/v1/${ICEBERG}/namespaces/n1/tables?pageSize=2`);
    assert.deepEqual([first.body.identifiers.length, typeof first.body['next-page-token']], [2, 'string']);
    assert.deepEqual(await lakehouse.iceberg.listNamespaces(ICEBERG, { pageSize: 2 }), ['n1', 'n2', 'n3']);
    assert.deepEqual(await lakehouse.iceberg.listTables(ICEBERG, 'n1', { pageSize: 2 }), TABLES);
    const loaded = await lakehouse.iceberg.loadTable(ICEBERG, 'n1', 't2');
    assert.match(loaded['metadata-location'] ?? '', /^gs:\/\/.+\.metadata\.json$/);
  });

  it("fails with the API's status and message", async () => {
    await assert.rejects(lakehouse.hive.listTables(HIVE, 'nope'), (err: unknown) => {
      assert.ok(err instanceof MetastoreApiError);
      assert.deepEqual([err.httpStatus, err.status, err.method], [404, 'NOT_FOUND', 'hive.tables.list']);
      assert.match(err.message, /Database ".*databases\/nope" was not found/);
      return true;
    });
    await assert.rejects(lakehouse.iceberg.listTables(ICEBERG, 'nope'), (err: unknown) => {
      assert.ok(err instanceof MetastoreApiError);
      assert.deepEqual([err.httpStatus, err.status], [404, 'NOT_FOUND']);
      assert.match(err.message, /NoSuchNamespaceException: Namespace does not exist: nope/);
      return true;
    });
  });

  it('checks the target catalogs: ok, missing, of the wrong type', async () => {
    assert.deepEqual(await checkTargetCatalogs(lakehouse, { hiveCatalog: HIVE, icebergCatalog: ICEBERG }), [
      { check: 'targets.hiveCatalog', level: 'ok', message: `Hive catalog ${HIVE} exists and is readable` },
      { check: 'targets.icebergCatalog', level: 'ok', message: `Iceberg catalog ${ICEBERG} exists and is readable` },
    ]);
    const missing = await checkTargetCatalogs(lakehouse, {
      hiveCatalog: 'projects/reads/catalogs/gone',
      icebergCatalog: 'projects/reads/catalogs/gone_too',
    });
    assert.deepEqual(
      missing.map((f) => [f.check, f.level]),
      [
        ['targets.hiveCatalog', 'error'],
        ['targets.icebergCatalog', 'error'],
      ],
    );
    assert.match(missing[0]!.message, /Hive catalog projects\/reads\/catalogs\/gone was not found/);
    assert.match(missing[1]!.message, /Iceberg catalog projects\/reads\/catalogs\/gone_too was not found/);
    const swapped = await checkTargetCatalogs(lakehouse, { hiveCatalog: ICEBERG, icebergCatalog: HIVE });
    assert.deepEqual(
      swapped.map((f) => f.level),
      ['error', 'error'],
    );
    assert.match(swapped[0]!.message, /is an Iceberg catalog: hiveConfig needs a Hive catalog/);
    assert.match(swapped[1]!.message, /is a Hive catalog: icebergConfig needs an Iceberg REST catalog/);
    const [malformed] = await checkTargetCatalogs(lakehouse, { hiveCatalog: 'catalogs/x' });
    assert.equal(malformed?.level, 'error');
  });
});

describe('a Lakehouse that does not answer', () => {
  it('times out as DEADLINE_EXCEEDED', async () => {
    // Accepts the connection and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const lakehouse = await createLakehouseAccess({ emulatorHost: host, timeoutMs: 200 });
      await assert.rejects(lakehouse.hive.getCatalog(HIVE), (err: unknown) => {
        assert.ok(err instanceof MetastoreApiError);
        assert.deepEqual([err.status, err.httpStatus], ['DEADLINE_EXCEEDED', 0]);
        return true;
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('credentials', () => {
  let emulator: Emulator;
  let recorder: Server;
  const seen: IncomingHttpHeaders[] = [];

  before(async () => {
    // A token-requiring emulator: the worker then holds METASTORE_EMULATOR_TOKEN for the Metastore API, and still
    // must send nothing to the Lakehouse surfaces, which check none.
    emulator = await startEmulator({ requireToken: 'emulator-token-91ab' });
    await createCatalog(emulator, HIVE, 'HIVE');
    await admin(emulator, 'buckets', { name: 'cred-reports' });
    // Between the clients and the emulator: records each request's headers, then forwards it as it came.
    recorder = createServer((req, res) => {
      seen.push(req.headers);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
        ) as Record<string, string>;
        fetch(`${emulator.url}${req.url}`, {
          method: req.method,
          headers,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        })
          .then(async (answer) => {
            res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
            res.end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch((err: Error) => res.writeHead(502).end(err.message));
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    recorder.close();
    await emulator.close();
  });

  it('sends no Authorization header to the emulator, from the catalog clients or the Cloud Storage client', async () => {
    const host = `127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    const lakehouse = await createLakehouseAccess({ emulatorHost: host, timeoutMs: 5000 });
    await lakehouse.hive.getCatalog(HIVE);
    await assert.rejects(readMigrationReport(lakehouse.storage, 'gs://cred-reports/none.json'));
    assert.ok(seen.length >= 2, `requests seen: ${seen.length}`);
    for (const headers of seen) assert.equal(headers.authorization, undefined);
    // The recorder does see a token when one is sent: a target that carries the emulator token (as the Metastore
    // client's does) shows up here.
    seen.length = 0;
    const target = await createMetastoreTarget({ emulatorHost: host, emulatorToken: 'emulator-token-91ab' });
    const withToken = await createLakehouseAccess({ emulatorHost: host, target });
    await withToken.hive.getCatalog(HIVE);
    assert.equal(seen[0]?.authorization, 'Bearer emulator-token-91ab');
  });

  it('refuses to send Google credentials to anything but an https googleapis.com endpoint', async () => {
    assert.equal(isGoogleEndpoint(BIGLAKE_ENDPOINT), true);
    assert.equal(isGoogleEndpoint('https://biglake.googleapis.com.evil.example'), false);
    assert.equal(isGoogleEndpoint('http://biglake.googleapis.com'), false);
    await assert.rejects(
      createLakehouseTarget({ endpoint: 'http://127.0.0.1:1' }),
      /refusing to send Google credentials/,
    );
  });
});
