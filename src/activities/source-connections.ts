// The Cloud SQL source's two connections (the DPMS user's and the Datastream user's) with passwords resolved on
// the worker, from a migration config whose passwords are secret references. Absent for a non-Cloud-SQL kind.
// How they are secured comes from the request's options.sourceTls (the CA, also by reference) within the worker's
// rule: a worker requires TLS unless its own environment opts out; workflow input cannot.
import { X509Certificate } from 'node:crypto';
import type { MigrationExecutionRequest, SourceTlsOption } from '../schemas';
import type { SecretResolver } from '../secrets/resolver';
import { SecretUnresolvedError, resolveMigrationExecution } from '../secrets/resolver';
import type { SourceConnectionOptions, SourceTls, SourceTlsPolicy } from '../source';

export interface SourceConnections {
  hive: SourceConnectionOptions;
  cdc: SourceConnectionOptions;
}

/** What an activity that reaches the source is given by the workflow. */
export interface SourceArgs {
  migrationExecution: MigrationExecutionRequest;
  /** options.sourceTls of the request; absent on runs older than it (then TLS is missing unless opted out). */
  sourceTls?: SourceTlsOption;
}

/** What the worker gives such an activity. */
export interface SourceDeps {
  secrets: SecretResolver;
  /** METASTORE_MIGRATOR_SOURCE_TLS; default 'required'. */
  sourceTlsPolicy?: SourceTlsPolicy;
}

export async function sourceConnections(
  { migrationExecution, sourceTls }: SourceArgs,
  { secrets, sourceTlsPolicy = 'required' }: SourceDeps,
): Promise<SourceConnections | undefined> {
  const config = (await resolveMigrationExecution(migrationExecution, secrets)).cloudSqlMigrationConfig;
  if (!config) return undefined;
  const tls = await resolveTls(sourceTls, secrets, sourceTlsPolicy);
  const { ipAddress: host, port, hiveDatabaseName: database, username, password } = config.cloudSqlConnectionConfig;
  return {
    hive: { host, port, database, user: username, password, tls },
    cdc: { host, port, database, user: config.cdcConfig.username, password: config.cdcConfig.password, tls },
  };
}

/** A CA named in the request always means verified TLS (also on an opted-out worker); none means off or missing. */
async function resolveTls(
  option: SourceTlsOption | undefined,
  secrets: SecretResolver,
  policy: SourceTlsPolicy,
): Promise<SourceTls> {
  if (!option) return policy === 'off' ? { mode: 'off' } : { mode: 'missing' };
  const field = 'options.sourceTls.caCertificate';
  const ca = await secrets(option.caCertificate, field);
  if (!holdsCertificate(ca))
    throw new SecretUnresolvedError(`${field}: ${option.caCertificate} does not hold a PEM certificate`);
  return { mode: 'verify', ca, ...(option.serverName && { serverName: option.serverName }) };
}

function holdsCertificate(pem: string): boolean {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return false;
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
