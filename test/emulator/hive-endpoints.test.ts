// Each emulated service has a Hive Thrift endpoint of its own: its own port in endpointUri, its own metastore
// behind it (the source of its own migration), and a fresh one when a service is created again under its name.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectHiveMetastore } from '../../src/hive/metastore-client';
import {
  type Emulator,
  type Json,
  admin,
  call,
  getResource,
  startEmulator,
  startMigration,
  waitForOperation,
  waitForState,
} from '../helpers/emulator';
import { type HiveSource, createHiveSource, startRequestFor } from '../helpers/hive-source';
import { type MariaDb, startMariaDb } from '../helpers/mariadb';

const THRIFT_URI = /^thrift:\/\/127\.0\.0\.1:(\d+)$/;
const LOCATION = 'projects/thrift-project/locations/us-central1';

/** The databases the metastore at `endpointUri` lists. */
async function databasesAt(endpointUri: string): Promise<string[]> {
  const client = await connectHiveMetastore(endpointUri);
  try {
    return (await client.getAllDatabases()).sort();
  } finally {
    client.close();
  }
}

/** A service seeded through the admin API with only its name; the answer carries its endpointUri. */
async function seedNamed(emulator: Emulator, id: string): Promise<Json> {
  const seeded = await admin(emulator, 'services', { name: `${LOCATION}/services/${id}` });
  assert.match(seeded.endpointUri ?? '', THRIFT_URI, JSON.stringify(seeded));
  return seeded;
}

describe('Hive Thrift endpoints: one per service', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 20 });
  });
  after(() => emulator?.close());

  it('gives two services two endpointUris, each answered by a listener of its own', async () => {
    const one = await seedNamed(emulator, 'ports-one');
    const two = await seedNamed(emulator, 'ports-two');
    assert.notEqual(one.endpointUri, two.endpointUri);
    assert.equal(one.port, 9083, 'port keeps the API default; the endpointUri names the listener');
    assert.equal((await getResource(emulator, one.name)).endpointUri, one.endpointUri);
    assert.equal((await getResource(emulator, two.name)).endpointUri, two.endpointUri);
    assert.deepEqual(await databasesAt(one.endpointUri), []);
    assert.deepEqual(await databasesAt(two.endpointUri), []);
  });

  it('a service created through the REST API gets its own endpointUri too', async () => {
    const seeded = await seedNamed(emulator, 'ports-seeded');
    const created = await call(emulator, 'POST', `/v1/${LOCATION}/services?serviceId=ports-created`, {});
    assert.equal(created.status, 200, created.text);
    // The listener is bound within a tick of the create (a loopback address needs no lookup), long before the
    // create's operation ends: the ACTIVE service the operation returns has its endpointUri.
    const done = await waitForOperation(emulator, created.body.name);
    assert.match(done.response.endpointUri, THRIFT_URI);
    assert.notEqual(done.response.endpointUri, seeded.endpointUri);
    assert.deepEqual(await databasesAt(done.response.endpointUri), []);
  });

  it('closes a removed service listener; the service created again under its name gets a new one', async () => {
    const first = await seedNamed(emulator, 'ports-again');
    await admin(emulator, 'services:remove', { name: first.name });
    await assert.rejects(connectHiveMetastore(first.endpointUri), { kind: 'ECONNREFUSED' });
    const again = await seedNamed(emulator, 'ports-again');
    assert.notEqual(again.uid, first.uid);
    assert.deepEqual(await databasesAt(again.endpointUri), []);
  });

  it('a service deleted through the REST API loses its listener', async () => {
    const seeded = await seedNamed(emulator, 'ports-deleted');
    const deleted = await call(emulator, 'DELETE', `/v1/${seeded.name}`);
    assert.equal(deleted.status, 200, deleted.text);
    await waitForOperation(emulator, deleted.body.name);
    await assert.rejects(connectHiveMetastore(seeded.endpointUri), { kind: 'ECONNREFUSED' });
  });
});

describe('Hive Thrift endpoints: --no-hive-thrift', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ hiveThrift: false });
  });
  after(() => emulator?.close());

  it('a service has no endpointUri rather than one every service shares', async () => {
    const seeded = await admin(emulator, 'services', { name: `${LOCATION}/services/no-thrift` });
    assert.equal(seeded.endpointUri, undefined);
    assert.equal((await getResource(emulator, seeded.name)).endpointUri, undefined);
  });
});

describe('Hive Thrift endpoints: each service serves its own migration source', () => {
  let db: MariaDb;
  let sources: [HiveSource, HiveSource];
  let emulator: Emulator;

  before(async () => {
    db = await startMariaDb();
    sources = [
      await createHiveSource(db, { database: 'hive_one', hiveUser: 'hms_one', cdcUser: 'cdc_one' }),
      await createHiveSource(db, { database: 'hive_two', hiveUser: 'hms_two', cdcUser: 'cdc_two' }),
    ];
    // One database only each source holds, so an endpoint answering from the wrong source shows.
    for (const [i, { database }] of sources.entries()) {
      await db.rootQuery(`INSERT INTO \`${database}\`.DBS VALUES (?, '', ?, ?, 'hive', 'USER', 'hive')`, [
        10 + i,
        `file:/warehouse/only_${i + 1}.db`,
        `only_${i + 1}`,
      ]);
    }
    emulator = await startEmulator({ operationDelayMs: 20, durations: { replication: 20 } });
  });
  after(async () => {
    await emulator?.close();
    await db?.close();
  });

  it('two migrating services answer from their own sources, and after one cutover from its copy', async () => {
    const services = [await seedNamed(emulator, 'source-one'), await seedNamed(emulator, 'source-two')];
    assert.notEqual(services[0].endpointUri, services[1].endpointUri);
    for (const i of [0, 1] as const) {
      const started = await startMigration(emulator, services[i].name, startRequestFor(sources[i]));
      assert.equal(started.status, 200, started.text);
      await waitForOperation(emulator, started.body.name);
    }
    assert.deepEqual(await databasesAt(services[0].endpointUri), ['default', 'only_1', 'sales']);
    assert.deepEqual(await databasesAt(services[1].endpointUri), ['default', 'only_2', 'sales']);

    const completed = await call(emulator, 'POST', `/v1/${services[0].name}:completeMigration`, {});
    assert.equal(completed.status, 200, completed.text);
    await waitForOperation(emulator, completed.body.name);
    await waitForState(emulator, services[0].name, 'ACTIVE');
    assert.deepEqual(await databasesAt(services[0].endpointUri), ['default', 'only_1', 'sales']);
    assert.deepEqual(await databasesAt(services[1].endpointUri), ['default', 'only_2', 'sales']);
  });
});
