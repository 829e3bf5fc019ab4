// BigLake's Hive catalog API over HTTP, as a verification of a backfill reads it: field names of
// google.cloud.biglake.hive.v1 (hive_metastore.proto), paging, the streamed partitions, Google's error shape.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { admin, call, type Emulator, startEmulator } from '../helpers/emulator';

const CATALOG = 'projects/p1/catalogs/lake_hive';
const HIVE = `/hive/v1/${CATALOG}`;

describe('BigLake Hive catalog API', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
    const created = await call(emulator, 'POST', '/hive/v1/projects/p1/catalogs?hiveCatalogId=lake_hive', {
      locationUri: 'gs://lake-bucket/hive',
      description: 'migration target',
    });
    assert.equal(created.status, 200, created.text);
    const tables = Object.fromEntries(['c', 'a', 'b'].map((t) => [t, { columns: [{ name: 'x', type: 'int' }] }]));
    await admin(emulator, 'catalogs:seed', {
      catalog: CATALOG,
      databases: {
        web: tables,
        sales: {
          orders: {
            columns: [
              { name: 'id', type: 'bigint' },
              { name: 'tags', type: 'array<string>' },
            ],
            partitionKeys: [
              { name: 'dt', type: 'string' },
              { name: 'region', type: 'string' },
            ],
            location: 'gs://lake-bucket/hive/sales.db/orders',
            parameters: { EXTERNAL: 'TRUE' },
            partitions: ['dt=2026-01-02/region=eu', 'dt=2026-01-01/region=us', 'dt=2026-01-01/region=eu'],
          },
        },
      },
    });
  });
  after(() => emulator?.close());

  it('gets and lists catalogs with the proto JSON names', async () => {
    const got = await call(emulator, 'GET', HIVE);
    assert.deepEqual(
      { ...got.body, createTime: undefined, updateTime: undefined },
      {
        name: CATALOG,
        description: 'migration target',
        locationUri: 'gs://lake-bucket/hive',
        createTime: undefined,
        updateTime: undefined,
      },
    );
    const listed = await call(emulator, 'GET', '/hive/v1/projects/p1/catalogs');
    assert.deepEqual(
      listed.body.catalogs.map((c: { name: string }) => c.name),
      [CATALOG],
    );
    const admins = await admin(emulator, 'catalogs?project=projects/p1');
    assert.deepEqual(admins.catalogs[0].locations, ['gs://lake-bucket/hive']);
    assert.equal(admins.catalogs[0].type, 'HIVE');
  });

  it('lists databases and pages through tables', async () => {
    const databases = await call(emulator, 'GET', `${HIVE}/databases`);
    assert.deepEqual(databases.body, {
      databases: [{ name: `${CATALOG}/databases/sales` }, { name: `${CATALOG}/databases/web` }],
    });
    const first = await call(emulator, 'GET', `${HIVE}/databases/web/tables?pageSize=2`);
    assert.deepEqual(
      first.body.tables.map((t: { name: string }) => t.name.split('/').at(-1)),
      ['a', 'b'],
    );
    const second = await call(
      emulator,
      'GET',
      `${HIVE}/databases/web/tables?pageSize=2&pageToken=${first.body.nextPageToken}`,
    );
    assert.deepEqual(
      second.body.tables.map((t: { name: string }) => t.name.split('/').at(-1)),
      ['c'],
    );
    assert.equal(second.body.nextPageToken, undefined);
  });

  it('gets a table as a HiveTable', async () => {
    const { body } = await call(emulator, 'GET', `${HIVE}/databases/sales/tables/orders`);
    assert.equal(body.name, `${CATALOG}/databases/sales/tables/orders`);
    assert.deepEqual(body.storageDescriptor, {
      columns: [
        { name: 'id', type: 'bigint' },
        { name: 'tags', type: 'array<string>' },
      ],
      locationUri: 'gs://lake-bucket/hive/sales.db/orders',
    });
    assert.deepEqual(body.partitionKeys, [
      { name: 'dt', type: 'string' },
      { name: 'region', type: 'string' },
    ]);
    assert.deepEqual(body.parameters, { EXTERNAL: 'TRUE' });
    assert.equal(body.tableType, 'EXTERNAL_TABLE');
  });

  it('streams partitions as a JSON array of ListPartitionsResponse, filtered by key', async () => {
    const all = await call(emulator, 'GET', `${HIVE}/databases/sales/tables/orders/partitions:list`);
    assert.equal(all.body.length, 1);
    assert.deepEqual(
      all.body[0].partitions.map((p: { values: string[] }) => p.values.join('|')),
      ['2026-01-01|eu', '2026-01-01|us', '2026-01-02|eu'],
    );
    assert.equal(
      all.body[0].partitions[0].storageDescriptor.locationUri,
      'gs://lake-bucket/hive/sales.db/orders/dt=2026-01-01/region=eu',
    );
    const filter = encodeURIComponent(`region = 'eu' AND dt != "2026-01-02"`);
    const some = await call(emulator, 'GET', `${HIVE}/databases/sales/tables/orders/partitions:list?filter=${filter}`);
    assert.deepEqual(some.body[0].partitions, [
      {
        values: ['2026-01-01', 'eu'],
        storageDescriptor: { locationUri: 'gs://lake-bucket/hive/sales.db/orders/dt=2026-01-01/region=eu' },
      },
    ]);
    const none = await call(emulator, 'GET', `${HIVE}/databases/web/tables/a/partitions:list`);
    assert.deepEqual(none.body, []);
  });

  it("answers errors in Google's shape", async () => {
    const missing = await call(emulator, 'GET', `${HIVE}/databases/sales/tables/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.status, 'NOT_FOUND');
    assert.equal(missing.body.error.details[0].domain, 'biglake.googleapis.com');
    const unknownParam = await call(emulator, 'GET', `${HIVE}/databases?view=FULL`);
    assert.equal(unknownParam.status, 400);
    assert.equal(unknownParam.body.error.status, 'INVALID_ARGUMENT');
    const badFilter = await call(emulator, 'GET', `${HIVE}/databases/sales/tables/orders/partitions:list?filter=dt>1`);
    assert.equal(badFilter.status, 400);
    assert.match(badFilter.body.error.message, /^filter: /);
    const noLocation = await call(emulator, 'POST', '/hive/v1/projects/p1/catalogs?hiveCatalogId=other', {});
    assert.equal(noLocation.status, 400);
    assert.match(noLocation.body.error.message, /hive_catalog\.locationUri/);
    const duplicate = await call(emulator, 'POST', '/hive/v1/projects/p1/catalogs?hiveCatalogId=lake_hive', {
      locationUri: 'gs://x-bucket',
    });
    assert.equal(duplicate.status, 409);
    await admin(emulator, 'catalogs', { name: 'projects/p1/catalogs/ice', type: 'ICEBERG' });
    assert.equal((await call(emulator, 'GET', '/hive/v1/projects/p1/catalogs/ice')).status, 404);
    const iceberg = await call(emulator, 'GET', '/iceberg/v1/restcatalog/extensions/projects/p1/catalogs/ice');
    assert.equal(iceberg.body['catalog-type'], 'CATALOG_TYPE_BIGLAKE');
  });

  it('deletes a catalog', async () => {
    await call(emulator, 'POST', '/hive/v1/projects/p2/catalogs?hiveCatalogId=gone', {
      locationUri: 'gs://gone-bucket',
    });
    assert.equal((await call(emulator, 'DELETE', '/hive/v1/projects/p2/catalogs/gone')).status, 200);
    assert.equal((await call(emulator, 'GET', '/hive/v1/projects/p2/catalogs/gone')).status, 404);
  });
});
