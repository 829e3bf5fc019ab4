// The Cloud SQL source's two connections (the DPMS user's and the Datastream user's) with passwords resolved on
// the worker, from a migration config whose passwords are secret references. Absent for a non-Cloud-SQL kind.
import type { MigrationExecutionRequest } from '../schemas';
import type { SecretResolver } from '../secrets/resolver';
import { resolveMigrationExecution } from '../secrets/resolver';
import type { SourceConnectionOptions } from '../source';

export interface SourceConnections {
  hive: SourceConnectionOptions;
  cdc: SourceConnectionOptions;
}

export async function sourceConnections(
  migrationExecution: MigrationExecutionRequest,
  secrets: SecretResolver,
): Promise<SourceConnections | undefined> {
  const config = (await resolveMigrationExecution(migrationExecution, secrets)).cloudSqlMigrationConfig;
  if (!config) return undefined;
  const { ipAddress: host, port, hiveDatabaseName: database, username, password } = config.cloudSqlConnectionConfig;
  return {
    hive: { host, port, database, user: username, password },
    cdc: { host, port, database, user: config.cdcConfig.username, password: config.cdcConfig.password },
  };
}
