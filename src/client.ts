#!/usr/bin/env node
// The engineers' CLI: parse arguments, call Temporal (or the Metastore API for housekeeping), print
// text or --json, set the exit code. No business rules here: the workflow decides.
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { HelpRequested, UsageError, describeError } from './cli/errors';
import { dataConverterFor } from './codec';
import { connectError, loadConfig } from './config';
import type { Config } from './config';
import { formatExecution, formatPlan, formatStatus, formatWorkflowList } from './cli/format';
import type { PlanReport } from './plan/report';
import { liveWatch } from './cli/live';
import { type FleetRow, formatFleet, formatMigrationView, migrationView, watchLoop } from './cli/watch';
import { createMetastoreTarget } from './metastore/auth';
import { MetastoreClient } from './metastore/client';
import { migrationExecutionName } from './metastore/names';
import { loadMigrationConfig } from './cli/migration-config';
import { formatVerification, runVerify, verificationExitCode } from './cli/verification';
import { formatCutover } from './cli/cutover';
import { redact } from './secrets/redact';
import { MigrationRequestSchema, ServiceNameSchema, formatIssues } from './schemas';
import type { MigrationRequest } from './schemas';
import type { managedMigration } from './workflows/managed-migration';
import type { planMigration } from './workflows/plan-migration';
import {
  MigrationExecutionStateKey,
  MigrationStageKey,
  WORKFLOW_TYPE,
  checkCutoverUpdate,
  requestCancelUpdate,
  requestCompleteUpdate,
  statusQuery,
  workflowIdFor,
} from './workflows/messages';

