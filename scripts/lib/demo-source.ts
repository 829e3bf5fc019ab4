// The demo's source: a throw-away MariaDB standing in for Cloud SQL for MySQL, with a Hive 3.1 metastore schema, the
// DPMS and Datastream users, sample tables, binlog settings Datastream accepts and TLS from a CA made for the run.
// The same helpers the tests use (test/helpers/mariadb.ts, hive-source.ts), as scripts/bench-verify.ts does.
import { existsSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { PRESETS, generateMetastore } from './hive-generator';
import { createHiveSource } from '../../test/helpers/hive-source';
import { GOOD_CDC_SERVER_ARGS, MARIADBD, type MariaDb, startMariaDb } from '../../test/helpers/mariadb';
import { SERVER_NAME } from '../../test/helpers/test-ca';

/** Cloud SQL for MySQL's port, what examples/migration.yaml names (anything else draws plan's config.port warning). */
export const CLOUD_SQL_PORT = 3306;

export interface DemoSource {
  db: MariaDb;
  port: number;
  /** The CA that signed the server's certificate (PEM): the worker verifies the source against it. */
  caPem: string;
  /** The DNS name the server's certificate carries, as --source-server-name checks it. */
  serverName: string;
}

export interface DemoSourceOptions {
  database: string;
  hiveUser: string;
  hivePassword: string;
  cdcUser: string;
  cdcPassword: string;
}

/** Whether this machine can run the source (Debian's mariadb-server installed). */
export function canRunSource(): boolean {
  return existsSync(MARIADBD);
}

/** Starts the source on 127.0.0.1 (3306 if free) and fills it; close it with `db.close()`. */
export async function startDemoSource(options: DemoSourceOptions): Promise<DemoSource> {
  // TLS offered, not required: the emulator, playing Google's side, reads the source without it (README, TLS to the
  // source); the worker always asks for it and verifies the certificate against the CA.
  const db = await startMariaDb({ serverArgs: GOOD_CDC_SERVER_ARGS, tls: true, preferredPort: CLOUD_SQL_PORT });
  try {
    const source = await createHiveSource(db, options);
    // PROCESS lets the DPMS user see every account's sessions, so workloads.moved can say `ok` rather than warn that
    // other accounts are out of sight: what README's cutover gate recommends for a real instance.
    await db.rootQuery(`GRANT PROCESS ON *.* TO ?@'127.0.0.1', ?@'localhost'`, [options.hiveUser, options.hiveUser]);
    const { host, port, user, password } = source.hive;
    const sql = await createConnection({ host, port, user, password, database: source.database });
    try {
      await generateMetastore(sql, PRESETS.small, 1);
    } finally {
      await sql.end();
    }
    return { db, port: db.port, caPem: db.tls!.ca, serverName: SERVER_NAME };
  } catch (err) {
    await db.close();
    throw err;
  }
}
