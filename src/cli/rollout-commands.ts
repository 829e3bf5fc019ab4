// `rollout lint` (offline), `rollout plan` (offline, then read-only against Temporal and the Metastore API) and
// `rollout start` (lint, then the rollout workflow). Exit codes: 2 when the manifest has errors (as a usage error:
// the input is wrong), 1 when plan's reads find a conflict (a service already migrating), a member's prechecks block
// its start, or no worker ran them; 0 otherwise — warnings are printed and do not fail.
import { readFile } from 'node:fs/promises';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { checkRolloutInput } from '../schemas/rollout';
import type { RolloutAction } from '../schemas/rollout';
import { toRolloutInput } from '../rollout/to-rollout-input';
import { ROLLOUT_WORKFLOW_TYPE, rolloutWorkflowId } from '../workflows/rollout/messages';
import type { rollout as rolloutWorkflow } from '../workflows/rollout/workflow';
import { askOnTerminal, needsConfirmation } from './confirm';
import type { Config } from '../config';
import { checkManifestText } from '../rollout/manifest';
import { UsageError } from './errors';
import { required } from './args';
import type { Options } from './args';
import { formatOnline, formatPrechecks, formatProblemsSection, formatRollout } from './rollout-format';
import { type OnlineReads, type OnlineReport, onlineChecks } from './rollout-online';
import { type PrecheckOutcome, precheckMembers } from './rollout-prechecks';
import { NoWorker } from './worker-check';
import type { PrecheckReport } from '../migration/dry-run';
import type { ResolvedRollout } from '../rollout/resolve';
import type { MigrationRequest } from '../schemas';

// commands.ts's Printer, restated: importing it from there would close an import circle (commands.ts imports this).
type Printer = (value: unknown, text: string) => void;

