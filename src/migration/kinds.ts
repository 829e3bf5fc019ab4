// The kinds of managed migration. A kind is one member of the API's migration_config union: where the metadata
// comes from and goes to, what the service must be before it starts, and whether its source is a database the
// worker reads. The shell — precheck, scheduled backups off, start, wait for the engineer, complete | cancel,
// backups back — is the same for every kind; a kind adds its config (src/schemas/request.ts), its service
// requirements (here) and its steps around start and cutover (src/workflows/kind-steps.ts).
import type { ServiceFacts } from './service';
import { SERVICE_STATES, isKnownValue } from './vocabulary';

export interface MigrationKind {
  /** The member of migration_config this kind sends and reads. */
  configField: 'cloudSqlMigrationConfig';
  /** For people: from where to where. */
  title: string;
  /** The database type the service must have, if the kind needs one. */
  requiredDatabaseType?: string;
  /** Why a service in PROXY (after an outgoing migration) cannot take this kind, if it cannot. */
  proxyRefusal?: string;
  /** Its source is a MySQL database the worker reads: baseline, health watch, cutover checks, reconciliation. */
  readsSourceDatabase: boolean;
}

/** Cloud SQL for MySQL (a self-managed Hive metastore's database) → Dataproc Metastore: the incoming kind. */
export const CLOUD_SQL_KIND: MigrationKind = {
  configField: 'cloudSqlMigrationConfig',
  title: 'Cloud SQL for MySQL → Dataproc Metastore',
  requiredDatabaseType: 'SPANNER',
  proxyRefusal:
    'it forwards to the Lakehouse catalog after an outgoing migration, and an incoming migration cannot start on it',
  readsSourceDatabase: true,
};

export const MIGRATION_KINDS: readonly MigrationKind[] = [CLOUD_SQL_KIND];

/**
 * The kind of a migration config. The request schema admits only configs of a known kind, so this never has to
 * guess for a checked request; a config of no known kind (a run recorded before the rules) is taken as Cloud SQL,
 * the only kind there was.
 */
export function kindOf(migrationExecution: Partial<Record<MigrationKind['configField'], unknown>>): MigrationKind {
  return MIGRATION_KINDS.find((kind) => migrationExecution[kind.configField] !== undefined) ?? CLOUD_SQL_KIND;
}

/** What stops `kind` from starting on this service; empty when nothing does. */
export function serviceProblems(facts: ServiceFacts, kind: MigrationKind = CLOUD_SQL_KIND): string[] {
  const problems: string[] = [];
  if (facts.state === 'PROXY' && kind.proxyRefusal) {
    problems.push(`service state is PROXY: ${kind.proxyRefusal}`);
  } else if (facts.state !== undefined && !isKnownValue(SERVICE_STATES, facts.state)) {
    problems.push(`service state is ${facts.state}, a value this tool does not know; must be ACTIVE`);
  } else if (facts.state !== 'ACTIVE') {
    problems.push(`service state is ${facts.state ?? 'STATE_UNSPECIFIED'}, must be ACTIVE`);
  }
  if (kind.requiredDatabaseType && facts.databaseType !== kind.requiredDatabaseType) {
    problems.push(
      `service databaseType is ${facts.databaseType ?? 'unset'}, managed migration requires ${kind.requiredDatabaseType}`,
    );
  }
  if (facts.activeExecutions.length > 0) {
    problems.push(
      `a migration is already in flight: ${facts.activeExecutions.join(', ')} (start --adopt takes it over)`,
    );
  }
  return problems;
}
