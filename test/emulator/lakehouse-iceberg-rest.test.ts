// The Iceberg REST catalog over plain HTTP: what a client that is not Java's sees — the config's prefix, paging,
// HEAD, the spec's error model with the exception type a client rethrows, and request checks naming the field.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { admin, call, type Emulator, startEmulator } from '../helpers/emulator';

const BASE = '/iceberg/v1/restcatalog';
const CATALOG = 'projects/p1/catalogs/ice';
const V1 = `${BASE}/v1/${CATALOG}`;

describe('Iceberg REST catalog', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
    await admin(emulator, 'catalogs', { name: CATALOG, type: 'ICEBERG', locations: ['gs://ice-bucket/warehouse'] });
    await admin(emulator, 'catalogs', { name: 'projects/p1/catalogs/hive_cat', type: 'HIVE' });
    const tables = Object.fromEntries(['t3', 't1', 't2'].map((t) => [t, { columns: [{ name: 'a', type: 'int' }] }]));
    await admin(emulator, 'catalogs:seed', { catalog: CATALOG, namespaces: { ns_b: tables, ns_a: {} } });
  });
  after(() => emulator?.close());

  it('answers /v1/config with the catalog as prefix and the endpoints it serves', async () => {
    const { status, body } = await call(emulator, 'GET', `${BASE}/v1/config?warehouse=${CATALOG}`);
    assert.equal(status, 200);
    assert.equal(body.overrides.prefix, CATALOG);
    assert.deepEqual(body.defaults, {});
    assert.ok(body.endpoints.includes('GET /v1/{prefix}/namespaces/{namespace}/tables/{table}'));
  });

  it('refuses a config without a warehouse, for an unknown catalog, or for a Hive catalog', async () => {
    const missing = await call(emulator, 'GET', `${BASE}/v1/config`);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.type, 'BadRequestException');
    assert.equal(missing.body.error.code, 400);
    const unknown = await call(emulator, 'GET', `${BASE}/v1/config?warehouse=projects/p1/catalogs/nope`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.type, 'NoSuchWarehouseException');
    const hive = await call(emulator, 'GET', `${BASE}/v1/config?warehouse=projects/p1/catalogs/hive_cat`);
    assert.equal(hive.status, 400);
    assert.match(hive.body.error.message, /Hive catalog/);
  });

  it('lists namespaces and tables in order, page by page', async () => {
    const namespaces = await call(emulator, 'GET', `${V1}/namespaces`);
    assert.deepEqual(namespaces.body, { namespaces: [['ns_a'], ['ns_b']] });
    const first = await call(emulator, 'GET', `${V1}/namespaces/ns_b/tables?pageToken=&pageSize=2`);
    assert.deepEqual(
      first.body.identifiers.map((id: { name: string }) => id.name),
      ['t1', 't2'],
    );
    assert.deepEqual(first.body.identifiers[0].namespace, ['ns_b']);
    const token = first.body['next-page-token'];
    assert.equal(typeof token, 'string');
    const second = await call(emulator, 'GET', `${V1}/namespaces/ns_b/tables?pageToken=${token}&pageSize=2`);
    assert.deepEqual(second.body, { identifiers: [{ namespace: ['ns_b'], name: 't3' }] });
    const bad = await call(emulator, 'GET', `${V1}/namespaces/ns_b/tables?pageSize=0`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^pageSize: /);
  });

  it('answers HEAD with 204 or 404 and loads with the spec error types', async () => {
    assert.equal((await call(emulator, 'HEAD', `${V1}/namespaces/ns_b`)).status, 204);
    assert.equal((await call(emulator, 'HEAD', `${V1}/namespaces/nope`)).status, 404);
    assert.equal((await call(emulator, 'HEAD', `${V1}/namespaces/ns_b/tables/t1`)).status, 204);
    assert.equal((await call(emulator, 'HEAD', `${V1}/namespaces/ns_b/tables/zz`)).status, 404);
    const noTable = await call(emulator, 'GET', `${V1}/namespaces/ns_b/tables/zz`);
    assert.deepEqual(noTable.body.error.type, 'NoSuchTableException');
    const noNamespace = await call(emulator, 'GET', `${V1}/namespaces/zz/tables`);
    assert.deepEqual(noNamespace.body.error.type, 'NoSuchNamespaceException');
    const loaded = await call(emulator, 'GET', `${V1}/namespaces/ns_b/tables/t1`);
    assert.equal(loaded.body.metadata['format-version'], 2);
    assert.equal(loaded.body.metadata.location, 'gs://ice-bucket/warehouse/ns_b/t1');
    assert.equal(loaded.body.metadata['current-snapshot-id'], undefined);
    assert.deepEqual(loaded.body.metadata.snapshots, []);
  });

  it('creates namespaces and tables, refusing duplicates, nesting, bad types and locations outside the catalog', async () => {
    const created = await call(emulator, 'POST', `${V1}/namespaces`, { namespace: ['fresh'], properties: { a: 'b' } });
    assert.deepEqual(created.body, { namespace: ['fresh'], properties: { a: 'b' } });
    const again = await call(emulator, 'POST', `${V1}/namespaces`, { namespace: ['fresh'] });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.type, 'AlreadyExistsException');
    const nested = await call(emulator, 'POST', `${V1}/namespaces`, { namespace: ['a', 'b'] });
    assert.equal(nested.status, 400);
    assert.match(nested.body.error.message, /^namespace: /);
    const schema = { type: 'struct', fields: [{ id: 1, name: 'x', required: false, type: 'long' }] };
    const badType = await call(emulator, 'POST', `${V1}/namespaces/fresh/tables`, {
      name: 't',
      schema: { type: 'struct', fields: [{ id: 1, name: 'x', required: false, type: 'bigint' }] },
    });
    assert.equal(badType.status, 400);
    assert.match(badType.body.error.message, /^schema\.fields\.0\.type/);
    const outside = await call(emulator, 'POST', `${V1}/namespaces/fresh/tables`, {
      name: 't',
      schema,
      location: 'gs://other-bucket/t',
    });
    assert.equal(outside.status, 403);
    const unknownMember = await call(emulator, 'POST', `${V1}/namespaces/fresh/tables`, {
      name: 't',
      schema,
      tabel: 1,
    });
    assert.equal(unknownMember.status, 400);
    const table = await call(emulator, 'POST', `${V1}/namespaces/fresh/tables`, { name: 't', schema });
    assert.equal(table.status, 200);
    assert.deepEqual(table.body.metadata.schemas[0].fields, schema.fields);
    const nonEmpty = await call(emulator, 'DELETE', `${V1}/namespaces/fresh`);
    assert.equal(nonEmpty.body.error.type, 'NamespaceNotEmptyException');
    assert.equal((await call(emulator, 'DELETE', `${V1}/namespaces/fresh/tables/t`)).status, 204);
    assert.equal((await call(emulator, 'DELETE', `${V1}/namespaces/fresh`)).status, 204);
  });
});
