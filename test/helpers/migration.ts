// Shared test data and waiting helpers for workflow, activity and end-to-end tests.
import type { MigrationExecutionRequest, MigrationOptions } from '../../src/schemas';
import type { SecretPolicy } from '../../src/secrets/resolver';
import { randomBytes } from 'node:crypto';
import { MUST_RUN_CUTOVER_CHECKS } from '../../src/migration/cutover';

/** The worker-side environment that env: secret references resolve against in tests. */
export const SECRET_ENV = { HIVE_DB_PASSWORD: 'hive-pass-7d1e9c', CDC_PASSWORD: 'cdc-pass-93a0f2' } as const;

/** The secret policy of the tests' in-process workers: the variables of `env`, Secret Manager's test-project. */
export function secretPolicyFor(
  env: Record<string, string | undefined>,
  more: Partial<SecretPolicy> = {},
): SecretPolicy {
  return { env: Object.keys(env), projects: ['test-project'], ...more };
}

/** The same for a worker process (its environment variables). */
export const SECRET_POLICY_ENV = { METASTORE_MIGRATOR_SECRET_ENV: Object.keys(SECRET_ENV).join(',') };

/**
 * Most tests' migrations name a source the worker cannot reach (127.0.0.1:1): the cutover checks that must run
 * are skipped there and block complete, so those tests complete with them overridden by name, as an engineer
 * whose worker cannot reach the source would.
 */
export const SOURCE_NOT_REACHED: string[] = [...MUST_RUN_CUTOVER_CHECKS];
/** A complete's argument that overrides them. */
export const COMPLETE_UNREACHED = { override: SOURCE_NOT_REACHED } as const;
/** The CLI's flags that override them. */
export const SOURCE_NOT_REACHED_FLAGS = SOURCE_NOT_REACHED.flatMap((check) => ['--override', check]);

/**
 * This test process's part of the names that become workflow ids (services, rollouts). The pid alone would do on
 * a dev server of our own, but an existing server keeps earlier runs' workflows, and pids come round again.
 */
export const RUN_TOKEN = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;

let counter = 0;
/** A service name no other test uses. */
export function uniqueServiceName(prefix = 'svc'): string {
  counter += 1;
  return `projects/test-project/locations/us-central1/services/${prefix}-${RUN_TOKEN}-${counter}`;
}

export const ORIGINAL_BACKUP = {
  enabled: true,
  cronSchedule: '0 3 * * *',
  timeZone: 'Europe/Berlin',
  backupLocation: 'gs://test-backups/hms',
} as const;

/** A SPANNER service with scheduled backups on, as the emulator's seed endpoint takes it. */
export function serviceSeed(name: string, overrides: Record<string, unknown> = {}) {
  return {
    name,
    databaseType: 'SPANNER',
    tier: 'ENTERPRISE',
    hiveMetastoreConfig: { version: '3.1.2' },
    scheduledBackup: { ...ORIGINAL_BACKUP },
    ...overrides,
  };
}

/** Where the source MySQL is: by default a closed port on 127.0.0.1 (unreachable, so source checks skip). */
export interface SourceLocation {
  port: number;
  database: string;
  hiveUser: string;
  cdcUser: string;
}
export const UNREACHABLE_SOURCE: SourceLocation = {
  port: 1,
  database: 'hive',
  hiveUser: 'hive',
  cdcUser: 'datastream',
};

/** The migrationExecution body with passwords as secret references (what an engineer writes). */
export function migrationExecutionRequest(source: SourceLocation = UNREACHABLE_SOURCE): MigrationExecutionRequest {
  return {
    cloudSqlMigrationConfig: {
      cloudSqlConnectionConfig: {
        instanceConnectionName: 'test-project:us-central1:hive-mysql',
        ipAddress: '127.0.0.1',
        port: source.port,
        hiveDatabaseName: source.database,
        username: source.hiveUser,
        password: 'env:HIVE_DB_PASSWORD',
        proxySubnet: 'projects/test-project/regions/us-central1/subnetworks/proxy',
        natSubnet: 'projects/test-project/regions/us-central1/subnetworks/nat',
      },
      cdcConfig: {
        vpcNetwork: 'projects/test-project/locations/global/networks/default',
        subnetIpRange: '10.0.0.0/29',
        reverseProxySubnet: 'projects/test-project/regions/us-central1/subnetworks/reverse-proxy',
        username: source.cdcUser,
        password: 'env:CDC_PASSWORD',
        rootPath: '/migration',
      },
    },
  };
}

/** migrationExecutionRequest() as gcloud or the console send it: with the passwords themselves (SECRET_ENV's). */
export function plaintextMigrationExecution(source: SourceLocation = UNREACHABLE_SOURCE) {
  const config = migrationExecutionRequest(source).cloudSqlMigrationConfig!;
  return {
    cloudSqlMigrationConfig: {
      cloudSqlConnectionConfig: { ...config.cloudSqlConnectionConfig, password: SECRET_ENV.HIVE_DB_PASSWORD },
      cdcConfig: { ...config.cdcConfig, password: SECRET_ENV.CDC_PASSWORD },
    },
  };
}

/** Poll intervals small enough that a test finishes in seconds. */
export const FAST_OPTIONS: Partial<MigrationOptions> = {
  pollIntervalSeconds: 0.2,
  operationPollSeconds: 0.1,
  maxQuietSeconds: 30,
};

/** Re-evaluates `check` until it returns a value other than undefined/false, or fails after the deadline. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** migrationExecutionRequest() as an engineer's YAML file, in the snake_case of Google's curl example. */
export function snakeCaseConfigYaml({
  cdcPassword = 'env:CDC_PASSWORD',
  source = UNREACHABLE_SOURCE,
}: { cdcPassword?: string; source?: SourceLocation } = {}): string {
  return `
cloud_sql_migration_config:
  cloud_sql_connection_config:
    instance_connection_name: test-project:us-central1:hive-mysql
    ip_address: 127.0.0.1
    port: ${source.port}
    hive_database_name: ${source.database}
    username: ${source.hiveUser}
    password: env:HIVE_DB_PASSWORD
    proxy_subnet: projects/test-project/regions/us-central1/subnetworks/proxy
    nat_subnet: projects/test-project/regions/us-central1/subnetworks/nat
  cdc_config:
    username: ${source.cdcUser}
    password: ${cdcPassword}
    vpc_network: projects/test-project/locations/global/networks/default
    subnet_ip_range: 10.0.0.0/29
    reverse_proxy_subnet: projects/test-project/regions/us-central1/subnetworks/reverse-proxy
    root_path: /migration
`;
}
