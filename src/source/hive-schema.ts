// Precheck of the Hive metastore database with the DPMS connection credentials (`cloudSqlConnectionConfig`):
// the core tables exist, VERSION.SCHEMA_VERSION suits the service's Hive version, and the user can write.
import { withSourceConnection, type SourceSession } from './connection';
import { missingPrivileges, parseGrants, privilegesOn, showGrants } from './grants';
import { hiveSchemaCompatibility, parseHiveVersion } from './hive-version';
import { finding, type Finding, type SourceCheck, type SourceConnectionOptions } from './types';

/** Tables every Hive metastore schema since 2.x has and HMS reads on start-up or on the first query. */
export const HIVE_CORE_TABLES = [
  'VERSION',
  'DBS',
  'DATABASE_PARAMS',
  'TBLS',
  'TABLE_PARAMS',
  'SDS',
  'CDS',
  'COLUMNS_V2',
  'SERDES',
  'PARTITIONS',
  'PARTITION_KEYS',
  'PARTITION_KEY_VALS',
] as const;

/** DPMS runs HMS against this database during REPLICATION, so the user must read and write rows [INF]. */
const REQUIRED_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;
/** Not needed to serve metadata, but schema changes (upgrades, new tables) need them [INF]. */
const RECOMMENDED_PRIVILEGES = ['CREATE', 'ALTER', 'DROP', 'INDEX'] as const;

/**
 * Connects to `options.database` as the DPMS connection user and checks it against the DPMS service's
 * `hiveMetastoreConfig.version` (e.g. '3.1.2'). Findings: source.reachable, hive.coreTables, hive.schemaVersion,
 * hive.writeAccess.
 */
export async function checkHiveSchema(
  options: SourceConnectionOptions,
  serviceHiveVersion: string,
): Promise<SourceCheck> {
  return withSourceConnection(options, { useDatabase: true }, async (session) => {
    const tables = await tableNames(session, options.database);
    return [
      coreTablesFinding(tables, options.database),
      await schemaVersionFinding(session, tables, serviceHiveVersion),
      await writeAccessFinding(session, options.database),
    ];
  });
}

/** Upper-cased table names: Hive creates them in upper case, lower_case_table_names=1 servers show them lower. */
async function tableNames(session: SourceSession, database: string): Promise<Set<string>> {
  const rows = await session.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [
    database,
  ]);
  return new Set(rows.map((row) => String(row.name).toUpperCase()));
}

function coreTablesFinding(tables: Set<string>, database: string): Finding {
  const missing = HIVE_CORE_TABLES.filter((table) => !tables.has(table));
  if (missing.length === 0) return finding('hive.coreTables', 'ok', `'${database}' has the Hive metastore core tables`);
  return finding(
    'hive.coreTables',
    'error',
    `'${database}' lacks Hive metastore tables ${missing.join(', ')}: is it the Hive metastore database, initialised with schematool?`,
  );
}

async function schemaVersionFinding(session: SourceSession, tables: Set<string>, service: string): Promise<Finding> {
  const fail = (message: string) => finding('hive.schemaVersion', 'error', message);
  const serviceVersion = parseHiveVersion(service);
  if (!serviceVersion) return fail(`the service's Hive version '${service}' is not a version number`);
  if (!tables.has('VERSION')) return fail('there is no VERSION table, so the Hive schema version is unknown');
  const rows = await session.query('SELECT SCHEMA_VERSION AS version FROM `VERSION`');
  if (rows.length !== 1) return fail(`the VERSION table has ${rows.length} rows; Hive expects exactly one`);
  const schema = String(rows[0]?.version ?? '');
  const schemaVersion = parseHiveVersion(schema);
  if (!schemaVersion) return fail(`VERSION.SCHEMA_VERSION '${schema}' is not a version number`);
  const compatibility = hiveSchemaCompatibility(schemaVersion, serviceVersion);
  if (compatibility.compatible) {
    return finding('hive.schemaVersion', 'ok', `schema ${schema} is compatible with DPMS Hive ${service}`);
  }
  const target = `${serviceVersion.major}.${serviceVersion.minor}.0`;
  return fail(
    compatibility.reason === 'older'
      ? `schema ${schema} is older than DPMS Hive ${service}: upgrade it first (schematool -upgradeSchemaFrom ${schema}, to ${target})`
      : `schema ${schema} is newer than DPMS Hive ${service}: the service needs Hive ${schemaVersion.major}.${schemaVersion.minor} or later`,
  );
}

async function writeAccessFinding(session: SourceSession, database: string): Promise<Finding> {
  const grants = parseGrants(await showGrants(session));
  const held = privilegesOn(grants, database);
  const missing = missingPrivileges(held, REQUIRED_PRIVILEGES);
  const roles = grants.hasRoles ? ' (privileges held through roles are not checked)' : '';
  if (missing.length > 0) {
    return finding(
      'hive.writeAccess',
      'error',
      `the user lacks ${missing.join(', ')} on '${database}'; DPMS serves metadata from it during replication${roles}`,
    );
  }
  const recommended = missingPrivileges(held, RECOMMENDED_PRIVILEGES);
  if (recommended.length > 0) {
    return finding(
      'hive.writeAccess',
      'warning',
      `the user can read and write '${database}' but lacks ${recommended.join(', ')}, which schema changes need${roles}`,
    );
  }
  return finding('hive.writeAccess', 'ok', `the user has full access to '${database}'`);
}
