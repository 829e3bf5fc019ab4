// A stock Apache Iceberg client reads (and seeds) the emulator's Iceberg REST catalog: iceberg-core's own
// RESTCatalog (Java, from Maven Central) configured with BigLake's base URL and a catalog as its warehouse.
// It creates a namespace and a table, lists namespaces and tables and loads every table, including one shaped
// as the backfill writes it (Hive columns, no Iceberg schema): what the client parses is what a Spark or Trino
// user would see.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { admin, call, type Emulator, startEmulator } from '../helpers/emulator';
import { STOCK_ICEBERG_CLIENT_JARS } from './iceberg-jars';

const run = promisify(execFile);
const CATALOG = 'projects/lake-project/catalogs/lake_iceberg';

describe('a stock Iceberg REST client (iceberg-core RESTCatalog)', () => {
  let emulator: Emulator;
  let classes: string;
  const requests: string[] = [];
  const classpath = () => [classes, ...STOCK_ICEBERG_CLIENT_JARS].join(':');

  before(async () => {
    emulator = await startEmulator({ log: (line) => requests.push(line) });
    await admin(emulator, 'catalogs', { name: CATALOG, type: 'ICEBERG', locations: ['gs://lake-warehouse'] });
    await admin(emulator, 'catalogs:seed', {
      catalog: CATALOG,
      namespaces: {
        sales: {
          orders: {
            columns: [
              { name: 'order_id', type: 'bigint' },
              { name: 'amount', type: 'decimal(10,2)' },
              { name: 'attrs', type: 'map<string,array<struct<k:int,v:varchar(20)>>>' },
              { name: 'at', type: 'timestamp' },
            ],
            location: 'gs://lake-warehouse/sales/orders',
            metadataLocation: 'gs://lake-warehouse/sales/orders/metadata/00003-abc.metadata.json',
            properties: { 'write.format.default': 'parquet' },
          },
          returns: { columns: [{ name: 'order_id', type: 'bigint' }] },
        },
      },
    });
    classes = await mkdtemp(join(tmpdir(), 'stock-iceberg-client-'));
    const source = join(__dirname, 'StockIcebergClient.java');
    await run('javac', ['-d', classes, '-cp', classpath(), source]);
  });
  after(async () => {
    await emulator?.close();
    if (classes) await rm(classes, { recursive: true, force: true });
  });

  it('creates, lists and loads tables the way the emulator serves them', async () => {
    const { stdout } = await run('java', [
      '-cp',
      classpath(),
      'StockIcebergClient',
      `${emulator.url}/iceberg/v1/restcatalog`,
      CATALOG,
    ]);
    const seen = JSON.parse(stdout);
    assert.deepEqual(seen.namespaces, ['made_by_client', 'sales']);
    assert.equal(seen.namespaceOwner, 'stock-client');
    assert.equal(seen.missingTableExists, false);
    assert.equal(seen.missingTableError, 'NoSuchTableException');

    // Listed one a page (the client's rest-page-size is 1): two requests for the two tables of sales.
    assert.deepEqual(Object.keys(seen.tables.sales), ['orders', 'returns']);
    const salesPages = requests.filter(
      (line) => line === `GET /iceberg/v1/restcatalog/v1/${CATALOG}/namespaces/sales/tables 200`,
    );
    assert.equal(salesPages.length, 2);
    const orders = seen.tables.sales.orders;
    assert.equal(orders.exists, true);
    assert.equal(orders.formatVersion, 2);
    assert.equal(orders.hasSnapshot, false);
    assert.equal(orders.location, 'gs://lake-warehouse/sales/orders');
    assert.equal(orders.metadataLocation, 'gs://lake-warehouse/sales/orders/metadata/00003-abc.metadata.json');
    assert.deepEqual(orders.properties, { 'write.format.default': 'parquet' });
    const [orderId, amount, attrs, at] = orders.schema.fields;
    assert.deepEqual(orderId, { id: 1, name: 'order_id', required: false, type: 'long' });
    assert.equal(amount.type, 'decimal(10, 2)');
    assert.equal(at.type, 'timestamp');
    assert.equal(attrs.type.type, 'map');
    assert.equal(attrs.type.value.type, 'list');
    assert.deepEqual(
      attrs.type.value.element.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`),
      ['k:int', 'v:string'],
    );

    const events = seen.tables.made_by_client.events;
    assert.equal(events.location, 'gs://lake-warehouse/made_by_client/events');
    assert.match(
      events.metadataLocation,
      /^gs:\/\/lake-warehouse\/made_by_client\/events\/metadata\/.+\.metadata\.json$/,
    );
    assert.deepEqual(
      events.schema.fields.map((f: { name: string; required: boolean }) => [f.name, f.required]),
      [
        ['id', true],
        ['tags', false],
      ],
    );

    // The same table twice: the uuid is stable (a client refuses a refresh whose uuid changed).
    const again = await call(emulator, 'GET', `/iceberg/v1/restcatalog/v1/${CATALOG}/namespaces/sales/tables/orders`);
    assert.equal(again.body.metadata['table-uuid'], orders.uuid);
  });
});