const USAGE = `usage: metastore-migrator <command> --service projects/P/locations/L/services/S [options] [--json]

commands:
  plan      --config FILE [--override CHECK]…   run every precheck on the worker and report; changes nothing
  start     --config FILE [--migration-id ID] [--override CHECK]… [--poll-interval S] [--operation-poll S]
            [--notify [chat:]URL|env:NAME|worker]…
                                             plan, then start the migration workflow; refused if a check
                                             fails, unless that check is overridden by name
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
  verify    [--config FILE]                  compare DPMS's Hive metastore (Thrift endpoint) with the source's,
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

/** A start that the plan blocks: exit 1, with the checks to fix or override. */
class Refused extends Error {
  override readonly name = 'Refused';
}

interface Options {
  service: string;
  json: boolean;
  values: Record<string, string | boolean | string[] | undefined>;
}

function parse(argv: string[]): { command: string; options: Options } {
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
      'dry-run': { type: 'boolean', default: false },
      migration: { type: 'string' },
      'poll-interval': { type: 'string' },
      'operation-poll': { type: 'string' },
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

async function temporalClient(config: Config): Promise<Client> {
  const connection = await Connection.connect(config.temporal.connectionOptions).catch(async (err: unknown) => {
    throw await connectError(config.temporal, err);
  });
  return new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterFor(config.codec),
  });
}

async function metastoreClient(config: Config): Promise<MetastoreClient> {
  const target = await createMetastoreTarget(config.metastore);
  return new MetastoreClient({
    ...target,
    apiVersion: config.metastore.apiVersion,
    timeoutMs: config.metastore.timeoutMs,
  });
}

function required(options: Options, name: string): string {
  const value = options.values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function numberFlag(options: Options, name: string): number | undefined {
  const value = options.values[name];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(parsed))
    throw new UsageError(`--${name}: must be a number of seconds`);
  return parsed;
}

/** --migration takes the execution id (user-chosen, or the UUID the API generated) or its full name. */
function migrationName(options: Options): string {
  const id = required(options, 'migration');
  const prefix = migrationExecutionName(options.service, '');
  if (id.startsWith(prefix))
    return migrationName({ ...options, values: { ...options.values, migration: id.slice(prefix.length) } });
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/.test(id)) {
    throw new UsageError('--migration: must be a migration execution id (letters, digits, hyphens) of this service');
  }
  return migrationExecutionName(options.service, id);
}

type Printer = (value: unknown, text: string) => void;

/** A command resolves to its exit code (0 when it returns nothing). */
const commands: Record<string, (config: Config, options: Options, print: Printer) => Promise<number | void>> = {
  async plan(config, options, print) {
    const report = await runPlan(config, await buildRequest(options));
    print(report, formatPlan(report));
    return report.ok ? 0 : 1;
  },

  async start(config, options, print) {
    const request = await buildRequest(options);
    const client = await temporalClient(config);
    const workflowId = workflowIdFor(options.service);
    await refuseIfRunning(client, workflowId);
    // The same prechecks the workflow runs, first, so a blocked start is refused before a workflow exists.
    if (!options.values['skip-plan']) {
      const report = await runPlan(config, request);
      if (!report.ok) {
        print(report, formatPlan(report));
        const overrides = report.blocking.map((check) => `--override ${check}`).join(' ');
        throw new Refused(`blocked by ${report.blocking.join(', ')}; fix them, or accept them with ${overrides}`);
      }
    }
    const handle = await client.workflow.start<typeof managedMigration>(WORKFLOW_TYPE, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ request }],
      workflowIdConflictPolicy: 'FAIL',
    });
    print(
      { workflowId, runId: handle.firstExecutionRunId },
      `started ${workflowId} (run ${handle.firstExecutionRunId})`,
    );
  },

  async status(config, options, print) {
    const client = await temporalClient(config);
    if (options.values.all === true) {
      const rows = await runningMigrations(client);
      return print({ workflows: rows }, formatFleet(rows));
    }
    const handle = client.workflow.getHandle(workflowIdFor(options.service));
    const status = await handle.query(statusQuery);
    const live = await liveWatch(handle, client.options.loadedDataConverter.payloadCodecs);
    print({ ...status, live }, formatStatus(status, live));
  },

  async watch(config, options) {
    const client = await temporalClient(config);
    const intervalMs = (numberFlag(options, 'interval') ?? 2) * 1000;
    const write = (text: string) => process.stdout.write(redact(text));
    const redraw = process.stdout.isTTY === true && !options.json;
    if (!options.service) {
      return watchLoop({
        read: () => runningMigrations(client),
        render: formatFleet,
        done: (rows) => rows.length === 0,
        write,
        redraw,
        json: options.json,
        intervalMs,
      });
    }
    const handle = client.workflow.getHandle(workflowIdFor(options.service));
    const codecs = client.options.loadedDataConverter.payloadCodecs;
    return watchLoop({
      read: async () => {
        const [status, live, description] = await Promise.all([
          handle.query(statusQuery),
          liveWatch(handle, codecs),
          handle.describe(),
        ]);
        return migrationView(status, live, description.status.name !== 'RUNNING');
      },
      render: formatMigrationView,
      done: (view) => view.ended,
      write,
      redraw,
      json: options.json,
      intervalMs,
    });
  },

  async complete(config, options, print) {
    if (options.values['dry-run'] === true) {
      const handle = (await temporalClient(config)).workflow.getHandle(workflowIdFor(options.service));
      const report = await handle.executeUpdate(checkCutoverUpdate, { args: [{ override: overridesOf(options) }] });
      print(report, formatCutover(report));
      return report.ok ? 0 : 1;
    }
    await requestDecision(config, options, print, 'complete');
    return 0;
  },

  async cancel(config, options, print) {
    await requestDecision(config, options, print, 'cancel');
  },

  async 'list-workflows'(config, options, print) {
    const clauses = [`WorkflowType = '${WORKFLOW_TYPE}'`];
    if (!options.values.all) clauses.push(`ExecutionStatus = 'Running'`);
    const stage = options.values.stage;
    const state = options.values.state;
    if (typeof stage === 'string') clauses.push(`${MigrationStageKey.name} = '${keyword('stage', stage)}'`);
    if (typeof state === 'string') clauses.push(`${MigrationExecutionStateKey.name} = '${keyword('state', state)}'`);
    const rows = [];
    for await (const wf of (await temporalClient(config)).workflow.list({ query: clauses.join(' AND ') })) {
      rows.push({
        workflowId: wf.workflowId,
        status: wf.status.name,
        stage: wf.typedSearchAttributes.get(MigrationStageKey),
        executionState: wf.typedSearchAttributes.get(MigrationExecutionStateKey),
        startTime: wf.startTime.toISOString(),
      });
    }
    print({ workflows: rows }, formatWorkflowList(rows));
  },

  async wait(config, options, print) {
    const handle = (await temporalClient(config)).workflow.getHandle<typeof managedMigration>(
      workflowIdFor(options.service),
    );
    const result = await handle.result();
    const verification = result.verification ? `\n${formatVerification(result.verification)}` : '';
    print(
      result,
      `${result.outcome}: ${result.message ?? ''}${result.execution ? `\n${formatExecution(result.execution)}` : ''}${verification}`,
    );
    return verificationExitCode(result.verification, { skipped: 0 });
  },

  async verify(config, options, print) {
    const client = await temporalClient(config);
    const fromConfig =
      typeof options.values.config === 'string' ? await loadMigrationConfig(options.values.config) : undefined;
    const verification = await runVerify(client, config.temporal.taskQueue, options.service, fromConfig);
    print(verification, formatVerification(verification));
    return verificationExitCode(verification);
  },

  async list(config, options, print) {
    const executions = await (await metastoreClient(config)).listAllMigrationExecutions(options.service);
    const text = executions.length === 0 ? 'no migration executions' : executions.map(formatExecution).join('\n');
    print({ migrationExecutions: executions }, text);
  },

  async describe(config, options, print) {
    const execution = await (await metastoreClient(config)).getMigrationExecution(migrationName(options));
    print(execution, formatExecution(execution));
  },

  async delete(config, options, print) {
    const metastore = await metastoreClient(config);
    const operation = await metastore.deleteMigrationExecution(migrationName(options));
    const done = await metastore.awaitOperation(operation.name, { pollIntervalMs: 1000 });
    print(done, `deleted ${migrationName(options)} (operation ${done.name})`);
  },
};

/** Every running migration workflow, from visibility (its search attributes): cheap at any fleet size. */
async function runningMigrations(client: Client): Promise<FleetRow[]> {
  const rows: FleetRow[] = [];
  const query = `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
  for await (const wf of client.workflow.list({ query })) {
    rows.push({
      workflowId: wf.workflowId,
      stage: wf.typedSearchAttributes.get(MigrationStageKey),
      executionState: wf.typedSearchAttributes.get(MigrationExecutionStateKey),
      startTime: wf.startTime.toISOString(),
    });
  }
  return rows.sort((a, b) => a.workflowId.localeCompare(b.workflowId));
}

