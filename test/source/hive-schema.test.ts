import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { checkHiveSchema } from '../../src/source/hive-schema';
import type { SourceCheck } from '../../src/source/types';
import { createHiveSource, HIVE_PASSWORD, type HiveSource } from '../helpers/hive-source';
import { startMariaDb, type MariaDb } from '../helpers/mariadb';
import { freePort } from '../helpers/ports';

/** check id → level, for asserting on a whole result at once. */
function levels(result: SourceCheck): Record<string, string> {
  return Object.fromEntries(result.findings.map((finding) => [finding.check, finding.level]));
}

function message(result: SourceCheck, check: string): string {
  const found = result.findings.find((finding) => finding.check === check);
  assert.ok(found, `no ${check} finding in ${JSON.stringify(result)}`);
  return found.message;
}

describe('checkHiveSchema', () => {
  let db: MariaDb;
  let hive: HiveSource;
  /** Each extra source gets its own database and users: createHiveSource replaces users of the same name. */
  const source = (name: string, options: { schemaVersion?: string } = {}) =>
    createHiveSource(db, { database: `hive_${name}`, hiveUser: `hms_${name}`, cdcUser: `cdc_${name}`, ...options });

  before(async () => {
    db = await startMariaDb();
    hive = await createHiveSource(db);
  });

  after(async () => {
    await db?.close();
  });

  it('passes a 3.1.0 schema with a read-write user against a 3.1.2 service', async () => {
    const result = await checkHiveSchema(hive.hive, '3.1.2');
    assert.deepEqual(levels(result), {
      'source.reachable': 'ok',
      'hive.coreTables': 'ok',
      'hive.schemaVersion': 'ok',
      'hive.writeAccess': 'ok',
    });
    assert.equal(result.ok, true);
  });

  it('reports access denied for a wrong password and never echoes a password', async () => {
    const wrong = 'wrong-Secret-0c41d7';
    const result = await checkHiveSchema({ ...hive.hive, password: wrong }, '3.1.2');
    assert.deepEqual(levels(result), { 'source.reachable': 'error' });
    assert.equal(result.ok, false);
    assert.match(message(result, 'source.reachable'), /access denied for user 'hive'/i);
    const text = JSON.stringify(result);
    assert.ok(!text.includes(wrong) && !text.includes(HIVE_PASSWORD), text);
  });

  it('reports a closed port on 127.0.0.1 as unreachable', async () => {
    const result = await checkHiveSchema({ ...hive.hive, port: await freePort() }, '3.1.2');
    assert.deepEqual(levels(result), { 'source.reachable': 'error' });
    assert.match(message(result, 'source.reachable'), /ECONNREFUSED/);
  });

  it('reports a timeout when the port accepts but never sends a handshake', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const result = await checkHiveSchema({ ...hive.hive, port: silent.port, connectTimeoutMs: 300 }, '3.1.2');
      assert.deepEqual(levels(result), { 'source.reachable': 'error' });
      assert.match(message(result, 'source.reachable'), /timeout.*ETIMEDOUT/);
      assert.ok(Date.now() - started < 5_000, 'the connect timeout bounds the check');
    } finally {
      await silent.close();
    }
  });

  it('reports a query that outlives queryTimeoutMs as a timeout and still closes the connection', async () => {
    const locked = await source('locked');
    const locker = await createConnection({ socketPath: db.socket, user: 'root' });
    try {
      await locker.query('LOCK TABLES hive_locked.VERSION WRITE'); // the check's SELECT on VERSION now waits
      const result = await checkHiveSchema({ ...locked.hive, queryTimeoutMs: 300 }, '3.1.2');
      assert.deepEqual(levels(result), { 'source.reachable': 'error' });
      assert.match(message(result, 'source.reachable'), /timeout.*PROTOCOL_SEQUENCE_TIMEOUT/);
    } finally {
      await locker.end();
    }
    // The server notices the closed socket once its SELECT gets the lock; wait (bounded) for that.
    const connections = async () =>
      Number(
        (
          await db.rootQuery<{ n: number }[]>(
            "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = 'hms_locked'",
          )
        )[0]?.n,
      );
    const deadline = Date.now() + 5_000;
    while ((await connections()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await connections(), 0, 'no connection of the check is left behind');
  });

  it('reports an unknown database', async () => {
    const dropped = await source('dropped');
    await db.rootQuery('DROP DATABASE hive_dropped'); // the user keeps its grant on the now missing database
    const result = await checkHiveSchema(dropped.hive, '3.1.2');
    assert.deepEqual(levels(result), { 'source.reachable': 'error' });
    assert.match(message(result, 'source.reachable'), /unknown database 'hive_dropped'.*ER_BAD_DB_ERROR/);
  });

  it('reports access denied to a database the user holds no grant on', async () => {
    const result = await checkHiveSchema({ ...hive.hive, database: 'someone_elses' }, '3.1.2');
    assert.deepEqual(levels(result), { 'source.reachable': 'error' });
    assert.match(message(result, 'source.reachable'), /ER_DBACCESS_DENIED_ERROR/);
  });

  it('rejects a 2.3.0 schema for a 3.1.2 service and accepts it for 2.3.6', async () => {
    const old = await source('old', { schemaVersion: '2.3.0' });
    const tooOld = await checkHiveSchema(old.hive, '3.1.2');
    assert.equal(levels(tooOld)['hive.schemaVersion'], 'error');
    assert.equal(tooOld.ok, false);
    assert.match(message(tooOld, 'hive.schemaVersion'), /older/);
    const compatible = await checkHiveSchema(old.hive, '2.3.6');
    assert.equal(levels(compatible)['hive.schemaVersion'], 'ok');
    assert.equal(compatible.ok, true);
  });

  it('rejects a schema newer than the service', async () => {
    const result = await checkHiveSchema(hive.hive, '2.3.6');
    assert.equal(levels(result)['hive.schemaVersion'], 'error');
    assert.match(message(result, 'hive.schemaVersion'), /newer/);
  });

  it('reports a missing VERSION table as an unknown schema version and a missing core table', async () => {
    const unversioned = await source('unversioned');
    await db.rootQuery('DROP TABLE hive_unversioned.VERSION');
    const result = await checkHiveSchema(unversioned.hive, '3.1.2');
    assert.equal(levels(result)['hive.schemaVersion'], 'error');
    assert.equal(levels(result)['hive.coreTables'], 'error');
    assert.match(message(result, 'hive.coreTables'), /VERSION/);
  });

  it('reports a VERSION table with more than one row', async () => {
    const doubled = await source('doubled');
    await db.rootQuery("INSERT INTO hive_doubled.VERSION VALUES (2, '3.1.0', 'second')");
    const result = await checkHiveSchema(doubled.hive, '3.1.2');
    assert.equal(levels(result)['hive.schemaVersion'], 'error');
  });

  it('reports a database without the Hive tables', async () => {
    const empty = await source('empty');
    await db.rootQuery('DROP DATABASE hive_empty; CREATE DATABASE hive_empty');
    const result = await checkHiveSchema(empty.hive, '3.1.2');
    assert.equal(levels(result)['hive.coreTables'], 'error');
    assert.match(message(result, 'hive.coreTables'), /DBS.*TBLS/);
  });

  it('reports a read-only user as an error and a user without DDL privileges as a warning', async () => {
    const limited = await source('limited');
    for (const host of ['127.0.0.1', 'localhost']) {
      await db.rootQuery('REVOKE ALL PRIVILEGES ON hive_limited.* FROM ?@?', ['hms_limited', host]);
      await db.rootQuery('GRANT SELECT ON hive_limited.* TO ?@?', ['hms_limited', host]);
    }
    const readOnly = await checkHiveSchema(limited.hive, '3.1.2');
    assert.equal(levels(readOnly)['hive.writeAccess'], 'error');
    assert.match(message(readOnly, 'hive.writeAccess'), /INSERT, UPDATE, DELETE/);

    for (const host of ['127.0.0.1', 'localhost']) {
      await db.rootQuery('GRANT INSERT, UPDATE, DELETE ON hive_limited.* TO ?@?', ['hms_limited', host]);
    }
    const dmlOnly = await checkHiveSchema(limited.hive, '3.1.2');
    assert.equal(levels(dmlOnly)['hive.writeAccess'], 'warning');
    assert.equal(dmlOnly.ok, true);
  });
});

/** A TCP server on 127.0.0.1 that accepts connections and never says a word (a MySQL handshake never comes). */
async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
