// The outgoing kind's request: biglakeMetastoreMigrationConfig, Dataproc Metastore → Lakehouse runtime catalog
// (BigLake), with the contract's rules R1–R4 (shared/reference/lakehouse-migration-api.md §A) checked before any
// API call. It holds no secret, so the API body and the engineer's request share this one schema.
import { z } from 'zod';
import { ReportPathSchema, expected, strictObject } from './field-rules';
import type { Problem } from './field-rules';
import { CatalogNameSchema } from './resource-name-schemas';
import { CHOSEN_CONFLICT_POLICIES, CHOSEN_MIGRATION_MODES, INCREMENTAL_SYNC_VERSIONS } from '../migration/vocabulary';
import type { ApiVersion } from '../migration/vocabulary';

/** A request's target list goes into workflow history and every status read: bounded. */
export const MAX_TARGET_NAMES = 1000;
/** The Hive metastore's DBS.NAME column is VARCHAR(128). */
export const MAX_HIVE_DATABASE_NAME = 128;

/**
 * An enum field of the request: one of `values` (as the API spells them). The proto's UNSPECIFIED default and
 * gcloud's lower-case spelling (--mode=backfill) get messages of their own, since both are easy to write.
 */
function choice<const T extends readonly [string, ...string[]]>(what: string, values: T, unspecified: string) {
  return z.enum(values, {
    error: (issue) => {
      const input = issue.input;
      if (typeof input !== 'string') return expected(what)(issue);
      if (input === unspecified) return `must not be ${unspecified}, the API's "not set": choose ${what}`;
      const spelled = input.toUpperCase().replace(/-/g, '_');
      if ((values as readonly string[]).includes(spelled))
        return `must be spelled as the API spells it, in upper case: ${spelled}`;
      return `must be ${what}`;
    },
  });
}

const MODES = `${CHOSEN_MIGRATION_MODES.join(' or ')}`;
const MigrationModeSchema = choice(MODES, CHOSEN_MIGRATION_MODES, 'MIGRATION_MODE_UNSPECIFIED');
const ConflictPolicySchema = choice(
  `${CHOSEN_CONFLICT_POLICIES.join(' or ')} (leave it out for the server's default, SKIP)`,
  CHOSEN_CONFLICT_POLICIES,
  'CONFLICT_POLICY_UNSPECIFIED',
);

/**
 * A database or namespace of the source service. DPMS keeps Iceberg tables in Hive databases, so both name a Hive
 * database: `[A-Za-z0-9_]` (Hive's own rule for database names), at most 128 characters. `*` is handled by the list.
 */
function hiveDatabaseNameProblem(noun: 'database' | 'namespace') {
  return (name: string): Problem => {
    if (name.includes('*'))
      return `must be a ${noun} name: a pattern is not supported, only "*" alone means every ${noun}`;
    if (noun === 'namespace' && name.includes('.'))
      return 'must be one namespace: Lakehouse Iceberg namespaces have one level only (not a.b)';
    if (name === '') return `must not be empty (a ${noun} name)`;
    if (name.length > MAX_HIVE_DATABASE_NAME) return `must be at most ${MAX_HIVE_DATABASE_NAME} characters`;
    if (!/^[A-Za-z0-9_]+$/.test(name))
      return `must be a ${noun} name of the service: letters, digits and _ only (Hive's rule for database names)`;
    return undefined;
  };
}

/**
 * hiveConfig.databases or icebergConfig.namespaces: `["*"]` (everything) or names. "*" mixed with names is refused:
 * it would mean "everything", and the names beside it suggest the engineer meant only those.
 */
function targetList(noun: 'database' | 'namespace') {
  const problem = hiveDatabaseNameProblem(noun);
  return z
    .array(z.string({ error: expected(`a ${noun} name`) }), {
      error: expected(`a list of ${noun} names, or ["*"] for every ${noun}`),
    })
    .min(1, `must list at least one ${noun}, or "*" alone for every ${noun}`)
    .max(MAX_TARGET_NAMES, `must list at most ${MAX_TARGET_NAMES} ${noun}s (or "*" alone for every ${noun})`)
    .superRefine((names, ctx) => {
      if (names.includes('*') && names.length > 1) {
        ctx.addIssue({
          code: 'custom',
          message: `must be ["*"] alone or a list of names: "*" means every ${noun}, so names beside it say nothing`,
        });
        return;
      }
      const seen = new Set<string>();
      names.forEach((name, index) => {
        const found = name === '*' ? undefined : problem(name);
        if (found) ctx.addIssue({ code: 'custom', path: [index], message: found });
        else if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [index], message: `lists this ${noun} twice` });
        seen.add(name);
      });
    });
}