export async function readManifest(options: Options): Promise<{ path: string; text: string }> {
  const path = required(options, 'manifest');
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (err) {
    throw new UsageError(`--manifest ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** The waves as JSON: members by service (their requests stay in the manifest; plan shows what decides). */
function wavesJson(check: ReturnType<typeof checkManifestText>) {
  return check.rollout?.waves.map((wave) => ({ ...wave, members: wave.members.map((member) => member.service) }));
}

export async function rolloutLint(config: Config, options: Options, print: Printer): Promise<number> {
  const { path, text } = await readManifest(options);
  const check = checkManifestText(text, config.metastore.apiVersion);
  const summary = check.rollout ? `${formatRollout(check.rollout)}\n` : '';
  print(
    { manifest: path, ok: check.ok, problems: check.problems, waves: wavesJson(check) },
    `${path}: ${check.ok ? 'valid' : 'invalid'}\n${summary}${formatProblemsSection(check.problems)}`,
  );
  return check.ok ? 0 : 2;
}

/** What `rollout plan` asks beyond the manifest: the online reads, and the members' plans on the worker. */
export interface PlanConnection extends OnlineReads {
  /** Throws NoWorker when no worker polls the task queue. */
  requireWorker(): Promise<void>;
  plan(request: MigrationRequest): Promise<PrecheckReport>;
}

export async function rolloutPlan(
  config: Config,
  options: Options,
  print: Printer,
  connect: () => Promise<PlanConnection>,
): Promise<number> {
  const { path, text } = await readManifest(options);
  const check = checkManifestText(text, config.metastore.apiVersion);
  // A manifest that did not resolve has no members to read about; one with errors still does, and plan shows all.
  const connection = check.rollout ? await connect() : undefined;
  const online = check.rollout && connection ? await onlineChecks(check.rollout, connection) : undefined;
  const prechecks =
    check.rollout && connection && online
      ? await memberPrechecks(check.rollout, check.ok, online, connection, options)
      : undefined;
  const problems = [...check.problems, ...(online?.problems ?? [])];
  const report = [
    `${path}: ${check.ok ? 'valid' : 'invalid'}`,
    ...(check.rollout ? [formatRollout(check.rollout)] : []),
    ...(online ? [formatOnline(online)] : []),
    formatProblemsSection(problems),
    ...(prechecks ? [formatPrechecks(prechecks)] : []),
  ].join('\n');
  const conflict = online?.problems.some((problem) => problem.severity === 'error') === true;
  // Without a worker nothing vouches for the members: plan does not pass (exit 1) unless asked to skip them.
  const unvouched = prechecks?.ran === false && prechecks.reason === 'no worker';
  const blocked = prechecks?.ran === true && prechecks.waves.some((wave) => wave.blocked > 0);
  print(
    {
      manifest: path,
      ok: check.ok && !conflict && !unvouched && !blocked,
      waves: wavesJson(check),
      unplaced: check.rollout?.unplaced,
      online: online && { ...online, problems: undefined },
      problems,
      prechecks,
    },
    report,
  );
  if (!check.ok) return 2;
  return conflict || unvouched || blocked ? 1 : 0;
}

/** The members' prechecks, unless skipped, the manifest has errors or no worker would run them (then why not). */
async function memberPrechecks(
  rollout: ResolvedRollout,
  manifestOk: boolean,
  online: OnlineReport,
  connection: PlanConnection,
  options: Options,
): Promise<PrecheckOutcome> {
  if (options.values['skip-prechecks'] === true) return { ran: false, reason: 'skipped', message: '--skip-prechecks' };
  if (!manifestOk)
    return { ran: false, reason: 'invalid manifest', message: "the manifest's errors first (see the problems)" };
  try {
    await connection.requireWorker();
  } catch (err) {
    if (!(err instanceof NoWorker)) throw err;
    return { ran: false, reason: 'no worker', message: `no worker — ${err.message}` };
  }
  // Hundreds of plans take minutes: on a terminal, say how far they are (stderr, so stdout stays the report).
  const progress =
    process.stderr.isTTY === true && !options.json
      ? (done: number, total: number) => {
          process.stderr.write(`\rprechecks: ${done}/${total} planned${done === total ? '\n' : ''}`);
        }
      : undefined;
  return precheckMembers(rollout, online.problems, (request) => connection.plan(request), progress);
}

/** What `rollout start` needs of Temporal: commands.ts's client, and its worker check. */
export interface RolloutConnection {
  client: Client;
  requireWorker(command: string): Promise<void>;
}

/**
 * `rollout start`: lint, then start `rollout/NAME`. Idempotent: a rollout of that name already running is reported
 * (exit 0) and nothing new is started — the manifest applied again while its rollout runs changes nothing.
 */
export async function rolloutStart(
  config: Config,
  options: Options,
  print: Printer,
  connect: () => Promise<RolloutConnection>,
): Promise<number> {
  const { path, text } = await readManifest(options);
  const action = (typeof options.values.action === 'string' ? options.values.action : 'start') as RolloutAction;
  const check = checkManifestText(text, config.metastore.apiVersion);
  const adapted = check.manifest && check.rollout && toRolloutInput(check.manifest, check.rollout, action);
  const problems = [...check.problems, ...(adapted?.problems ?? [])];
  const checked =
    adapted && problems.every((p) => p.severity !== 'error') ? checkRolloutInput(adapted.input) : undefined;
  if (!checked || 'issues' in checked) {
    // The workflow's own check of what the manifest became (a wave of more members than it takes, …).
    const issues = checked && 'issues' in checked ? checked.issues : undefined;
    print(
      { manifest: path, ok: false, problems, ...(issues && { issues }) },
      `${path}: not started — fix the manifest first\n${formatProblemsSection(problems)}${issues ? `\n${issues}` : ''}`,
    );
    return 2;
  }
  const rollout = checked.rollout;
  const workflowId = rolloutWorkflowId(rollout.name);
  const { client, requireWorker } = await connect();
  const running = await runningRun(client, workflowId);
  if (running) return reportRunning(print, workflowId, running, rollout.name);
  await requireWorker('rollout start');
  const members = rollout.waves.reduce((sum, wave) => sum + wave.members.length, 0);
  const terminal = { stdinIsTTY: process.stdin.isTTY === true, stdoutIsTTY: process.stdout.isTTY === true };
  if (action !== 'start' && needsConfirmation({ yes: options.values.yes === true, ...terminal })) {
    const what =
      action === 'complete'
        ? `complete ${members} migration(s) in ${rollout.waves.length} wave(s) (rollout ${rollout.name}): each is ` +
          'cut over through its own cutover checks. A cutover cannot be undone.'
        : `cancel ${members} migration(s) in ${rollout.waves.length} wave(s) (rollout ${rollout.name}): each stays ` +
          'on its source; a cancelled migration is not resumed. A member already cut over cannot be undone.';
    await askOnTerminal(what, `rollout ${action}`, 'nothing was started');
  }
  try {
    const handle = await client.workflow.start<typeof rolloutWorkflow>(ROLLOUT_WORKFLOW_TYPE, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ rollout }],
      workflowIdConflictPolicy: 'FAIL',
    });
    print(
      { workflowId, runId: handle.firstExecutionRunId, action, waves: rollout.waves.length, members },
      `started ${workflowId} (run ${handle.firstExecutionRunId}): ${action} of ${members} member(s) in ` +
        `${rollout.waves.length} wave(s)\nfollow it: metastore-migrator rollout status --rollout ${rollout.name}`,
    );
    return 0;
  } catch (err) {
    // Started by someone else between the look and the start: that one is the rollout.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const raced = await runningRun(client, workflowId);
    if (!raced) throw err;
    return reportRunning(print, workflowId, raced, rollout.name);
  }
}

async function runningRun(client: Client, workflowId: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING' ? description : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

function reportRunning(print: Printer, workflowId: string, run: WorkflowExecutionDescription, name: string): number {
  print(
    { workflowId, runId: run.runId, alreadyRunning: true, startTime: run.startTime.toISOString() },
    `already running: ${workflowId} (run ${run.runId}, started ${run.startTime.toISOString()}); nothing new was ` +
      `started\nfollow it: metastore-migrator rollout status --rollout ${name}`,
  );
  return 0;
}
