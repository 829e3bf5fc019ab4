// `--verify-source`: a VerifyStart (see verify-start.ts) that really connects to the Cloud SQL source named in a
// startMigration config, with src/source's prechecks, and fails the start the way the service would:
//   cannot connect, log in or open the database → "Unable to connect to the Cloud SQL instance …";
//   the Hive schema does not suit the service    → "The Hive metastore schema version … is not compatible …";
//   other Hive database problems                 → "The Hive metastore database … cannot be used: …";
//   not ready for Datastream (binlog, grants)    → "… is not ready for change data capture: …";
// all with google.rpc code FAILED_PRECONDITION. The first error finding decides (the Hive check's before the CDC
// check's); warnings never fail a start.
// [INF] Google documents neither the code nor the wording a real start fails with when the source is unusable:
// FAILED_PRECONDITION and these messages are our inference (the service state, not the request, is at fault).
// Messages name host, port, user and database, never a password (src/source redacts them too).
import { checkCdcReadiness, checkHiveSchema, type Finding, type SourceConnectionOptions } from '../source';
import type { CloudSqlMigrationConfig, VerifyStart, VerifyStartResult } from './verify-start';

export interface SourceVerifierOptions {
  /** Bound on TCP connect plus the MySQL handshake for each check; default src/source's (5000 ms). */
  connectTimeoutMs?: number;
}

/**
 * The Hive version a service gets when its request names none. [INF] Google's docs show 3.1.2 as the default for
 * new services; the emulator only needs some version to judge the schema against.
 */
export const DEFAULT_SERVICE_HIVE_VERSION = '3.1.2';

/** A human name for each CDC check that can fail a start. */
const CDC_PROBLEMS: Record<string, string> = {
  'cdc.logBin': 'binary logging is off',
  'cdc.binlogFormat': 'the binary log format is not ROW',
  'cdc.binlogRowImage': 'the binary log row image is not FULL',
  'cdc.binlogRowValueOptions': 'binlog_row_value_options is set',
  'cdc.binlogRetention': 'binary logs are not kept long enough',
  'cdc.grants': 'the CDC user lacks privileges',
};

/** `getServiceHiveVersion(service)` returns the service's `hiveMetastoreConfig.version`, if it has one. */
export function createSourceVerifier(
  getServiceHiveVersion: (service: string) => string | undefined,
  options: SourceVerifierOptions = {},
): VerifyStart {
  return async ({ service, cloudSqlMigrationConfig }) => {
    const hiveVersion = getServiceHiveVersion(service) ?? DEFAULT_SERVICE_HIVE_VERSION;
    const { hive, cdc } = connectionOptions(cloudSqlMigrationConfig, options);
    const [schema, readiness] = await Promise.all([checkHiveSchema(hive, hiveVersion), checkCdcReadiness(cdc)]);
    const hiveError = schema.findings.find(isError);
    if (hiveError) return failure(describeHive(hiveError, hive, hiveVersion));
    const cdcError = readiness.findings.find(isError);
    if (cdcError) return failure(describeCdc(cdcError, cdc));
    return { ok: true };
  };
}

function connectionOptions(
  config: CloudSqlMigrationConfig,
  { connectTimeoutMs }: SourceVerifierOptions,
): { hive: SourceConnectionOptions; cdc: SourceConnectionOptions } {
  const connection = config.cloudSqlConnectionConfig;
  const base = {
    host: connection.ipAddress,
    port: connection.port,
    database: connection.hiveDatabaseName,
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    // The emulator plays Google's side, which is handed the passwords by startMigration anyway; it is a local lab
    // tool. (Cleartext and server-key password plugins stay refused even so.)
    tls: { mode: 'off' as const },
  };
  return {
    hive: { ...base, user: connection.username, password: connection.password },
    cdc: { ...base, user: config.cdcConfig.username, password: config.cdcConfig.password },
  };
}

function isError(finding: Finding): boolean {
  return finding.level === 'error';
}

function failure(message: string): VerifyStartResult {
  return { ok: false, code: 'FAILED_PRECONDITION', message };
}

function target(options: SourceConnectionOptions): string {
  return `${options.host}:${options.port}`;
}

function describeConnection(finding: Finding, options: SourceConnectionOptions): string | undefined {
  if (finding.check === 'source.reachable') {
    return `Unable to connect to the Cloud SQL instance at ${target(options)} as user '${options.user}': ${finding.message}`;
  }
  if (finding.check === 'source.query') {
    return `Checking the Cloud SQL instance at ${target(options)} as user '${options.user}' failed: ${finding.message}`;
  }
  return undefined;
}

function describeHive(finding: Finding, options: SourceConnectionOptions, hiveVersion: string): string {
  const connection = describeConnection(finding, options);
  if (connection) return connection;
  if (finding.check === 'hive.schemaVersion') {
    // checkHiveSchema words an incompatible schema as "schema X.Y.Z is older/newer than …".
    const schema = /^schema (\S+) is (?:older|newer)/.exec(finding.message)?.[1];
    const version = schema === undefined ? '' : ` version ${schema}`;
    return (
      `The Hive metastore schema${version} in database '${options.database}' is not compatible with ` +
      `the service's Hive version ${hiveVersion}: ${finding.message}`
    );
  }
  return `The Hive metastore database '${options.database}' at ${target(options)} cannot be used: ${finding.message}`;
}

function describeCdc(finding: Finding, options: SourceConnectionOptions): string {
  const connection = describeConnection(finding, options);
  if (connection) return connection;
  const problem = CDC_PROBLEMS[finding.check] ?? finding.check;
  return `The Cloud SQL instance at ${target(options)} is not ready for change data capture: ${problem} (${finding.message})`;
}
