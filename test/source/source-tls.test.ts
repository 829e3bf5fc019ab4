// TLS to the source against real MariaDB servers: the checks run over TLS verified against the CA the request
// names; a server whose certificate another CA signed, or one without TLS, is refused before any login.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { withSourceConnection } from '../../src/source/connection';
import { checkHiveSchema } from '../../src/source/hive-schema';
import { readSourceInventory, SourceInventoryError } from '../../src/source/inventory';
import type { SourceCheck, SourceConnectionOptions } from '../../src/source/types';
import { CDC_PASSWORD, HIVE_PASSWORD, createHiveSource, type HiveSource } from '../helpers/hive-source';
import { startMariaDb, type MariaDb } from '../helpers/mariadb';
import { SERVER_NAME, createTestCa, type TestCa } from '../helpers/test-ca';

/** The session's TLS version as the server sees it ('' without TLS), and the reachable finding. */
async function sslVersion(options: SourceConnectionOptions): Promise<{ version: string; check: SourceCheck }> {
  let version = '';
  const check = await withSourceConnection(options, { useDatabase: true }, async (session) => {
    const [row] = await session.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
    version = String(row?.Value ?? '');
    return [];
  });
  return { version, check };
}

function reachable(check: SourceCheck) {
  const found = check.findings.find((f) => f.check === 'source.reachable');
  assert.ok(found, JSON.stringify(check));
  return found;
}

/** Successful logins of `user` so far (userstat counts only connections that authenticated). */
async function logins(db: MariaDb, user: string): Promise<number> {
  const rows = await db.rootQuery<{ n: number | null }[]>(
    'SELECT SUM(TOTAL_CONNECTIONS) AS n FROM information_schema.USER_STATISTICS WHERE USER = ?',
    [user],
  );
  return Number(rows[0]?.n ?? 0);
}

describe('TLS to the source', () => {
  let db: MariaDb;
  let plain: MariaDb;
  let source: HiveSource;
  let otherDir: string;
  let otherCa: TestCa;

  before(async () => {
    otherDir = await mkdtemp(join(tmpdir(), 'other-ca-'));
    [db, plain, otherCa] = await Promise.all([
      // require_secure_transport: the server itself refuses a login over plain TCP.
      startMariaDb({ tls: 'require', serverArgs: ['--userstat=ON'] }),
      startMariaDb(),
      createTestCa(otherDir, 'other-ca'),
    ]);
    source = await createHiveSource(db);
  });
  after(async () => {
    await Promise.allSettled([db?.close(), plain?.close(), rm(otherDir, { recursive: true, force: true })]);
  });

  it('runs the checks over TLS verified against the CA, saying so', async () => {
    assert.equal(source.hive.tls.mode, 'verify');
    const { version, check } = await sslVersion(source.hive);
    assert.match(version, /^TLSv1\.[23]$/, JSON.stringify(check));
    assert.match(reachable(check).message, /over TLS, the server certificate verified against the configured CA/);
    const schema = await checkHiveSchema(source.hive, '3.1.2');
    assert.equal(schema.ok, true, JSON.stringify(schema));
    const inventory = await readSourceInventory(source.hive);
    assert.ok(Object.keys(inventory.databases).length > 0, JSON.stringify(inventory));
  });

  it('checks the host name only against serverName: the right one passes, another is refused', async () => {
    const named = await sslVersion({
      ...source.hive,
      tls: { mode: 'verify', ca: db.tls!.ca, serverName: SERVER_NAME },
    });
    assert.equal(reachable(named.check).level, 'ok', JSON.stringify(named.check));
    assert.match(reachable(named.check).message, new RegExp(`and the name ${SERVER_NAME.replace('.', '\\.')}`));
    const before = await logins(db, source.hive.user);
    const wrong = await sslVersion({
      ...source.hive,
      tls: { mode: 'verify', ca: db.tls!.ca, serverName: 'other.test' },
    });
    assert.equal(reachable(wrong.check).level, 'error');
    assert.match(reachable(wrong.check).message, /TLS to 127\.0\.0\.1:\d+ failed .*refused before sending the login/);
    assert.match(reachable(wrong.check).message, /HANDSHAKE_SSL_ERROR/);
    assert.equal(await logins(db, source.hive.user), before, 'no login with a mismatched name');
  });

  it('refuses a server whose certificate another CA signed, before any login', async () => {
    const before = await logins(db, source.hive.user);
    const result = await checkHiveSchema({ ...source.hive, tls: { mode: 'verify', ca: otherCa.ca } }, '3.1.2');
    assert.equal(result.ok, false);
    assert.equal(result.findings.length, 1, JSON.stringify(result));
    assert.match(reachable(result).message, /must chain to the configured CA.*\(HANDSHAKE_SSL_ERROR\)/);
    await assert.rejects(
      readSourceInventory({ ...source.cdc, tls: { mode: 'verify', ca: otherCa.ca } }),
      (err: unknown) => err instanceof SourceInventoryError && /HANDSHAKE_SSL_ERROR/.test(err.message),
    );
    // The same user logs in with the right CA, so the counter counts: the refused attempts never logged in.
    assert.equal(await logins(db, source.hive.user), before);
    assert.equal(reachable((await sslVersion(source.hive)).check).level, 'ok');
    assert.equal(await logins(db, source.hive.user), before + 1);
    assert.ok(!JSON.stringify(result).includes(HIVE_PASSWORD));
  });

  it('refuses a server that offers no TLS, and a CA-less request unless the worker opted out', async () => {
    const plainSource = await createHiveSource(plain);
    const noTls = await checkHiveSchema({ ...plainSource.hive, tls: { mode: 'verify', ca: db.tls!.ca } }, '3.1.2');
    assert.match(
      reachable(noTls).message,
      /does not offer TLS, which the worker requires: refused before sending the login/,
    );
    const missing = await checkHiveSchema({ ...plainSource.hive, tls: { mode: 'missing' } }, '3.1.2');
    assert.equal(reachable(missing).level, 'error');
    assert.match(
      reachable(missing).message,
      /TLS to the source is required and no CA is configured.*options\.sourceTls\.caCertificate/,
    );
    // The lab opt-out connects over plain TCP and says so in the finding.
    const lab = await checkHiveSchema({ ...plainSource.hive, tls: { mode: 'off' } }, '3.1.2');
    assert.match(reachable(lab).message, /without TLS: lab opt-out/);
    assert.ok(!JSON.stringify([noTls, missing, lab]).includes(CDC_PASSWORD));
  });
});
