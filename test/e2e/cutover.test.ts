// The cutover from the CLI, as an engineer runs it, against a real MariaDB source (a generated Hive 3.1
// metastore) and the emulator's Thrift endpoint: complete --dry-run and complete refused while the old metastore
// (127.0.0.2) holds a session, verify before cutover, an override, a cutover that loses objects, and wait's
// distinct exit code for the mismatch. No password in any output. The worker requires TLS to the source: the
// engineer names the source's CA with --source-ca, and `verify` takes it from the workflow's request.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { PRESETS, generateMetastore } from '../../scripts/lib/hive-generator';
import { MISMATCH_EXIT_CODE } from '../../src/cli/verification';
import { startE2e, type E2e } from '../helpers/e2e';
import { admin } from '../helpers/emulator';
import { connectFrom, createHiveSource, type HiveSource } from '../helpers/hive-source';
import { GOOD_CDC_SERVER_ARGS, startMariaDb, type MariaDb } from '../helpers/mariadb';
import { SECRET_ENV, snakeCaseConfigYaml, waitFor } from '../helpers/migration';

let e2e: E2e;
let db: MariaDb;
let source: HiveSource;
let configFile: string;
/** --source-ca with a reference to the MariaDB's CA in the worker's secrets directory. */
let sourceCa: string[];

before(async () => {
  [e2e, db] = await Promise.all([
    startE2e('cutover'),
    // TLS offered, not required: the test's own sessions (the generator, the old metastore) log in without.
    startMariaDb({ serverArgs: GOOD_CDC_SERVER_ARGS, tls: true }),
  ]);
  source = await createHiveSource(db, {
    database: 'hive_e2e',
    hivePassword: SECRET_ENV.HIVE_DB_PASSWORD,
    cdcPassword: SECRET_ENV.CDC_PASSWORD,
    anyHost: true,
  });
  const user = source.hive.user;
  const { host, port, password } = source.hive;
  const sql = await createConnection({ host, port, user, password, database: source.database });
  await generateMetastore(sql, PRESETS.small, 11);
  await sql.end();
  configFile = join(e2e.configFile, '..', 'mariadb.yaml');
  const location = { port, database: source.database, hiveUser: user, cdcUser: source.cdc.user };
  await writeFile(configFile, snakeCaseConfigYaml({ source: location }));
  const secrets = join(e2e.configFile, '..', 'secrets');
  await mkdir(secrets);
  await writeFile(join(secrets, 'server-ca.pem'), db.tls!.ca);
  sourceCa = ['--source-ca', `file:${join(secrets, 'server-ca.pem')}`];
  await e2e.stack.startWorker({ METASTORE_MIGRATOR_SOURCE_TLS: 'required', METASTORE_MIGRATOR_SECRET_DIR: secrets });
});
after(async () => {
  await Promise.allSettled([e2e?.close(), db?.close()]);
});

/** The self-managed metastore server: the same user, from 127.0.0.1's neighbour 127.0.0.2. */
const oldMetastoreSession = () => connectFrom(source, '127.0.0.2');

describe('cutover from the CLI', () => {
  it('refuses complete while the old metastore is connected, verifies, and flags a lossy cutover', async () => {
    const old = await oldMetastoreSession();
    const service = await e2e.stack.seedService();
    const { stack } = e2e;
    const started = await stack.cli(
      'start',
      '--service',
      service,
      '--config',
      configFile,
      ...sourceCa,
      '--poll-interval',
      '1',
    );
    assert.equal(started.code, 0, started.stderr);
    await waitFor('REPLICATION', async () => {
      const run = await stack.cli('status', '--service', service, '--json');
      return run.code === 0 && JSON.parse(run.stdout).stage === 'REPLICATION' ? true : undefined;
    });

    const dry = await stack.cli('complete', '--service', service, '--dry-run');
    assert.equal(dry.code, 1, dry.stderr);
    assert.match(dry.stdout, /blocked by workloads\.moved/);
    assert.match(
      dry.stdout,
      /FAIL {2}workloads\.moved .*@127\.0\.0\.2 \(1 session\), a host of the self-managed metastore/,
    );
    assert.match(dry.stdout, /to complete anyway: --override workloads\.moved/);

    const refused = await stack.cli('complete', '--service', service, '--reason', 'cutover');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^CutoverBlocked: cutover blocked by workloads\.moved — .*127\.0\.0\.2/);

    const before = await stack.cli('verify', '--service', service);
    assert.equal(before.code, 0, before.stdout + before.stderr);
    assert.match(before.stdout, /verified: DPMS serves what the source held .*\[source as read now\]/);

    await admin({ url: stack.emulatorUrl }, 'copy-faults', {
      service,
      drop: ['sales.orders/ds=2024-01-01', 'db_002.t_00002'],
    });
    const accepted = await stack.cli(
      'complete',
      '--service',
      service,
      '--override',
      'workloads.moved',
      '--reason',
      'replica is read-only',
    );
    assert.equal(accepted.code, 0, accepted.stderr);

    const waited = await stack.cli('wait', '--service', service);
    assert.equal(waited.code, MISMATCH_EXIT_CODE, waited.stdout + waited.stderr);
    assert.match(waited.stdout, /^SUCCEEDED: /);
    assert.match(waited.stdout, /MISMATCH: \d+ missing, 0 extra, 0 differing in DPMS/);
    assert.match(waited.stdout, /missing +partition +sales\.orders\/ds=2024-01-01/);
    assert.match(waited.stdout, /missing +table +db_002\.t_00002/);

    const status = await stack.cli('status', '--service', service);
    assert.match(status.stdout, /cutover +source inventory recorded .*: \d+ databases/);
    assert.match(status.stdout, /baseline +schema 3\.1\.0; clients at the start: 127\.0\.0\.2/);
    assert.match(status.stdout, /verified +MISMATCH/);

    const after = await stack.cli('verify', '--service', service, '--json');
    assert.equal(after.code, MISMATCH_EXIT_CODE, after.stderr);
    assert.equal(JSON.parse(after.stdout).sourceFrom, 'cutover');
    await old.end();

    for (const run of stack.cliRuns) {
      for (const text of [run.stdout, run.stderr]) {
        assert.ok(!text.includes(SECRET_ENV.HIVE_DB_PASSWORD) && !text.includes(SECRET_ENV.CDC_PASSWORD));
      }
    }
  });
});
