// A Hive metastore database with its DPMS and Datastream users on a private MariaDB (see ./mariadb.ts).
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import type { StartMigrationRequest } from '../../src/schemas';
import type { SourceConnectionOptions, SourceTls } from '../../src/source/types';
import { validStartRequest } from './emulator';
import type { MariaDb } from './mariadb';

/** Plaintext passwords createHiveSource() uses by default: tests grep findings to prove they never appear. */
export const HIVE_PASSWORD = 'hive-Secret-7d2e91c4';
export const CDC_PASSWORD = 'cdc-Secret-5b0f38a6';

export interface HiveSourceOptions {
  database?: string;
  /** Substituted for @SCHEMA_VERSION@ in the fixture's VERSION row. */
  schemaVersion?: string;
  hiveUser?: string;
  hivePassword?: string;
  cdcUser?: string;
  cdcPassword?: string;
  /** Granted ON *.* to the CDC user; '' grants nothing. */
  cdcGrants?: string;
  /**
   * The DPMS user as one account for every host ('user'@'%'), as Cloud SQL creates users: the worker, DPMS and an
   * old metastore server connecting from another address then share it, and see each other's sessions.
   */
  anyHost?: boolean;
}

export interface HiveSource {
  database: string;
  /** The DPMS connection user (ALL PRIVILEGES on the database), over TCP to 127.0.0.1 (TLS if the db has it). */
  hive: SourceConnectionOptions;
  /** The Datastream user, over TCP to 127.0.0.1. */
  cdc: SourceConnectionOptions;
}

const FIXTURE = join(__dirname, '..', 'fixtures', 'hive-metastore-schema.sql');

/**
 * Creates a Hive metastore database from test/fixtures/hive-metastore-schema.sql and its two users, each as
 * 'user'@'127.0.0.1' (TCP) and 'user'@'localhost' (socket). Users are replaced if they exist, so give each source
 * its own user names.
 */
export async function createHiveSource(db: MariaDb, options: HiveSourceOptions = {}): Promise<HiveSource> {
  const {
    database = 'hive',
    schemaVersion = '3.1.0',
    hiveUser = 'hive',
    hivePassword = HIVE_PASSWORD,
    cdcUser = 'datastream',
    cdcPassword = CDC_PASSWORD,
    cdcGrants = 'REPLICATION SLAVE, REPLICATION CLIENT, SELECT',
    anyHost = false,
  } = options;
  if (!/^\w+$/.test(database)) throw new Error(`database name '${database}' must be a plain identifier`);
  if (!/^[\w.-]+$/.test(schemaVersion)) throw new Error(`schema version '${schemaVersion}' must be a plain version`);
  const schema = (await readFile(FIXTURE, 'utf8')).replaceAll('@SCHEMA_VERSION@', schemaVersion);
  await db.rootQuery(`CREATE DATABASE \`${database}\`; USE \`${database}\`; ${schema}`);
  for (const host of anyHost ? ['%'] : ['127.0.0.1', 'localhost']) {
    await db.rootQuery('CREATE OR REPLACE USER ?@? IDENTIFIED BY ?', [hiveUser, host, hivePassword]);
    await db.rootQuery(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO ?@?`, [hiveUser, host]);
  }
  for (const host of ['127.0.0.1', 'localhost']) {
    await db.rootQuery('CREATE OR REPLACE USER ?@? IDENTIFIED BY ?', [cdcUser, host, cdcPassword]);
    if (cdcGrants !== '') await db.rootQuery(`GRANT ${cdcGrants} ON *.* TO ?@?`, [cdcUser, host]);
  }
  // Verified TLS when the instance serves it; otherwise plain TCP, as only the worker's lab opt-out allows.
  const tls: SourceTls = db.tls ? { mode: 'verify', ca: db.tls.ca } : { mode: 'off' };
  const connection = { host: db.host, port: db.port, database, connectTimeoutMs: 2_000, tls };
  return {
    database,
    hive: { ...connection, user: hiveUser, password: hivePassword },
    cdc: { ...connection, user: cdcUser, password: cdcPassword },
  };
}

/**
 * A session as the DPMS user on the Hive database from another loopback address (a stand-in for the self-managed
 * metastore server). mysql2 ignores its localAddress option, so the socket is bound here and handed over.
 */
export function connectFrom(source: HiveSource, localAddress: string): Promise<Connection> {
  const { host, port, user, password } = source.hive;
  const stream = connect({ host, port, localAddress });
  return createConnection({ user, password, database: source.database, stream });
}

/** validStartRequest() (./emulator.ts) with its Cloud SQL config pointing at `source`: its users and passwords unless overridden. */
export function startRequestFor(
  source: Pick<HiveSource, 'hive' | 'cdc'>,
  overrides: { hivePassword?: string } = {},
): StartMigrationRequest {
  const request = validStartRequest();
  const config = request.migrationExecution.cloudSqlMigrationConfig;
  if (!config) throw new Error('validStartRequest() has no cloudSqlMigrationConfig');
  Object.assign(config.cloudSqlConnectionConfig, {
    ipAddress: source.hive.host,
    port: source.hive.port,
    hiveDatabaseName: source.hive.database,
    username: source.hive.user,
    password: overrides.hivePassword ?? source.hive.password,
  });
  Object.assign(config.cdcConfig, { username: source.cdc.user, password: source.cdc.password });
  return request;
}
