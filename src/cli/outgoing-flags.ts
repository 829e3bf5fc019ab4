// The outgoing kind's config (biglakeMetastoreMigrationConfig) from gcloud's flags of `migrations start`, alone or
// over a config file of that kind, checked by the kind's own schema at the worker's API version: a bad value is
// refused here, naming the flag and the field, before anything is asked of Temporal or Google. Pure: the file is
// read and parsed by the caller.
import { validateBiglakeMigrationConfig } from '../schemas';
import type {
  ApiVersion,
  BiglakeMetastoreMigrationConfigInput,
  InputIssue,
  MigrationExecutionUnionRequest,
} from '../schemas';
import type { Options } from './args';
import { UsageError } from './errors';

const ROOT = 'biglakeMetastoreMigrationConfig';

/** Each flag and the field it sets, below biglakeMetastoreMigrationConfig. */
const FIELD_OF = {
  mode: 'mode',
  'conflict-policy': 'conflictPolicy',
  'dry-run': 'dryRun',
  'report-path': 'reportPath',
  'hive-catalog': 'hiveConfig.catalog',
  'hive-databases': 'hiveConfig.databases',
  'iceberg-catalog': 'icebergConfig.catalog',
  'iceberg-namespaces': 'icebergConfig.namespaces',
} as const;

export type OutgoingFlag = keyof typeof FIELD_OF;
export const OUTGOING_FLAGS = Object.keys(FIELD_OF) as OutgoingFlag[];

type Values = Options['values'];
type OutgoingConfig = BiglakeMetastoreMigrationConfigInput;

/** The outgoing flags on the command line, in the table's order (a switch counts only when given). */
export function outgoingFlagsGiven(values: Values): OutgoingFlag[] {
  return OUTGOING_FLAGS.filter((flag) => values[flag] !== undefined && values[flag] !== false);
}

/**
 * plan's and start's migrationExecution: the config file's (`file`, either kind, already checked), the outgoing
 * kind's from the flags, or the flags over a file of that kind. Flags of the outgoing kind over a file of the
 * incoming kind are refused, named: they would be silently meaningless.
 */
export function migrationExecutionOf(
  values: Values,
  apiVersion: ApiVersion,
  file: { name: string; execution: MigrationExecutionUnionRequest } | undefined,
  command: string,
): MigrationExecutionUnionRequest {
  const given = outgoingFlagsGiven(values);
  if (given.length === 0) {
    if (file) return file.execution;
    throw new UsageError(
      '--config FILE is required, or for the outgoing kind (Dataproc Metastore → Lakehouse) its flags instead ' +
        `(--hive-catalog and/or --iceberg-catalog, --mode, …); see metastore-migrator ${command} --help`,
    );
  }
  if (file && !('biglakeMetastoreMigrationConfig' in file.execution)) {
    throw new UsageError(
      `${given.map((flag) => `--${flag}`).join(', ')}: flags of the outgoing kind (Dataproc Metastore → ` +
        `Lakehouse), but ${file.name} is a config of the incoming kind (cloudSqlMigrationConfig); leave them out, ` +
        'or give the outgoing migration without that file',
    );
  }
  const config = file && 'biglakeMetastoreMigrationConfig' in file.execution ? file.execution : undefined;
  const from = file &&
    config?.biglakeMetastoreMigrationConfig && { name: file.name, config: config.biglakeMetastoreMigrationConfig };
  return { biglakeMetastoreMigrationConfig: outgoingConfigFromFlags(values, apiVersion, from) };
}

/**
 * biglakeMetastoreMigrationConfig from the flags, over `file` (the config file's, already checked) when given.
 * Each flag replaces exactly the field it names; without a file, the mode is gcloud's default (BACKFILL) and a
 * catalog's list is `*` (every database or namespace). A list flag without its catalog (from the flag or the
 * file) is refused: the names would have no catalog to go to.
 */
export function outgoingConfigFromFlags(
  values: Values,
  apiVersion: ApiVersion,
  from?: { name: string; config: OutgoingConfig },
): OutgoingConfig {
  const text = (flag: OutgoingFlag) => (typeof values[flag] === 'string' ? values[flag] : undefined);
  const list = (flag: OutgoingFlag) => text(flag)?.split(',');
  const file = from?.config;
  const config: Record<string, unknown> = { ...file };
  const mode = text('mode');
  if (mode !== undefined) config['mode'] = apiEnum(mode);
  else if (!file) config['mode'] = 'BACKFILL';
  const policy = text('conflict-policy');
  if (policy !== undefined) config['conflictPolicy'] = apiEnum(policy);
  if (values['dry-run'] === true) config['dryRun'] = true;
  const reportPath = text('report-path');
  if (reportPath !== undefined) config['reportPath'] = reportPath;
  const targets = [
    { field: 'hiveConfig', list: 'databases', catalogFlag: 'hive-catalog', listFlag: 'hive-databases' },
    { field: 'icebergConfig', list: 'namespaces', catalogFlag: 'iceberg-catalog', listFlag: 'iceberg-namespaces' },
  ] as const;
  for (const target of targets) {
    const fromFile = file?.[target.field] as Record<string, unknown> | undefined;
    const catalog = text(target.catalogFlag) ?? fromFile?.['catalog'];
    const names = list(target.listFlag);
    if (names !== undefined && catalog === undefined)
      throw new UsageError(
        `--${target.listFlag} needs --${target.catalogFlag} (the catalog they go to)` +
          (file ? ` or a ${target.field} in the config file` : ''),
      );
    if (catalog === undefined) continue;
    config[target.field] = { ...fromFile, catalog, [target.list]: names ?? fromFile?.[target.list] ?? ['*'] };
  }
  const checked = validateBiglakeMigrationConfig(config, apiVersion, ROOT);
  if (checked.ok) return checked.value;
  const given = outgoingFlagsGiven(values);
  const blamed = checked.issues.map((issue) => ({ issue, flags: flagsOf(issue.path, given) }));
  // A line leads with the flag, as typed, then the field it set; --json's issues keep the path and name the flag.
  const lines = blamed.map(
    ({ issue, flags }) =>
      `${flags ? `${flags} (${issue.path})` : `${issue.path} (from ${from?.name ?? 'the config file'})`}: ${issue.message}`,
  );
  const issues: InputIssue[] = blamed.map(({ issue, flags }) => ({
    path: issue.path,
    message: flags ? `${flags}: ${issue.message}` : issue.message,
  }));
  throw new UsageError(`invalid flags for the outgoing migration:\n${lines.join('\n')}`, issues);
}

/** gcloud's choice as the API's enum value: incremental-sync → INCREMENTAL_SYNC. */
function apiEnum(choice: string): string {
  return choice.toUpperCase().replace(/-/g, '_');
}

/**
 * The flag(s) that set the issue's field (`--hive-catalog`), or for an issue of the whole config (no target at
 * all) the flags that would give one; undefined for a field the file set, whose path says where.
 */
function flagsOf(path: string, given: readonly OutgoingFlag[]): string | undefined {
  const field = path === ROOT ? '' : path.slice(ROOT.length + 1);
  if (field === '') return '--hive-catalog or --iceberg-catalog';
  const flags = given.filter((flag) => {
    const set: string = FIELD_OF[flag];
    return set === field || set.startsWith(`${field}.`) || field.startsWith(`${set}.`);
  });
  return flags.length > 0 ? flags.map((flag) => `--${flag}`).join(', ') : undefined;
}
