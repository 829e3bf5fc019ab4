// Every CLI command: what it asks of Temporal or the Metastore API and what it prints. A command resolves to its
// exit code (0 when it returns nothing); client.ts only wires arguments, config and output to these.
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { userInfo } from 'node:os';
import { UsageError } from './errors';
import { dataConverterFor } from '../codec';
import { connectError } from '../config';
import type { Config } from '../config';
import { formatExecution, formatPlan, formatStatus, formatWorkflowList } from './format';
import { liveWatch } from './live';
import { progressOf } from './progress';
import { type FleetRow, formatFleet, formatMigrationView, migrationView, watchLoop } from './watch';
import { createMetastoreTarget } from '../metastore/auth';
import { MetastoreClient } from '../metastore/client';
import { loadMigrationConfigOfEitherKind } from './migration-config';
import { migrationExecutionOf } from './outgoing-flags';
import { formatVerification, runVerify, verificationExitCode, waitExitCode } from './verification';
import { formatBackfillOutcome } from './lakehouse-format';
import { formatCutover } from './cutover';
import { requireWorker } from './worker-check';
import { runPlan } from './run-plan';
import { type Decision, confirmOnTerminal, needsConfirmation } from './confirm';
import { afterStart, formatNextSteps, workflowUiLink } from './next-steps';
import { redact } from '../secrets/redact';
import { EXECUTION_STATES, MigrationRequestSchema, SourceTlsSchema, formatIssues, inputIssues } from '../schemas';
import type { MigrationRequest } from '../schemas';
import type { managedMigration } from '../workflows/managed-migration';
import {
  MigrationExecutionStateKey,
  MigrationStageKey,
  checkCutoverUpdate,
  requestRollbackUpdate,
  statusQuery,
} from '../workflows/messages';
import type { DecisionAnswer } from '../workflows/messages';
import { sendDecision } from '../activities/decision-update';
import { FailureType } from '../migration/failure-types';
import { WORKFLOW_TYPE, workflowIdFor } from '../migration/names';
import { migrationsQuery } from '../migration/fleet-query';
import { migrationStartOptions } from '../migration/start-options';

import { enumFlag } from './help';
import { STAGES } from '../migration/state';
import { type Options, migrationName, numberFlag, overridesOf, sourceTlsFlags } from './args';
import { rolloutLint, rolloutPlan, rolloutStart } from './rollout-commands';
import { rolloutControl } from './rollout-control';
import { rolloutDecision } from './rollout-decisions';

