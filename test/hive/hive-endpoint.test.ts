// The emulator's Hive Thrift endpoint against a real MariaDB source, read with our Thrift client: it serves the
// source while the migration runs, copies it at cutover (with the faults asked for) and serves the copy after.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection, type Connection } from 'mysql2/promise';
import { readMetastoreInventory } from '../../src/hive/read-inventory';
import { connectHiveMetastore } from '../../src/hive/metastore-client';
import { countInventory, type HiveInventory } from '../../src/hive/inventory';
import { reconcile } from '../../src/hive/reconcile';
import { readSourceInventory } from '../../src/source/inventory';
import { PRESETS, generateMetastore } from '../../scripts/lib/hive-generator';
import {
  admin,
  call,
  getResource,
  seedSpannerService,
  startEmulator,
  startMigration,
  until,
  validStartRequest,
  waitForOperation,
  type Emulator,
} from '../helpers/emulator';
import { createHiveSource, type HiveSource } from '../helpers/hive-source';
import { startMariaDb, type MariaDb } from '../helpers/mariadb';

describe('Hive Thrift endpoint of an emulated service', () => {
  let db: MariaDb;
  let source: HiveSource;
  let sql: Connection;
  let emulator: Emulator;

  before(async () => {
    db = await startMariaDb();
    source = await createHiveSource(db, { database: 'hive_thrift', hiveUser: 'hms_thrift', cdcUser: 'cdc_thrift' });
    const { host, port, user, password } = source.hive;
    sql = await createConnection({ host, port, user, password, database: source.database });
    await generateMetastore(sql, PRESETS.small, 7);
    emulator = await startEmulator({ durations: { replication: 50 } });
  });
  after(async () => {
    await sql?.end();
    await emulator?.close();
    await db?.close();
  });

  async function addPartition(table: { database: string; name: string }, partition: string): Promise<void> {
    await sql.query(
      `INSERT INTO PARTITIONS (PART_ID, CREATE_TIME, LAST_ACCESS_TIME, PART_NAME, SD_ID, TBL_ID)
       SELECT MAX(p.PART_ID) + 1, 0, 0, ?, NULL, (SELECT t.TBL_ID FROM TBLS t JOIN DBS d ON d.DB_ID = t.DB_ID
       WHERE d.NAME = ? AND t.TBL_NAME = ?) FROM PARTITIONS p`,
      [partition, table.database, table.name],
    );
  }

  it('reads the source inventory in one pass: the fixture and the generated metastore', async () => {
    const inventory = await readSourceInventory(source.hive);
    const counts = countInventory(inventory);
    // The fixture's default and sales databases, orders with one partition and three columns, one function.
    assert.equal(counts.databases, PRESETS.small.databases + 2);
    assert.equal(counts.tables, PRESETS.small.tables + 1);
    assert.equal(counts.partitions, PRESETS.small.partitions + 1);
    assert.equal(counts.functions, PRESETS.small.functions + 1);
    assert.deepEqual(inventory.databases.sales?.orders, {
      type: 'MANAGED_TABLE',
      columns: ['order_id bigint', 'customer string', 'amount decimal(10,2)'],
      partitionKeys: ['ds string'],
      partitions: ['ds=2024-01-01'],
    });
    assert.ok(inventory.functions.includes('sales.mask'));
  });

  it('serves the source while replicating, then the copy taken at cutover, with the copy faults applied', async () => {
    const service = await seedSpannerService(emulator);
    const { endpointUri } = await until(
      () => getResource(emulator, service),
      (s) => /^thrift:\/\/127\.0\.0\.1:\d+$/.test(s.endpointUri ?? ''),
      { what: 'endpointUri' },
    );
    // Before any migration the service has a metastore of its own, empty.
    const before = await readMetastoreInventory(endpointUri);
    assert.deepEqual(countInventory(before), { databases: 0, tables: 0, partitions: 0, columns: 0, functions: 0 });

    const request = validStartRequest();
    const connection = request.migrationExecution.cloudSqlMigrationConfig!.cloudSqlConnectionConfig;
    Object.assign(connection, {
      ipAddress: source.hive.host,
      port: source.hive.port,
      hiveDatabaseName: source.database,
      username: source.hive.user,
      password: source.hive.password,
    });
    const started = await startMigration(emulator, service, request);
    assert.equal(started.status, 200, started.text);
    await waitForOperation(emulator, started.body.name);

    const live = await readMetastoreInventory(endpointUri);
    assert.deepEqual(live, await readSourceInventory(source.hive));
    const partitioned = firstPartitionedTable(live);
    await addPartition(partitioned, 'dt=2099-01-01');
    const afterWrite = await readMetastoreInventory(endpointUri, { connections: 1 });
    assert.ok(
      afterWrite.databases[partitioned.database]?.[partitioned.name]?.partitions.includes('dt=2099-01-01'),
      'a write to the source is served at once',
    );

    const dropped = { table: `${partitioned.database}.${partitioned.name}`, partition: 'sales.orders/ds=2024-01-01' };
    await admin(emulator, 'copy-faults', { service, drop: [dropped.table, dropped.partition, 'function:sales.mask'] });
    const atCutover = await readSourceInventory(source.hive);
    const completed = await call(emulator, 'POST', `/v1/${service}:completeMigration`, {});
    assert.equal(completed.status, 200, completed.text);
    await waitForOperation(emulator, completed.body.name);
    // A workload still writing through the old metastore after cutover: DPMS never sees it.
    await addPartition({ database: 'sales', name: 'orders' }, 'ds=2099-12-31');

    const copy = await readMetastoreInventory(endpointUri);
    const report = reconcile(atCutover, copy);
    const tablePartitions = atCutover.databases[partitioned.database]![partitioned.name]!.partitions.length;
    assert.deepEqual(report.totals, { missing: 1 + tablePartitions + 1 + 1, extra: 0, differing: 0 });
    assert.deepEqual(
      report.differences
        .filter((d) => d.kind !== 'partition' || d.name === `${dropped.partition}`)
        .map((d) => `${d.problem} ${d.kind} ${d.name}`),
      [`missing table ${dropped.table}`, `missing partition ${dropped.partition}`, 'missing function sales.mask'],
    );
    assert.ok(!copy.databases.sales?.orders?.partitions.includes('ds=2099-12-31'));
    await admin(emulator, 'copy-faults', undefined, 'DELETE');
  });

  it('answers a missing table with NoSuchObjectException and an unknown endpoint with a connection error', async () => {
    const service = await seedSpannerService(emulator);
    const { endpointUri } = await until(
      () => getResource(emulator, service),
      (s) => /^thrift:\/\/127\.0\.0\.1:\d+$/.test(s.endpointUri ?? ''),
      { what: 'endpointUri' },
    );
    const client = await connectHiveMetastore(endpointUri);
    try {
      await assert.rejects(client.getTable('nope', 'nothing'), {
        kind: 'NoSuchObjectException',
        message: /table nope\.nothing not found/,
      });
      assert.deepEqual(await client.getAllDatabases(), []);
    } finally {
      client.close();
    }
    await assert.rejects(connectHiveMetastore('thrift://127.0.0.1:1'), { kind: 'ECONNREFUSED' });
    await assert.rejects(connectHiveMetastore('http://127.0.0.1:1'), { kind: 'InvalidEndpoint' });
  });
});

function firstPartitionedTable(inventory: HiveInventory): { database: string; name: string } {
  for (const [database, tables] of Object.entries(inventory.databases)) {
    for (const [name, table] of Object.entries(tables)) {
      if (database.startsWith('db_') && table.partitions.length > 1) return { database, name };
    }
  }
  throw new Error('no partitioned table');
}
