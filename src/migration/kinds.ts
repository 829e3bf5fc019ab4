// The kinds of managed migration. A kind is one member of the API's migration_config union: where the metadata
// comes from and goes to, what the service must be before it starts, and whether its source is a database the
// worker reads. The shell — precheck, scheduled backups off, start, wait for the engineer, complete | cancel,
// backups back — is the same for every kind; a kind adds its config (src/schemas/request.ts), its service
// requirements (here) and its steps around start and cutover (src/workflows/kind-steps.ts).
import type { LakehouseProxyConfig } from './migration-summary';
import type { ServiceFacts } from './service';
import { SERVICE_STATES, isKnownValue } from './vocabulary';

export interface MigrationKind {
  /** The member of migration_config this kind sends and reads. */
  configField: 'cloudSqlMigrationConfig' | 'biglakeMetastoreMigrationConfig';
  /** For people: from where to where. */
  title: string;
  /** The database type the service must have, if the kind needs one. */
  requiredDatabaseType?: string;
  /** Why a service in PROXY (after an outgoing migration) cannot take this kind, if it cannot. */
  proxyRefusal?: string;
  /**
   * A service in PROXY takes this kind as a further batch of Iceberg namespaces (proxyBatchProblem says when): a
   * phased outgoing migration moves namespaces in batches, and the service stays in PROXY between them.
   */
  proxyTakesFurtherBatch?: boolean;
  /** Its source is a MySQL database the worker reads: baseline, health watch, cutover checks, reconciliation. */
  readsSourceDatabase: boolean;
  /**
   * Whether scheduled backups are turned off for the migration and restored after it (DISABLING_BACKUPS,
   * RESTORING_BACKUPS). Only where the service is the target being written: a backup taken mid-migration would
   * hold a half-written metastore.
   */
  pausesScheduledBackups: boolean;
}

/** Cloud SQL for MySQL (a self-managed Hive metastore's database) → Dataproc Metastore: the incoming kind. */
export const CLOUD_SQL_KIND: MigrationKind = {
  configField: 'cloudSqlMigrationConfig',
  title: 'Cloud SQL for MySQL → Dataproc Metastore',
  requiredDatabaseType: 'SPANNER',
  proxyRefusal:
    'it forwards to the Lakehouse catalog after an outgoing migration, and an incoming migration cannot start on it',
  readsSourceDatabase: true,
  pausesScheduledBackups: true,
};

/**
 * Dataproc Metastore → the Lakehouse runtime catalog (BigLake Hive and Iceberg REST catalogs): the outgoing kind.
 * The service is its source and the API reads it, so the worker reads no database; any database type will do.
 */
export const BIGLAKE_KIND: MigrationKind = {
  configField: 'biglakeMetastoreMigrationConfig',
  title: 'Dataproc Metastore → Lakehouse runtime catalog (BigLake)',
  proxyTakesFurtherBatch: true,
  readsSourceDatabase: false,
  // The service is the source here: DPMS keeps its metastore and keeps serving it (namespaces not forwarded, and
  // everything again after a rollback), and nothing the migration does writes to it. Its backups are the rollback's
  // safety net, so they stay exactly as the engineer set them: no DISABLING_BACKUPS, no RESTORING_BACKUPS.
  pausesScheduledBackups: false,
};

export const MIGRATION_KINDS: readonly MigrationKind[] = [CLOUD_SQL_KIND, BIGLAKE_KIND];

/**
 * The kind of a migration config. The request schema admits only configs of a known kind, so this never has to
 * guess for a checked request; a config of no known kind (a run recorded before the rules) is taken as Cloud SQL,
 * the only kind there was.
 */
export function kindOf(migrationExecution: Partial<Record<MigrationKind['configField'], unknown>>): MigrationKind {
  return MIGRATION_KINDS.find((kind) => migrationExecution[kind.configField] !== undefined) ?? CLOUD_SQL_KIND;
}

/** The outgoing kind's targets, as its request names them (what a further PROXY batch is judged on). */
export interface LakehouseTargets {
  hiveConfig?: { catalog: string; databases: readonly string[] };
  icebergConfig?: { catalog: string; namespaces: readonly string[] };
}

/**
 * What stops `kind` from starting on this service; empty when nothing does. `targets`: the outgoing kind's, which
 * decide whether a service in PROXY may take it (without them it may not).
 */
export function serviceProblems(
  facts: ServiceFacts,
  kind: MigrationKind = CLOUD_SQL_KIND,
  targets?: LakehouseTargets,
): string[] {
  const problems: string[] = [];
  const proxyBatch = facts.state === 'PROXY' && kind.proxyTakesFurtherBatch;
  if (facts.state === 'PROXY' && kind.proxyRefusal) {
    problems.push(`service state is PROXY: ${kind.proxyRefusal}`);
  } else if (proxyBatch) {
    const problem = proxyBatchProblem(facts.lakehouseProxyConfig, targets);
    if (problem) problems.push(`service state is PROXY: ${problem}`);
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

/**
 * Whether a service in PROXY may take an outgoing migration of `targets`: only as a further batch of Iceberg
 * namespaces, to the catalog it already forwards to, none of them forwarded yet. Anything else is refused, since
 * the contract documents only namespace batches in PROXY: a Hive target ("is a Hive backfill allowed beside the
 * proxy?"), "*" (it would take the forwarded namespaces again) and another catalog (the proxy forwards to one).
 */
export function proxyBatchProblem(
  proxy: LakehouseProxyConfig | undefined,
  targets: LakehouseTargets | undefined,
): string | undefined {
  const batchOnly = 'a service in PROXY takes only a further batch of Iceberg namespaces';
  if (!proxy) {
    return `${batchOnly}, and it does not say which namespaces it forwards (no lakehouseProxyConfig), so a further batch cannot be told from a repeat`;
  }
  const iceberg = targets?.icebergConfig;
  if (!iceberg) return `${batchOnly}; this migration has no icebergConfig`;
  if (targets.hiveConfig)
    return `${batchOnly}; leave hiveConfig out (a Hive backfill beside the proxy is undocumented)`;
  if (proxy.catalog !== undefined && iceberg.catalog !== proxy.catalog) {
    return `it forwards to ${proxy.catalog}; a further batch must go to that catalog, not ${iceberg.catalog}`;
  }
  const forwarded = proxy.namespaces ?? [];
  if (iceberg.namespaces.includes('*')) {
    return `"*" would migrate again the namespaces it already forwards (${forwarded.join(', ') || 'none listed'}): name the next batch`;
  }
  const again = iceberg.namespaces.filter((namespace) => forwarded.includes(namespace));
  if (again.length > 0) {
    return `it already forwards ${again.join(', ')} (lakehouseProxyConfig.namespaces); a further batch names only others`;
  }
  return undefined;
}
