// The CLI's help: the whole usage, one command's part of it (`start --help`, `help start`), and the nearest
// command for a typo. One text, so the general and the per-command help never disagree.
import { nearestKey } from '../schemas';
import { UsageError } from './errors';

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
  complete  [--reason TEXT] [--by NAME] [--override CHECK]… [--dry-run] [--yes]
                                             ask for cutover: the cutover checks run first (execution, API
                                             errors, source health, schema VERSION, workloads.moved); refused
                                             with the reasons unless those checks are overridden by name;
                                             --dry-run shows the checks and decides nothing. On a terminal it
                                             asks y/N first (a cutover cannot be undone); --yes skips that
  cancel    [--reason TEXT] [--by NAME] [--yes]
                                             cancel the migration; refused once cutover is under way; asks
                                             y/N first on a terminal, as complete does
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
  help      [COMMAND]                        this text, or one command's (as COMMAND --help)

environment: the temporal CLI's own connection settings — TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE
(default), TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH,
TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE (a TOML
profile) —, TEMPORAL_TASK_QUEUE (metastore-migration), METASTORE_EMULATOR_HOST (host:port of the local emulator; unset = Google, ADC),
METASTORE_MIGRATOR_CODEC_KEYS (id:base64key,… payload encryption keys, the worker's), METASTORE_MIGRATOR_CODEC_KEY_ID,
METASTORE_MIGRATOR_TEMPORAL_UI (the Temporal Web UI's URL, e.g. http://127.0.0.1:8233: start links to the workflow)`;

/** Every command, in the order of USAGE. */
export const COMMANDS = [
  'plan',
  'start',
  'status',
  'watch',
  'complete',
  'cancel',
  'wait',
  'verify',
  'list',
  'describe',
  'delete',
  'list-workflows',
] as const;

const [, BODY = ''] = USAGE.split('\n\ncommands:\n');
const [COMMAND_LINES = '', ENVIRONMENT = ''] = BODY.split('\n\nenvironment: ');

/**
 * One command's usage: its entries of USAGE (the line starting with its name and the lines indented under it;
 * `start` has two) and the environment. Undefined for a name that is no command.
 */
export function commandUsage(command: string): string | undefined {
  const entries: string[] = [];
  let inside = false;
  for (const line of COMMAND_LINES.split('\n')) {
    const name = /^ {2}(\S+)/.exec(line)?.[1];
    if (name !== undefined) {
      inside = name === command;
      if (inside) entries.push(line);
    } else if (inside) {
      entries[entries.length - 1] += `\n${line}`;
    }
  }
  if (entries.length === 0) return undefined;
  const service = command === 'list-workflows' ? '' : ' --service projects/P/locations/L/services/S';
  return [
    `usage: metastore-migrator ${command}${service} [options] [--json]`,
    '',
    ...entries,
    '',
    `environment: ${ENVIRONMENT}`,
  ].join('\n');
}

/** An unknown command: a usage error naming the nearest command (stauts → status), then the usage. */
export function unknownCommand(command: string): UsageError {
  const nearest = nearestKey(command, COMMANDS);
  const hint = nearest ? ` (did you mean ${nearest}?)` : '';
  return new UsageError(`unknown command: ${command}${hint}\n\n${USAGE}`);
}

/** A flag taking one of `known` values: anything else is a usage error listing them, with the nearest one. */
export function enumFlag(flag: string, value: string, known: readonly string[]): string {
  if (known.includes(value)) return value;
  const nearest = nearestKey(value, known);
  const hint = nearest ? ` (did you mean ${nearest}?)` : '';
  throw new UsageError(`--${flag}: unknown value ${JSON.stringify(value)}${hint}; expected one of ${known.join(', ')}`);
}
