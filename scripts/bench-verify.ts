// npm run bench:verify [-- --preset large|medium|small]: the reconciliation end to end at a metastore's real size.
// A private MariaDB gets a Hive 3.1 schema filled by the generator; the emulator (its own process) runs a migration
// from it and cuts over, copying it; then a separate process does what the workflow's verification does — the
// source's inventory in one pass of SQL, DPMS's through the service's Thrift endpoint, the comparison — and its
// time and peak RSS are printed. Target for the large preset (100 databases, 10,000 tables, 500,000 partitions):
// under 60 s and 500 MiB.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { PRESETS, type PresetName, generateMetastore } from './lib/hive-generator';
import { freePort } from './lib/ports';
import { spawnService } from './lib/services';
import { admin, call, getResource, until, validStartRequest, waitForOperation } from '../test/helpers/emulator';
import { createHiveSource } from '../test/helpers/hive-source';
import { startMariaDb } from '../test/helpers/mariadb';

const root = join(__dirname, '..');
const TARGET = { seconds: 60, mib: 500 };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { preset: { type: 'string', default: 'large' } } });
  const preset = values.preset as PresetName;
  const size = PRESETS[preset];
  if (!size) throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`);
  // A buffer pool that holds the whole metastore, as a production Cloud SQL instance's would.
  const db = await startMariaDb({ serverArgs: ['--innodb-buffer-pool-size=1G', '--innodb-log-file-size=256M'] });
  const emulatorPort = await freePort();
  const emulator = spawnService({
    name: 'emulator',
    command: process.execPath,
    args: ['--import', 'tsx', 'src/emulator/main.ts', '--port', String(emulatorPort), '--operation-delay-ms', '200'],
    cwd: root,
  });
  try {
    const source = await createHiveSource(db, { database: 'hive_bench' });
    const { host, port, user, password } = source.hive;
    const sql = await createConnection({ host, port, user, password, database: source.database });
    const generating = Date.now();
    const written = await generateMetastore(sql, size);
    await sql.end();
    console.log(
      `generated ${preset}: ${written.databases} databases, ${written.tables} tables, ${written.partitions} partitions, ` +
        `${written.columns} columns, ${written.functions} functions in ${seconds(Date.now() - generating)} s`,
    );

    await emulator.waitForOutput(/listening on/);
    const api = { url: `http://127.0.0.1:${emulatorPort}` };
    const service = 'projects/bench/locations/us-central1/services/verify';
    await admin(api, 'services', { name: service, databaseType: 'SPANNER', hiveMetastoreConfig: { version: '3.1.2' } });
    const { endpointUri } = await until(
      () => getResource(api, service),
      (s) => /^thrift:\/\//.test(s.endpointUri ?? ''),
      { what: 'the Thrift endpoint' },
    );
    const request = validStartRequest();
    const connection = request.migrationExecution.cloudSqlMigrationConfig!.cloudSqlConnectionConfig;
    Object.assign(connection, { ipAddress: host, port, hiveDatabaseName: source.database, username: user, password });
    const started = await call(api, 'POST', `/v1/${service}:startMigration`, request);
    await waitForOperation(api, started.body.name, { timeoutMs: 30_000 });
    const completed = await call(api, 'POST', `/v1/${service}:completeMigration`, {});
    await waitForOperation(api, completed.body.name, { timeoutMs: 30_000 });

    // The measured part, alone in a process of its own so its peak RSS is the verification's.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(root, 'scripts/lib/verify-once.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          VERIFY_SOURCE: JSON.stringify({ ...source.hive, database: source.database }),
          VERIFY_ENDPOINT: endpointUri,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const result = JSON.parse(stdout) as {
      ms: { source: number; dpms: number; compare: number; total: number };
      maxRssMiB: number;
      ok: boolean;
      summary: string;
    };
    console.log(result.summary);
    console.log(
      `reconciled in ${seconds(result.ms.total)} s (source SQL ${seconds(result.ms.source)} s, DPMS Thrift ` +
        `${seconds(result.ms.dpms)} s, compare ${seconds(result.ms.compare)} s), peak RSS ${result.maxRssMiB} MiB`,
    );
    const met = result.ms.total / 1000 < TARGET.seconds && result.maxRssMiB < TARGET.mib;
    console.log(
      `target (${preset === 'large' ? '' : 'set for the large preset: '}< ${TARGET.seconds} s, < ${TARGET.mib} MiB): ${met ? 'met' : 'NOT met'}`,
    );
    if (!result.ok) process.exitCode = 1;
  } finally {
    await emulator.stop();
    await db.close();
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
