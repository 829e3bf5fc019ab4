// The CLI's arguments: the usage text, parsing (a bad flag is a UsageError, exit 2) and typed flag readers.
import { parseArgs } from 'node:util';
import { migrationExecutionName } from '../migration/names';
import { ServiceNameSchema } from '../schemas';
import { HelpRequested, UsageError } from './errors';

export const USAGE = `usage: metastore-migrator <command> --service projects/P/locations/L/services/S [options] [--json]

commands:
  plan      --config FILE [--override CHECK]… [--source-ca REF [--source-server-name NAME]]
                                             run every precheck on the worker and report; changes nothing
  start     --config FILE [--migration-id ID] [--override CHECK]… [--poll-interval S] [--operation-poll S]
            [--notify [chat:]URL|env:NAME|worker]… [--source-ca REF [--source-server-name NAME]]
                                             plan, then start the migration workflow; refused if a check
                                             fails, unless that check is overridden by name
  start     --adopt --config FILE [--migration-id ID] [--restore-backups] [--reason TEXT] [--by NAME] […]
                                             take over the migration execution already running on the
                                             service (an earlier run, gcloud, the console) instead of starting
                                             one: refused (AdoptionRefused) unless one is active; then as any
                                             run: REPLICATION, complete/cancel, health, verification, backups.
                                             Backups found on are turned off and restored at the end; found
                                             off, they stay off unless --restore-backups (then the service's
                                             own schedule is turned on at the end)
  status    [--all]                          the workflow's stage, execution state/phase, backups, requests;
                                             --all (no --service): every running migration in one table
  watch     [--interval S]                   live view: stage timeline, execution, polls, last error, decisions;
                                             without --service every running migration; redraws on a terminal,
                                             one line per change on a pipe or with --json
  complete  [--reason TEXT] [--by NAME] [--override CHECK]… [--dry-run]
                                             ask for cutover: the cutover checks run first (execution, API
                                             errors, source health, schema VERSION, workloads.moved); refused
                                             with the reasons unless those checks are overridden by name;
                                             --dry-run shows the checks and decides nothing
  cancel    [--reason TEXT] [--by NAME]      cancel the migration; refused once cutover is under way
  wait                                       wait for the workflow to end and print its result; exits 3
                                             when the verification after cutover found a mismatch
  verify    [--config FILE [--source-ca REF [--source-server-name NAME]]]
                                             compare DPMS's Hive metastore (Thrift endpoint) with the source's,
                                             on the worker: exit 0 same, 3 mismatch, 1 not compared
  list                                       list the service's migration executions (Metastore API)
  describe  --migration ID                   one migration execution (Metastore API)
  delete    --migration ID                   delete a finished migration execution (Metastore API)
  list-workflows [--stage STAGE] [--state STATE] [--all]
                                             migration workflows (running ones unless --all); no --service

environment: the temporal CLI's own connection settings — TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE
(default), TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH,
TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE (a TOML
profile) —, TEMPORAL_TASK_QUEUE (metastore-migration), METASTORE_EMULATOR_HOST (host:port of the local emulator; unset = Google, ADC),
METASTORE_MIGRATOR_CODEC_KEYS (id:base64key,… payload encryption keys, the worker's), METASTORE_MIGRATOR_CODEC_KEY_ID`;

export interface Options {
  service: string;
  json: boolean;
  values: Record<string, string | boolean | string[] | undefined>;
}

export function parse(argv: string[]): { command: string; options: Options } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      service: { type: 'string' },
      config: { type: 'string' },
      'migration-id': { type: 'string' },
      override: { type: 'string', multiple: true },
      notify: { type: 'string', multiple: true },
      'skip-plan': { type: 'boolean', default: false },
      adopt: { type: 'boolean', default: false },
      'restore-backups': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      migration: { type: 'string' },
      'poll-interval': { type: 'string' },
      'operation-poll': { type: 'string' },
      'source-ca': { type: 'string' },
      'source-server-name': { type: 'string' },
      reason: { type: 'string' },
      by: { type: 'string' },
      stage: { type: 'string' },
      state: { type: 'string' },
      all: { type: 'boolean', default: false },
      interval: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help) throw new HelpRequested(USAGE);
  if (!command) throw new UsageError(USAGE);
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}\n\n${USAGE}`);
  // Commands about the fleet: no --service (watch and status take one to look at a single migration).
  const fleetWide =
    command === 'list-workflows' ||
    (command === 'watch' && values.service === undefined) ||
    (command === 'status' && values.all === true);
  if (fleetWide) return { command, options: { service: '', json: values.json === true, values } };
  const service = ServiceNameSchema.safeParse(values.service ?? '');
  if (!service.success)
    throw new UsageError(`--service: ${values.service ? service.error.issues[0]?.message : 'is required'}`);
  return { command, options: { service: service.data, json: values.json === true, values } };
}

export function required(options: Options, name: string): string {
  const value = options.values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function numberFlag(options: Options, name: string): number | undefined {
  const value = options.values[name];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(parsed))
    throw new UsageError(`--${name}: must be a number of seconds`);
  return parsed;
}

/**
 * options.sourceTls from --source-ca (a secret reference to the source's server CA: the worker resolves it) and
 * --source-server-name; validated with the rest of the request.
 */
export function sourceTlsFlags(options: Options): { caCertificate: string; serverName?: string } | undefined {
  const ca = options.values['source-ca'];
  const serverName = options.values['source-server-name'];
  if (typeof serverName === 'string' && typeof ca !== 'string')
    throw new UsageError('--source-server-name needs --source-ca');
  if (typeof ca !== 'string') return undefined;
  return { caCertificate: ca, ...(typeof serverName === 'string' && { serverName }) };
}

/** --migration takes the execution id (user-chosen, or the UUID the API generated) or its full name. */
export function migrationName(options: Options): string {
  const id = required(options, 'migration');
  const prefix = migrationExecutionName(options.service, '');
  if (id.startsWith(prefix))
    return migrationName({ ...options, values: { ...options.values, migration: id.slice(prefix.length) } });
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/.test(id)) {
    throw new UsageError('--migration: must be a migration execution id (letters, digits, hyphens) of this service');
  }
  return migrationExecutionName(options.service, id);
}

export function overridesOf(options: Options): string[] {
  const override = options.values.override;
  return Array.isArray(override) ? override : [];
}

/** Search attribute values are keywords: letters, digits and underscores only, so no query injection. */
export function keyword(flag: string, value: string): string {
  if (!/^[A-Z_]+$/.test(value)) throw new UsageError(`--${flag}: expected an upper-case name such as REPLICATION`);
  return value;
}
