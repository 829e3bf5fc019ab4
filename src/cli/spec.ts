// The CLI's commands and flags as data: program.ts builds the commander program from this table, the completion
// scripts are generated from that program, and args.ts turns a parse into the commands' Options. A new flag, a new
// command or a command group (`rollout status|watch|…` as `subcommands`) is a new entry here, not parser code.
import { EXECUTION_STATES } from '../schemas';
import { STAGES } from '../migration/state';

export interface OptionSpec {
  /** The value's placeholder (`--config FILE`); absent for a switch. `FILE` values complete as file names. */
  value?: string;
  /** A one-letter alias (`-y`). */
  short?: string;
  /** Given more than once, every value is kept (a list), in order. */
  repeatable?: boolean;
  /** The only values it takes; anything else is a usage error naming the nearest one. */
  choices?: readonly string[];
  /**
   * With choices written as gcloud writes them (backfill, incremental-sync): the API's spelling of the same value
   * (BACKFILL, INCREMENTAL_SYNC) is accepted too, so an engineer can copy either a gcloud line or a config file.
   */
  apiSpelling?: true;
  /** A second long name for the same flag (gcloud's `--migration-execution-id` for `--migration-id`). */
  alias?: string;
  description: string;
}

export const OPTIONS = {
  service: { value: 'NAME', description: 'the service: projects/PROJECT/locations/LOCATION/services/SERVICE' },
  config: { value: 'FILE', description: 'the migration config (YAML or JSON; passwords as secret references)' },
  'migration-id': {
    value: 'ID',
    alias: 'migration-execution-id',
    description: 'the migration execution id to create (default: the API picks one)',
  },
  override: { value: 'CHECK', repeatable: true, description: 'accept a blocking check by name (repeatable)' },
  notify: {
    value: 'TARGET',
    repeatable: true,
    description: 'a notification target: [chat:]URL, env:NAME or worker (repeatable)',
  },
  'skip-plan': { description: 'start without planning first (the workflow still runs its prechecks)' },
  'skip-prechecks': { description: 'rollout plan: leave out the members’ prechecks (the worker’s plans)' },
  adopt: { description: 'take over the migration execution already running on the service' },
  'restore-backups': { description: 'with --adopt: turn the service’s scheduled backups on at the end' },
  'dry-run': { description: 'show the cutover checks and decide nothing' },
  // The outgoing kind (DPMS → Lakehouse), as gcloud's GA `metastore services migrations start` spells them; they
  // build biglakeMetastoreMigrationConfig (src/cli/outgoing-flags.ts), so that kind needs no --config file.
  mode: {
    value: 'MODE',
    choices: ['backfill', 'incremental-sync'],
    apiSpelling: true,
    description:
      'the outgoing kind’s mode (default backfill, or the file’s); incremental-sync: Iceberg only, API v1alpha/v1beta',
  },
  'conflict-policy': {
    value: 'POLICY',
    choices: ['skip', 'overwrite'],
    apiSpelling: true,
    description:
      'the outgoing kind: what is already in the target catalog is skipped or overwritten (default: the server’s, skip)',
  },
  'report-path': { value: 'GS_URI', description: 'the outgoing kind: gs://BUCKET/FOLDER for the report' },
  'hive-catalog': {
    value: 'CATALOG',
    description: 'the outgoing kind: the Lakehouse Hive catalog, projects/PROJECT/catalogs/CATALOG',
  },
  'hive-databases': {
    value: 'DBS',
    description: 'with --hive-catalog: the Hive databases to migrate, comma-separated (default *: every one)',
  },
  'iceberg-catalog': {
    value: 'CATALOG',
    description: 'the outgoing kind: the Lakehouse Iceberg REST catalog, projects/PROJECT/catalogs/CATALOG',
  },
  'iceberg-namespaces': {
    value: 'NSS',
    description: 'with --iceberg-catalog: the Iceberg namespaces to migrate, comma-separated (default *: every one)',
  },
  migration: { value: 'ID', description: 'a migration execution id of the service, or its full name' },
  'poll-interval': { value: 'S', description: 'seconds between polls of the migration while it replicates' },
  'operation-poll': { value: 'S', description: 'seconds between polls of a long-running operation' },
  'rollback-window': {
    value: 'S',
    description:
      'the outgoing kind: seconds the workflow stays open after a completion that left the service in PROXY, ' +
      'taking a rollback (default 259200: 3 days; 0: none)',
  },
  'source-ca': { value: 'REF', description: 'a secret reference to the source’s server CA (TLS to the source)' },
  'source-server-name': { value: 'NAME', description: 'with --source-ca: the name the source’s certificate holds' },
  reason: { value: 'TEXT', description: 'why, recorded with the request' },
  by: { value: 'NAME', description: 'who asks, recorded with the request (default: your OS user name)' },
  stage: { value: 'STAGE', choices: STAGES, description: 'only workflows in this stage' },
  state: { value: 'STATE', choices: EXECUTION_STATES, description: 'only workflows whose execution is in this state' },
  all: { description: 'every migration' },
  interval: { value: 'S', description: 'seconds between redraws (default 2)' },
  manifest: { value: 'FILE', description: 'the rollout manifest (YAML; see examples/rollout.yaml)' },
  rollout: { value: 'NAME', description: 'the rollout: its manifest’s metadata.name (workflow id rollout/NAME)' },
  action: {
    value: 'ACTION',
    choices: ['start', 'complete', 'cancel'],
    description: 'what the rollout drives each member to (default start): started and REPLICATION, cut over, cancelled',
  },
  wave: {
    value: 'N|NAME',
    description:
      'a wave: its number (1-based, as rollout status shows it; approve/advance refuse a stale one) or, with --manifest, its name',
  },
  'cancel-members': { description: 'also cancel the members not yet cut over (default: they go on by themselves)' },
  selector: {
    value: 'K=V,…',
    description: 'with --manifest: the migrations whose labels hold every key=value given (env=prod,tier=gold)',
  },
  services: {
    value: 'LIST',
    description: 'services by name, comma-separated (with --manifest, each must be one of its migrations)',
  },
  'change-reference': {
    value: 'REF',
    description: 'the change request or ticket, recorded with the decision or approval',
  },
  id: {
    value: 'ID',
    description:
      'the bulk decision’s own id (default: a new UUID); the same id again prints that decision’s report, sending nothing new',
  },
  yes: { short: 'y', description: 'do not ask y/N on a terminal: the answer is yes' },
  json: { description: 'print JSON (results on stdout, errors as {"error": {type, message}} on stderr)' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

export interface CommandSpec {
  /** One line, in the list of commands. */
  summary: string;
  /** More, in the command's own help. */
  description?: string;
  /** Its flags besides --json and --help (every command has those) and --service (see `service`). */
  options?: readonly OptionName[];
  /** Of its flags, those it cannot run without (`start --config`). */
  required?: readonly OptionName[];
  /** A flag's text for this command where the table's general one would mislead (`--all`). */
  optionHelp?: Partial<Record<OptionName, string>>;
  /**
   * --service: `required`; `fleet-without` (without it, the command is about every running migration); `none`
   * (the command is about the fleet, or about no service at all).
   */
  service: 'required' | 'fleet-without' | 'none';
  /** A switch that makes the command about the fleet, --service then not needed (`status --all`). */
  fleetWith?: OptionName;
  /** Positional arguments, each with the values it takes. */
  arguments?: readonly { name: string; choices: readonly string[]; description: string }[];
  /** A command group: `GROUP SUB …`, each sub-command a command of its own (run as 'GROUP SUB'). */
  subcommands?: Readonly<Record<string, CommandSpec>>;
}

const REQUEST = ['config', 'migration-id', 'override', 'poll-interval', 'operation-poll', 'notify'] as const;
/** gcloud's flags of the outgoing kind; `dry-run` among them means the config's dryRun here (see DRY_RUN). */
const OUTGOING = [
  'mode',
  'conflict-policy',
  'dry-run',
  'report-path',
  'hive-catalog',
  'hive-databases',
  'iceberg-catalog',
  'iceberg-namespaces',
] as const;
const DRY_RUN =
  'the outgoing kind: a dry run (dryRun: true): the service plans each database and table against the target ' +
  'catalogs and writes the report, migrating nothing';
/** plan and start: a config file, or the outgoing kind's flags instead of one (or over it, field by field). */
const CONFIG_OR_FLAGS =
  '\n\nThe config: --config FILE (either kind), or for the outgoing kind (Dataproc Metastore → Lakehouse) ' +
  'gcloud’s flags instead: --mode, --conflict-policy, --dry-run, --report-path, --hive-catalog [--hive-databases], ' +
  '--iceberg-catalog [--iceberg-namespaces]. With a file of the outgoing kind too, each flag replaces the one field ' +
  'it names; with a file of the incoming kind they are refused.';
const SOURCE_TLS = ['source-ca', 'source-server-name'] as const;
/** rollout complete|cancel: which members, who and why, and the single decisions' --override, --dry-run, --yes. */
const BULK_DECISION: readonly OptionName[] = [
  'manifest',
  'wave',
  'selector',
  'services',
  'by',
  'reason',
  'change-reference',
  'override',
  'id',
  'dry-run',
  'yes',
];
const BULK_HELP: Partial<Record<OptionName, string>> = {
  wave: 'with --manifest: the members of this wave, by name or number',
  'dry-run': 'list the members it would ask, and start nothing',
  reason: 'why, recorded with every member’s decision (required, except with --dry-run)',
  override: 'accept a blocking cutover check by name, for every member (repeatable)',
};

/** Every command, in the order of the help. */
export const COMMAND_TABLE: Readonly<Record<string, CommandSpec>> = {
  plan: {
    summary: 'run every precheck on the worker and report; changes nothing',
    description:
      'Run every precheck on the worker and report; changes nothing. Takes the flags of start, so a start can be ' +
      'planned with the same line. Exit 0 when nothing blocks, 1 otherwise.' +
      CONFIG_OR_FLAGS,
    options: [...REQUEST, ...OUTGOING, ...SOURCE_TLS],
    optionHelp: { 'dry-run': DRY_RUN },
    service: 'required',
  },
  start: {
    summary: 'plan, then start the migration workflow (or adopt a running execution with --adopt)',
    description:
      'Plan, then start the migration workflow; refused if a check fails, unless that check is overridden by ' +
      'name.\n\nWith --adopt: take over the migration execution already running on the service (an earlier run, ' +
      'gcloud, the console) instead of starting one: refused (AdoptionRefused) unless one is active; then as any ' +
      'run: REPLICATION, complete/cancel, health, verification, backups. Backups found on are turned off and ' +
      'restored at the end; found off, they stay off unless --restore-backups (then the service’s own schedule ' +
      'is turned on at the end).' +
      CONFIG_OR_FLAGS,
    options: [
      ...REQUEST,
      ...OUTGOING,
      'rollback-window',
      ...SOURCE_TLS,
      'skip-plan',
      'adopt',
      'restore-backups',
      'reason',
      'by',
    ],
    optionHelp: { 'dry-run': DRY_RUN },
    service: 'required',
  },
  status: {
    summary: 'the workflow’s stage, execution state/phase, backups, requests; --all: every running migration',
    options: ['all'],
    optionHelp: { all: 'every running migration of TEMPORAL_TASK_QUEUE in one table (no --service)' },
    service: 'required',
    fleetWith: 'all',
  },
  watch: {
    summary: 'live view of one migration, or without --service of every running one',
    description:
      'Live view: stage timeline, execution, polls, last error, decisions; without --service every running ' +
      'migration of TEMPORAL_TASK_QUEUE. Redraws on a terminal, one line per change on a pipe or with --json.',
    options: ['interval'],
    service: 'fleet-without',
  },
  complete: {
    summary: 'ask for cutover (the cutover checks first); asks y/N on a terminal',
    description:
      'Ask for cutover: the cutover checks run first (execution, API errors, source health, schema VERSION, ' +
      'workloads.moved); refused with the reasons unless those checks are overridden by name; --dry-run shows ' +
      'the checks and decides nothing. On a terminal it asks y/N first (a cutover cannot be undone); --yes ' +
      'skips that.',
    options: ['reason', 'by', 'override', 'dry-run', 'yes'],
    service: 'required',
  },
  cancel: {
    summary: 'cancel the migration; asks y/N on a terminal',
    description:
      'Cancel the migration; refused once cutover is under way. Asks y/N first on a terminal, as complete does.',
    options: ['reason', 'by', 'yes'],
    service: 'required',
  },
  rollback: {
    summary: 'roll back a completed outgoing migration (the service serves from DPMS again); asks y/N on a terminal',
    description:
      'Roll back an outgoing migration (Dataproc Metastore → Lakehouse) after its completion, while its rollback ' +
      'window is open: the execution becomes ROLLED_BACK and the service goes back from PROXY to ACTIVE, serving ' +
      'from DPMS again; the Lakehouse catalogs keep what was written. Refused, with the reason, outside the window ' +
      'or when the service is not in PROXY, and for a migration of the incoming kind (it has no rollback). Asks ' +
      'y/N first on a terminal, as complete does.',
    options: ['reason', 'by', 'yes'],
    service: 'required',
  },
  wait: {
    summary: 'wait for the workflow to end and print its result',
    description:
      'Wait for the workflow to end and print its result; exits 3 when the verification after cutover found a ' +
      'mismatch.',
    service: 'required',
  },
  verify: {
    summary: 'compare DPMS’s Hive metastore with the source’s, on the worker',
    description:
      'Compare DPMS’s Hive metastore (Thrift endpoint) with the source’s, on the worker: exit 0 same, 3 mismatch, ' +
      '1 not compared. The config comes from the workflow unless --config gives one. The outgoing kind: DPMS ' +
      'against the target catalogs (of the workflow’s execution, or named by --config); exit 4 when the execution ' +
      'was rolled back (the targets are no longer served), whatever the comparison found.',
    options: ['config', 'migration-id', ...SOURCE_TLS],
    optionHelp: {
      'migration-id':
        'with an outgoing --config: the execution whose report is used (default: the latest finished one to its catalogs)',
    },
    service: 'required',
  },
  list: { summary: 'list the service’s migration executions (Metastore API)', service: 'required' },
  describe: {
    summary: 'one migration execution (Metastore API)',
    options: ['migration'],
    required: ['migration'],
    service: 'required',
  },
  delete: {
    summary: 'delete a finished migration execution (Metastore API)',
    options: ['migration'],
    required: ['migration'],
    service: 'required',
  },
  'list-workflows': {
    summary: 'migration workflows by stage or execution state (running ones unless --all)',
    options: ['stage', 'state', 'all'],
    optionHelp: { all: 'ended workflows too' },
    service: 'none',
  },
  rollout: {
    summary: 'a fleet rollout from a manifest: lint, plan, start, follow and steer it; bulk complete or cancel',
    description:
      'A fleet rollout: many services migrated in waves, from one manifest (examples/rollout.yaml): lint (offline) ' +
      'and plan (read-only) it, start it (the rollout workflow rollout/NAME), follow it (status, watch) and steer ' +
      'it (pause, resume, approve, advance, retry, skip, abort); bulk decisions: complete and cancel for a wave, a ' +
      'label selector or a list, with a per-member report. A refused command prints the reason and exits 1.',
    service: 'none',
    subcommands: {
      lint: {
        summary: 'check a manifest offline; every problem with its field path',
        description:
          'Check a rollout manifest offline: its fields, each member’s migration request (the template with the ' +
          'member’s overrides, as start would check it), the waves (a service in two waves or none, empty waves, ' +
          'selectors that match nothing) and the effective caps. Exit 0 when valid (warnings shown), 2 on errors.',
        options: ['manifest'],
        required: ['manifest'],
        service: 'none',
      },
      plan: {
        summary: 'the waves, counts, caps, conflicts and each member’s prechecks, read only; changes nothing',
        description:
          'What lint checks, then read-only: which members already have a running migration workflow (one ' +
          'visibility query) and each member’s state from the Metastore API (services.list per location, paced ' +
          'at half the manifest’s apiBudgetPerProject, 4 locations at a time): MIGRATING is a conflict; then each ' +
          'member’s prechecks, as plan runs them on the worker (4 at a time, per project half the budget): per ' +
          'wave ready / blocked / with warnings, and the blocked members with why. Exit 2 when the manifest has ' +
          'errors, 1 on a conflict, a blocked member or no worker (--skip-prechecks leaves them out), 0 otherwise.',
        options: ['manifest', 'skip-prechecks'],
        required: ['manifest'],
        service: 'none',
      },
      start: {
        summary: 'lint the manifest, then start its rollout workflow (rollout/NAME); asks y/N for complete/cancel',
        description:
          'Lint the manifest (refused, exit 2, on errors), then start the rollout workflow rollout/NAME on the ' +
          'worker: for start, the template once and each member’s overrides (merged and checked as each member is ' +
          'started). Idempotent: while a rollout of that name runs, it is reported and nothing new is started. ' +
          'With --action complete or cancel it asks y/N first on a terminal, with the counts (a cutover cannot be ' +
          'undone); --yes skips that.',
        options: ['manifest', 'action', 'yes'],
        required: ['manifest'],
        service: 'none',
      },
      status: {
        summary: 'per wave: members by state, failed members with reasons; the gate, a pause, the last commands',
        options: ['rollout'],
        required: ['rollout'],
        service: 'none',
      },
      watch: {
        summary: 'live view of a rollout (redraws on a terminal; one line per change on a pipe or with --json)',
        options: ['rollout', 'interval'],
        required: ['rollout'],
        service: 'none',
      },
      pause: {
        summary: 'pause: no member is started or decided; members already started go on',
        options: ['rollout', 'reason', 'by'],
        required: ['rollout', 'reason'],
        service: 'none',
      },
      resume: {
        summary: 'resume a paused rollout (a pause by the failure budget: its failures are accepted)',
        options: ['rollout', 'reason', 'by'],
        required: ['rollout', 'reason'],
        service: 'none',
      },
      approve: {
        summary: 'pass wave N’s approval gate (refused unless N is the current wave and its members have settled)',
        options: ['rollout', 'wave', 'reason', 'change-reference', 'by'],
        required: ['rollout', 'wave', 'reason'],
        service: 'none',
      },
      advance: {
        summary: 'move wave N past its remaining gates (soak, health, approval); refused unless N is current',
        options: ['rollout', 'wave', 'reason', 'by'],
        required: ['rollout', 'wave'],
        service: 'none',
      },
      abort: {
        summary: 'stop the rollout; members go on unless --cancel-members; asks y/N on a terminal',
        description:
          'Stop the rollout: no member is started or decided after it. Members are migrations of their own and go ' +
          'on, unless --cancel-members (then those not yet cut over are asked to cancel, through their own gates). ' +
          'A completed cutover cannot be undone: members already cut over stay so. Asks y/N first on a terminal; ' +
          '--yes skips that.',
        options: ['rollout', 'reason', 'by', 'cancel-members', 'yes'],
        required: ['rollout', 'reason'],
        service: 'none',
      },
      retry: {
        summary: 'drive a failed member of the current wave again',
        options: ['rollout', 'reason', 'by'],
        required: ['rollout', 'reason'],
        service: 'required',
      },
      skip: {
        summary: 'stop driving a member of the current wave (its migration, if any, goes on by itself)',
        options: ['rollout', 'reason', 'by'],
        required: ['rollout', 'reason'],
        service: 'required',
      },
      complete: {
        summary: 'complete many migrations: each through its own cutover checks, paced; a per-member report',
        description:
          'Ask every member for cutover, as `complete` asks one: each member’s own cutover checks decide (the ' +
          '--override names apply to every member; with a manifest, each member’s wave’s override too), so some ' +
          'may be refused while the others cut over. Members: ' +
          '--manifest FILE with --wave NAME, --selector K=V,… or --services LIST; or --services LIST alone. The ' +
          'decisions are sent by a durable bulkDecision workflow (id bulk/ROLLOUT/ID), paced per project within ' +
          'the API budget; it answers with one line per member: accepted, refused (with the member’s reason), ' +
          'already done (decided before, or its workflow ended) or not found. Exit 0 when every member is ' +
          'accepted or already done, 1 otherwise. On a terminal it asks y/N first (a cutover cannot be undone); ' +
          '--yes skips that; --dry-run lists the members and starts nothing.',
        options: BULK_DECISION,
        optionHelp: BULK_HELP,
        service: 'none',
      },
      cancel: {
        summary: 'cancel many migrations, each through its own rules; a per-member report',
        description:
          'Ask every member to cancel, as `cancel` asks one (refused once its cutover is under way). Members, ' +
          'pacing, the report, exit codes, --yes and --dry-run as for `rollout complete`.',
        options: BULK_DECISION.filter((name) => name !== 'override'),
        optionHelp: BULK_HELP,
        service: 'none',
      },
    },
  },
  completion: {
    summary: 'print the shell completion script (bash or zsh)',
    description:
      'Print the completion script for bash or zsh, to be sourced by the shell: ' +
      'source <(metastore-migrator completion bash) in ~/.bashrc, or the zsh one in ~/.zshrc.',
    arguments: [{ name: 'shell', choices: ['bash', 'zsh'], description: 'the shell' }],
    service: 'none',
  },
};

/** Said after every command's help: where the CLI's connection and keys come from. */
export const ENVIRONMENT = `environment: the temporal CLI's own connection settings — TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE
(default), TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH,
TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE (a TOML
profile) —, TEMPORAL_TASK_QUEUE (metastore-migration), METASTORE_EMULATOR_HOST (host:port of the local emulator;
unset = Google, ADC), METASTORE_MIGRATOR_CODEC_KEYS (id:base64key,… payload encryption keys, the worker's),
METASTORE_MIGRATOR_CODEC_KEY_ID, METASTORE_MIGRATOR_TEMPORAL_UI (the Temporal Web UI's URL, e.g.
http://127.0.0.1:8233: start links to the workflow)`;