/** Fields people write where another belongs (gcloud's flag names among them), and where each goes. */
const CONFIG_HINTS: Record<string, string> = {
  backfillStatus: 'is output only: the service reports the backfill there; a request never carries it',
  catalog: 'belongs inside hiveConfig or icebergConfig',
  databases: 'belongs inside hiveConfig (the Hive databases to migrate)',
  namespaces: 'belongs inside icebergConfig (the Iceberg namespaces to migrate)',
  hiveCatalog: "is gcloud's --hive-catalog; in the API it is hiveConfig.catalog",
  hiveDatabases: "is gcloud's --hive-databases; in the API it is hiveConfig.databases",
  icebergCatalog: "is gcloud's --iceberg-catalog; in the API it is icebergConfig.catalog",
  icebergNamespaces: "is gcloud's --iceberg-namespaces; in the API it is icebergConfig.namespaces",
  migrationExecutionId:
    'is not part of the migration config; pass it next to migrationExecution (the CLI: --migration-id)',
  requestId: 'is not part of the migration config; the workflow makes one per call so retries are idempotent',
  cloudSqlConnectionConfig: 'belongs to the incoming kind (cloudSqlMigrationConfig), not the outgoing one',
  cdcConfig: 'belongs to the incoming kind (cloudSqlMigrationConfig), not the outgoing one',
  biglakeMetastoreMigrationConfig: 'this level is already inside biglakeMetastoreMigrationConfig',
};

const HiveConfigSchema = strictObject(
  'the Hive target: { catalog, databases } (Hive tables to a Lakehouse Hive catalog)',
  { catalog: CatalogNameSchema, databases: targetList('database') },
  {
    namespaces: 'belongs in icebergConfig; hiveConfig lists databases',
    hiveCatalog: "is gcloud's --hive-catalog; here it is catalog",
    hiveDatabases: "is gcloud's --hive-databases; here it is databases",
  },
);

const IcebergConfigSchema = strictObject(
  'the Iceberg target: { catalog, namespaces } (Iceberg tables to a Lakehouse Iceberg REST catalog)',
  { catalog: CatalogNameSchema, namespaces: targetList('namespace') },
  {
    databases: 'belongs in hiveConfig; icebergConfig lists namespaces',
    icebergCatalog: "is gcloud's --iceberg-catalog; here it is catalog",
    icebergNamespaces: "is gcloud's --iceberg-namespaces; here it is namespaces",
  },
);

/**
 * biglakeMetastoreMigrationConfig as a request may carry it. `apiVersion`: the version the worker will call
 * (config.metastore.apiVersion); given, INCREMENTAL_SYNC is refused where that version has no such mode. Without
 * it the version rule is left to whoever knows the version (the worker's start body always knows it).
 */
export function biglakeMetastoreMigrationConfigSchema(apiVersion?: ApiVersion) {
  return strictObject(
    'the outgoing migration config: mode, hiveConfig and/or icebergConfig, optional conflictPolicy, dryRun, reportPath',
    {
      mode: MigrationModeSchema,
      conflictPolicy: ConflictPolicySchema.optional(),
      dryRun: z.boolean({ error: expected('true or false') }).optional(),
      hiveConfig: HiveConfigSchema.optional(),
      icebergConfig: IcebergConfigSchema.optional(),
      reportPath: ReportPathSchema.optional(),
    },
    CONFIG_HINTS,
  ).superRefine((config, ctx) => {
    // R1: without a target the server refuses the start; say so before anything is changed.
    if (!config.hiveConfig && !config.icebergConfig) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          'needs a target: hiveConfig (Hive tables to a Lakehouse Hive catalog), icebergConfig (Iceberg tables to ' +
          'a Lakehouse Iceberg REST catalog), or both',
      });
    }
    if (config.mode !== 'INCREMENTAL_SYNC') return;
    if (apiVersion !== undefined && !INCREMENTAL_SYNC_VERSIONS.includes(apiVersion)) {
      ctx.addIssue({
        code: 'custom',
        path: ['mode'],
        message:
          `must be BACKFILL with API version ${apiVersion}: INCREMENTAL_SYNC exists only in ` +
          `${INCREMENTAL_SYNC_VERSIONS.join(' and ')} (the worker's METASTORE_API_VERSION)`,
      });
    }
    // INCREMENTAL_SYNC replicates Iceberg tables only (public preview): a Hive target goes in a BACKFILL of its own.
    if (config.hiveConfig) {
      ctx.addIssue({
        code: 'custom',
        path: ['hiveConfig'],
        message:
          'must be left out with mode INCREMENTAL_SYNC, which migrates Iceberg tables only: migrate the Hive ' +
          'databases with a BACKFILL of their own',
      });
    }
  });
}

/** The version-agnostic schema (no INCREMENTAL_SYNC version rule): what is exported for the request's shape. */
export const BiglakeMetastoreMigrationConfigSchema = biglakeMetastoreMigrationConfigSchema();
export type BiglakeMetastoreMigrationConfigInput = z.infer<typeof BiglakeMetastoreMigrationConfigSchema>;