/** The engineer's request from the flags and the config file; invalid input never reaches Temporal. */
async function buildRequest(options: Options): Promise<MigrationRequest> {
  const migrationExecution = await loadMigrationConfig(required(options, 'config'));
  const overrides = options.values.override;
  const request = MigrationRequestSchema.safeParse({
    service: options.service,
    migrationExecution,
    migrationExecutionId: options.values['migration-id'],
    options: {
      pollIntervalSeconds: numberFlag(options, 'poll-interval'),
      operationPollSeconds: numberFlag(options, 'operation-poll'),
      overrides: Array.isArray(overrides) ? overrides : undefined,
      notify: Array.isArray(options.values.notify) ? options.values.notify : undefined,
    },
  });
  if (!request.success) throw new UsageError(formatIssues(request.error));
  return request.data;
}

/** Says "already running" precisely, before a plan would report the same as a migration in flight. */
async function refuseIfRunning(client: Client, workflowId: string): Promise<void> {
  const status = await client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      (d) => d.status.name,
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      },
    );
  if (status === 'RUNNING')
    throw new WorkflowExecutionAlreadyStartedError('already running', workflowId, WORKFLOW_TYPE);
}

/** planMigration on the worker (where secrets resolve and the source is reachable); changes nothing. */
async function runPlan(config: Config, request: MigrationRequest): Promise<PlanReport> {
  const client = await temporalClient(config);
  return client.workflow.execute<typeof planMigration>('planMigration', {
    taskQueue: config.temporal.taskQueue,
    workflowId: `plan/${request.service}/${randomUUID()}`,
    args: [{ request }],
  });
}

function overridesOf(options: Options): string[] {
  const override = options.values.override;
  return Array.isArray(override) ? override : [];
}

/** Search attribute values are keywords: letters, digits and underscores only, so no query injection. */
function keyword(flag: string, value: string): string {
  if (!/^[A-Z_]+$/.test(value)) throw new UsageError(`--${flag}: expected an upper-case name such as REPLICATION`);
  return value;
}

/** complete/cancel through the workflow's update, so the engineer hears at once whether it was accepted. */
async function requestDecision(config: Config, options: Options, print: Printer, action: 'complete' | 'cancel') {
  const by = typeof options.values.by === 'string' ? options.values.by : userInfo().username;
  const reason = typeof options.values.reason === 'string' ? options.values.reason : undefined;
  const workflowId = workflowIdFor(options.service);
  const handle = (await temporalClient(config)).workflow.getHandle(workflowId);
  const update = action === 'complete' ? requestCompleteUpdate : requestCancelUpdate;
  const override = action === 'complete' ? overridesOf(options) : [];
  const answer = await handle.executeUpdate(update, {
    args: [{ by, reason, ...(override.length > 0 && { override }) }],
  });
  const again = answer.alreadyRequested ? ' (already requested; nothing new)' : '';
  print(
    { workflowId, ...answer, by, reason },
    `${action} accepted for ${workflowId} by ${by} in stage ${answer.stage}${again}`,
  );
}

async function main(argv: string[]): Promise<number> {
  let json = argv.includes('--json');
  try {
    const { command, options } = parse(argv);
    json = options.json;
    const run = commands[command];
    if (!run) throw new UsageError(`unknown command: ${command}\n\n${USAGE}`);
    // Results hold no secrets by design; redact() is the net for a config or API message that quotes one.
    const print: Printer = (value, text) => console.log(redact(json ? JSON.stringify(value, null, 2) : text));
    return (await run(loadConfig(), options, print)) ?? 0;
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(err.message);
      return 0;
    }
    const { type, message: raw } = describeError(err);
    const message = redact(raw);
    if (json) console.error(JSON.stringify({ error: { type, message } }));
    else console.error(type === 'Usage' ? message : `${type}: ${message}`);
    return type === 'Usage' ? 2 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(redact(err instanceof Error ? (err.stack ?? err.message) : String(err)));
    process.exit(1);
  },
);
