import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkCdcReadiness } from '../../src/source/cdc-readiness';
import type { SourceCheck } from '../../src/source/types';
import { CDC_PASSWORD, createHiveSource, type HiveSource } from '../helpers/hive-source';
import { GOOD_CDC_SERVER_ARGS, startMariaDb, type MariaDb } from '../helpers/mariadb';
import { freePort } from '../helpers/ports';

/** Everything Datastream minds, wrong: no binlog, statement format, minimal row image, one day of retention. */
const BAD_CDC_SERVER_ARGS = [
  '--skip-log-bin',
  '--binlog-format=STATEMENT',
  '--binlog-row-image=MINIMAL',
  '--expire-logs-days=1',
];

function levels(result: SourceCheck): Record<string, string> {
  return Object.fromEntries(result.findings.map((finding) => [finding.check, finding.level]));
}

function message(result: SourceCheck, check: string): string {
  const found = result.findings.find((finding) => finding.check === check);
  assert.ok(found, `no ${check} finding in ${JSON.stringify(result)}`);
  return found.message;
}

describe('checkCdcReadiness', () => {
  let good: MariaDb;
  let bad: MariaDb;
  let goodSource: HiveSource;
  let badSource: HiveSource;

  /** A CDC user with `grants` ON *.* (plus `extra` statements) on the good server, in its own database. */
  async function cdcUser(name: string, grants: string, extra: (user: string, host: string) => string[] = () => []) {
    const source = await createHiveSource(good, {
      database: `hive_${name}`,
      hiveUser: `hms_${name}`,
      cdcUser: `cdc_${name}`,
      cdcGrants: grants,
    });
    for (const host of ['127.0.0.1', 'localhost']) {
      for (const sql of extra(`cdc_${name}`, host)) await good.rootQuery(sql);
    }
    return source.cdc;
  }

  before(async () => {
    [good, bad] = await Promise.all([
      startMariaDb({ serverArgs: GOOD_CDC_SERVER_ARGS }),
      startMariaDb({ serverArgs: BAD_CDC_SERVER_ARGS }),
    ]);
    [goodSource, badSource] = await Promise.all([createHiveSource(good), createHiveSource(bad)]);
  });

  after(async () => {
    await Promise.all([good?.close(), bad?.close()]);
  });

  it('passes a ROW/FULL binlog server with 7 days of retention, with only the MariaDB GTID warning', async () => {
    const result = await checkCdcReadiness(goodSource.cdc);
    assert.equal(result.ok, true);
    assert.deepEqual(levels(result), {
      'source.reachable': 'ok',
      'cdc.logBin': 'ok',
      'cdc.binlogFormat': 'ok',
      'cdc.binlogRowImage': 'ok',
      'cdc.binlogRetention': 'ok',
      'cdc.grants': 'ok',
      'cdc.gtid': 'warning', // MariaDB GTIDs are not MySQL GTIDs: advice, never a failure
      'cdc.netReadTimeout': 'ok',
      'cdc.netWriteTimeout': 'ok',
      'cdc.waitTimeout': 'ok',
      'cdc.maxAllowedPacket': 'ok',
      'cdc.logReplicaUpdates': 'ok',
    });
  });

  it('reports each wrong binlog setting under its own check', async () => {
    const result = await checkCdcReadiness(badSource.cdc);
    assert.equal(result.ok, false);
    const found = levels(result);
    for (const check of ['cdc.logBin', 'cdc.binlogFormat', 'cdc.binlogRowImage', 'cdc.binlogRetention']) {
      assert.equal(found[check], 'error', check);
    }
    assert.match(message(result, 'cdc.binlogFormat'), /STATEMENT/);
    assert.match(message(result, 'cdc.binlogRowImage'), /MINIMAL/);
    assert.match(message(result, 'cdc.binlogRetention'), /1 day/);
    assert.equal(found['cdc.grants'], 'ok');
  });

  it('warns, without failing, about timeouts and packet size below the Datastream values', async () => {
    const found = levels(await checkCdcReadiness(badSource.cdc));
    for (const check of [
      'cdc.netReadTimeout',
      'cdc.netWriteTimeout',
      'cdc.waitTimeout',
      'cdc.maxAllowedPacket',
      'cdc.logReplicaUpdates',
      'cdc.gtid',
    ]) {
      assert.equal(found[check], 'warning', check);
    }
  });

  it('names the missing replication grants of a SELECT-only user', async () => {
    const result = await checkCdcReadiness(await cdcUser('selectonly', 'SELECT'));
    assert.equal(levels(result)['cdc.grants'], 'error');
    assert.equal(result.ok, false);
    const text = message(result, 'cdc.grants');
    assert.match(text, /REPLICATION SLAVE/);
    assert.match(text, /REPLICATION CLIENT/);
    assert.doesNotMatch(text, /lacks.*\bSELECT\b/);
  });

  it('names a missing SELECT and accepts SELECT granted on the Hive database only', async () => {
    const replicationOnly = await cdcUser('replonly', 'REPLICATION SLAVE, REPLICATION CLIENT');
    const missing = await checkCdcReadiness(replicationOnly);
    assert.equal(levels(missing)['cdc.grants'], 'error');
    assert.match(message(missing, 'cdc.grants'), /SELECT/);

    const databaseSelect = await cdcUser('dbselect', 'REPLICATION SLAVE, REPLICATION CLIENT', (user, host) => [
      `GRANT SELECT ON hive_dbselect.* TO '${user}'@'${host}'`,
    ]);
    assert.equal(levels(await checkCdcReadiness(databaseSelect))['cdc.grants'], 'ok');
  });

  it("accepts MariaDB's BINLOG MONITOR and REPLICATION REPLICA spellings", async () => {
    const spelled = await cdcUser('spelled', 'REPLICATION REPLICA, BINLOG MONITOR, SELECT');
    assert.equal(levels(await checkCdcReadiness(spelled))['cdc.grants'], 'ok');
  });

  it('reports access denied for a wrong CDC password and never echoes a password', async () => {
    const wrong = 'wrong-Secret-8e02aa';
    const result = await checkCdcReadiness({ ...goodSource.cdc, password: wrong });
    assert.deepEqual(levels(result), { 'source.reachable': 'error' });
    assert.match(message(result, 'source.reachable'), /access denied for user 'datastream'/i);
    const text = JSON.stringify(result);
    assert.ok(!text.includes(wrong) && !text.includes(CDC_PASSWORD), text);
  });

  it('reports a closed port on 127.0.0.1 as unreachable', async () => {
    const result = await checkCdcReadiness({ ...goodSource.cdc, port: await freePort() });
    assert.deepEqual(levels(result), { 'source.reachable': 'error' });
    assert.match(message(result, 'source.reachable'), /ECONNREFUSED/);
  });

  it('never puts the password in a finding, even when all is well', async () => {
    const text = JSON.stringify([await checkCdcReadiness(goodSource.cdc), await checkCdcReadiness(badSource.cdc)]);
    assert.ok(!text.includes(CDC_PASSWORD));
  });
});
