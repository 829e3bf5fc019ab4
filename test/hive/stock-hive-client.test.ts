// A stock Hive client reads the emulator's endpoint: Hive 3.1.3's own ThriftHiveMetastore.Client (Java, from
// Maven Central; .ci/run fetches it) gets the same inventory our reader gets. Proves that the IDL we wrote here
// matches the real protocol's field ids and types, both ways.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { inventoryCatalog } from '../../src/emulator/hive-catalogs';
import { type HiveThriftServer, startHiveThriftServer } from '../../src/emulator/hive-thrift-server';
import type { HiveInventory } from '../../src/hive/inventory';
import { readMetastoreInventory } from '../../src/hive/read-inventory';

const run = promisify(execFile);
const M2 = join(homedir(), '.m2', 'repository');
/** The jars a Hive 3.1 client needs for these calls (the versions Hive 3.1.3 ships with). */
const STOCK_HIVE_CLIENT_JARS = [
  'org/apache/hive/hive-standalone-metastore/3.1.3/hive-standalone-metastore-3.1.3.jar',
  'org/apache/thrift/libthrift/0.9.3/libthrift-0.9.3.jar',
  'org/apache/thrift/libfb303/0.9.3/libfb303-0.9.3.jar',
  'org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar',
  'commons-lang/commons-lang/2.6/commons-lang-2.6.jar',
].map((jar) => join(M2, jar));

const INVENTORY: HiveInventory = {
  databases: {
    default: {},
    sales: {
      orders: {
        type: 'MANAGED_TABLE',
        columns: ['order_id bigint', 'customer string', 'amount decimal(10,2)', 'tags array<string>'],
        partitionKeys: ['ds string', 'region string'],
        partitions: ['ds=2024-01-01/region=eu', 'ds=2024-01-01/region=us', 'ds=2024-01-02/region=eu'],
      },
      v_orders: { type: 'VIRTUAL_VIEW', columns: ['order_id bigint'], partitionKeys: [], partitions: [] },
    },
    web: {
      clicks: { type: 'EXTERNAL_TABLE', columns: ['url string', 'at timestamp'], partitionKeys: [], partitions: [] },
    },
  },
  functions: ['sales.mask', 'web.geo_lookup'],
};

describe('a stock Hive client', () => {
  let server: HiveThriftServer;
  let classes: string;
  const classpath = () => [classes, ...STOCK_HIVE_CLIENT_JARS].join(':');

  before(async () => {
    server = await startHiveThriftServer(async () => inventoryCatalog(INVENTORY));
    classes = await mkdtemp(join(tmpdir(), 'stock-hive-client-'));
    const source = join(__dirname, '..', 'interop', 'StockHiveClient.java');
    await run('javac', ['-d', classes, '-cp', classpath(), source]);
  });
  after(async () => {
    await server?.close();
    if (classes) await rm(classes, { recursive: true, force: true });
  });

  it('reads from the emulator what our reader reads', async () => {
    const { stdout } = await run('java', ['-cp', classpath(), 'StockHiveClient', '127.0.0.1', String(server.port)]);
    const stock = JSON.parse(stdout) as HiveInventory;
    assert.deepEqual(stock, INVENTORY);
    // Our reader keys names in prototype-less maps (a table may be called __proto__): compare the data.
    const ours = await readMetastoreInventory(`thrift://127.0.0.1:${server.port}`);
    assert.deepEqual(JSON.parse(JSON.stringify(ours)), stock);
  });
});