/** A start that the plan blocks: exit 1, with the checks to fix or override. */
class Refused extends Error {
  override readonly name = FailureType.Refused;
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

export type Printer = (value: unknown, text: string) => void;

/** A command resolves to its exit code (0 when it returns nothing). */
export const commands: Record<string, (config: Config, options: Options, print: Printer) => Promise<number | void>> = {
  async plan(config, options, print) {
    const request = await buildRequest(config, options, 'plan');
    const client = await temporalClient(config);
    await requireWorker(client, config, 'plan');
    const report = await runPlan(client, config.temporal.taskQueue, request);
    print(report, formatPlan(report));
    return report.ok ? 0 : 1;
  },

  async start(config, options, print) {
    const request = await buildRequest(config, options, 'start');
    const client = await temporalClient(config);
    const workflowId = workflowIdFor(options.service);
    await refuseIfRunning(client, workflowId);
    await requireWorker(client, config, 'start');
    // The same prechecks the workflow runs, first, so a blocked start is refused before a workflow exists. An
    // adoption has none of the start's prechecks (its "migration in flight" is what it takes over): the workflow
    // checks what it may adopt and refuses with AdoptionRefused, changing nothing.
    if (!options.values['skip-plan'] && !request.adopt) {
      const report = await runPlan(client, config.temporal.taskQueue, request);
      if (!report.ok) {
        print(report, formatPlan(report));
        const overrides = report.blocking.map((check) => `--override ${check}`).join(' ');
        throw new Refused(`blocked by ${report.blocking.join(', ')}; fix them, or accept them with ${overrides}`);
      }
    }
    const { workflowType, ...startOptions } = migrationStartOptions(request, config.temporal.taskQueue);
    const handle = await client.workflow.start<typeof managedMigration>(workflowType, {
      ...startOptions,
      workflowIdConflictPolicy: 'FAIL',
    });
    const adopting = request.adopt
      ? '; adopting the running migration execution (status shows it, or AdoptionRefused if there is none)'
      : '';
    const ui = config.temporalUiUrl;
    const outgoing = request.migrationExecution.biglakeMetastoreMigrationConfig;
    const startedAs = outgoing && outgoing.mode !== 'INCREMENTAL_SYNC' ? 'backfill' : 'cutover';
    const link = ui && workflowUiLink(ui, config.temporal.namespace, workflowId);
    const next = afterStart(options.service, link, startedAs);
    print(
      { workflowId, runId: handle.firstExecutionRunId, adopt: request.adopt !== undefined, next },
      `started ${workflowId} (run ${handle.firstExecutionRunId})${adopting}\n${formatNextSteps(next)}`,
    );
  },

  async status(config, options, print) {
    const client = await temporalClient(config);
    if (options.values.all === true) {
      const rows = await runningMigrations(client, config.temporal.taskQueue);
      return print({ workflows: rows }, formatFleet(rows));
    }
    const handle = client.workflow.getHandle(workflowIdFor(options.service));
    const status = await handle.query(statusQuery);
    const live = await liveWatch(handle, client.options.loadedDataConverter.payloadCodecs);
    // --json carries the same story as the text: the migration's polls, the source check, what runs now.
    print({ ...status, live, progress: progressOf(status, live) }, formatStatus(status, live));
  },

  async watch(config, options) {
    const client = await temporalClient(config);
    const intervalMs = (numberFlag(options, 'interval') ?? 2) * 1000;
    const write = (text: string) => process.stdout.write(redact(text));
    const redraw = process.stdout.isTTY === true && !options.json;
    if (!options.service) {
      return watchLoop({
        read: () => runningMigrations(client, config.temporal.taskQueue),
        render: (rows) => formatFleet(rows),
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
      const client = await temporalClient(config);
      await requireWorker(client, config, 'complete --dry-run');
      const handle = client.workflow.getHandle(workflowIdFor(options.service));
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

  async rollback(config, options, print) {
    await requestDecision(config, options, print, 'rollback');
  },

  async 'list-workflows'(config, options, print) {
    const clauses: string[] = [];
    if (!options.values.all) clauses.push(`ExecutionStatus = 'Running'`);
    const stage = options.values.stage;
    const state = options.values.state;
    if (typeof stage === 'string') clauses.push(`${MigrationStageKey.name} = '${enumFlag('stage', stage, STAGES)}'`);
    if (typeof state === 'string')
      clauses.push(`${MigrationExecutionStateKey.name} = '${enumFlag('state', state, EXECUTION_STATES)}'`);
    const rows = [];
    for await (const wf of (await temporalClient(config)).workflow.list({
      query: migrationsQuery(config.temporal.taskQueue, ...clauses),
    })) {
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
    // The outgoing kind's outcome as recorded after the report was read: the failed tables by name, with why.
    const backfill = result.backfill ? `\nbackfill   ${formatBackfillOutcome(result.backfill)}` : '';
    print(
      result,
      `${result.outcome}: ${result.message ?? ''}${result.execution ? `\n${formatExecution(result.execution)}` : ''}${backfill}${verification}`,
    );
    return waitExitCode(result);
  },

  async verify(config, options, print) {
    // Either kind's file: the outgoing one names the target catalogs, compared without any workflow.
    const fromConfig =
      typeof options.values.config === 'string'
        ? await loadMigrationConfigOfEitherKind(options.values.config, config.metastore.apiVersion)
        : undefined;
    const id = options.values['migration-id'];
    if (typeof id === 'string' && !fromConfig?.biglakeMetastoreMigrationConfig) {
      throw new UsageError('--migration-id: only with --config of the outgoing kind (a workflow knows its execution)');
    }
    const execution =
      typeof id === 'string' ? migrationName({ ...options, values: { ...options.values, migration: id } }) : undefined;
    const flags = SourceTlsSchema.optional().safeParse(sourceTlsFlags(options));
    if (!flags.success) throw new UsageError(formatIssues(flags.error, 'sourceTls'));
    const client = await temporalClient(config);
    await requireWorker(client, config, 'verify');
    const { taskQueue } = config.temporal;
    const verification = await runVerify(client, taskQueue, options.service, fromConfig, flags.data, execution);
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

  'rollout lint': rolloutLint,

  async 'rollout plan'(config, options, print) {
    return rolloutPlan(config, options, print, async () => {
      const [client, metastore] = await Promise.all([temporalClient(config), metastoreClient(config)]);
      return {
        // Every deployment's: a service another one migrates still has its workflow id taken (src/cli/fleet-query.ts).
        runningMigrations: () => runningMigrations(client, undefined),
        listServices: (parent, page) => metastore.listServices(parent, page),
        requireWorker: () => requireWorker(client, config, 'rollout plan'),
        plan: (request) => runPlan(client, config.temporal.taskQueue, request),
      };
    });
  },

  async 'rollout start'(config, options, print) {
    return rolloutStart(config, options, print, () => rolloutConnection(config));
  },

  // status, watch and the commands of a running rollout (src/cli/rollout-control.ts).
  ...Object.fromEntries(
    Object.entries(rolloutControl).map(([name, run]) => [
      name,
      (config: Config, options: Options, print: Printer) =>
        run(config, options, print, () => rolloutConnection(config)),
    ]),
  ),

  'rollout complete': (config, options, print) =>
    rolloutDecision(config, options, print, 'complete', () => temporalClient(config)),

  'rollout cancel': (config, options, print) =>
    rolloutDecision(config, options, print, 'cancel', () => temporalClient(config)),

  async delete(config, options, print) {
    const metastore = await metastoreClient(config);
    const operation = await metastore.deleteMigrationExecution(migrationName(options));
    const done = await metastore.awaitOperation(operation.name, { pollIntervalMs: 1000 });
    print(done, `deleted ${migrationName(options)} (operation ${done.name})`);
  },
};

/** A rollout command's Temporal: the client, and the worker check its updates and start need. */
async function rolloutConnection(config: Config) {
  const client = await temporalClient(config);
  return { client, requireWorker: (command: string) => requireWorker(client, config, command) };
}

/** Running migrations of `taskQueue`, or of the whole namespace when undefined. */
async function runningMigrations(client: Client, taskQueue: string | undefined): Promise<FleetRow[]> {
  const rows: FleetRow[] = [];
  const query = migrationsQuery(taskQueue, `ExecutionStatus = 'Running'`);
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

/**
 * The engineer's request from the flags and the config file (or, for the outgoing kind, the flags alone);
 * invalid input never reaches Temporal. The outgoing kind is checked at the worker's API version.
 */
async function buildRequest(config: Config, options: Options, command: string): Promise<MigrationRequest> {
  const { apiVersion } = config.metastore;
  const name = options.values.config;
  const file =
    typeof name === 'string' ? { name, execution: await loadMigrationConfigOfEitherKind(name, apiVersion) } : undefined;
  const migrationExecution = migrationExecutionOf(options.values, apiVersion, file, command);
  const overrides = options.values.override;
  const request = MigrationRequestSchema.safeParse({
    service: options.service,
    migrationExecution,
    migrationExecutionId: options.values['migration-id'],
    adopt: adoptOf(options),
    options: {
      pollIntervalSeconds: numberFlag(options, 'poll-interval'),
      operationPollSeconds: numberFlag(options, 'operation-poll'),
      rollbackWindowSeconds: numberFlag(options, 'rollback-window'),
      overrides: Array.isArray(overrides) ? overrides : undefined,
      notify: Array.isArray(options.values.notify) ? options.values.notify : undefined,
      sourceTls: sourceTlsFlags(options),
    },
  });
  if (!request.success)
    throw new UsageError(`invalid arguments:\n${formatIssues(request.error)}`, inputIssues(request.error));
  return request.data;
}

/** `start --adopt [--restore-backups] [--reason TEXT] [--by NAME]`: who adopts (the OS user by default) and why. */
function adoptOf(options: Options) {
  if (options.values.adopt !== true) {
    if (options.values['restore-backups'] === true) throw new UsageError('--restore-backups: only with --adopt');
    return undefined;
  }
  return {
    restoreBackups: options.values['restore-backups'] === true,
    by: typeof options.values.by === 'string' ? options.values.by : userInfo().username,
    ...(typeof options.values.reason === 'string' && { reason: options.values.reason }),
  };
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

/** A rollback asked of a workflow that has no rollback handler: the incoming kind, or a release before rollback. */
class NoRollback extends Error {
  override readonly name = 'NoRollback';
}

/**
 * complete/cancel/rollback through the workflow's update, so the engineer hears at once whether it was accepted
 * (a refusal is the update's failure, with the workflow's reason: exit 1).
 */
async function requestDecision(config: Config, options: Options, print: Printer, action: Decision) {
  const by = typeof options.values.by === 'string' ? options.values.by : userInfo().username;
  const reason = typeof options.values.reason === 'string' ? options.values.reason : undefined;
  const workflowId = workflowIdFor(options.service);
  const client = await temporalClient(config);
  await requireWorker(client, config, action);
  const terminal = { stdinIsTTY: process.stdin.isTTY === true, stdoutIsTTY: process.stdout.isTTY === true };
  if (needsConfirmation({ yes: options.values.yes === true, ...terminal }))
    await confirmOnTerminal(action, options.service);
  // The same send as a bulk decision's members get (src/activities/decision-update.ts).
  const answer: DecisionAnswer = await sendDecision(client, workflowId, action, {
    by,
    reason,
    override: overridesOf(options),
  }).catch((err: unknown) => {
    if (action === 'rollback' && hasNoHandler(err, requestRollbackUpdate.name))
      throw new NoRollback(
        `this migration has no rollback (it is not an outgoing migration, or was started by an older release): ` +
          `${workflowId} does not take ${requestRollbackUpdate.name}; nothing was changed`,
      );
    throw err;
  });
  const again = answer.alreadyRequested ? ' (already requested; nothing new)' : '';
  print(
    { workflowId, ...answer, by, reason },
    `${action} accepted for ${workflowId} by ${by} in stage ${answer.stage}${again}`,
  );
}

/**
 * The SDK's answer to an update the workflow registered no handler for: the worker rejects it with an
 * ApplicationFailure "No registered handler for update: NAME" (the workflow itself never sees it).
 */
function hasNoHandler(err: unknown, update: string): boolean {
  return (
    err instanceof WorkflowUpdateFailedError && err.cause?.message === `No registered handler for update: ${update}`
  );
}
