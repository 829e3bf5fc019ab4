// `rollout lint` (offline), `rollout plan` (offline, then read-only against Temporal and the Metastore API) and
// `rollout start` (lint, then the rollout workflow). Exit codes: 2 when the manifest has errors (as a usage error:
// the input is wrong), 1 when plan's reads find a conflict (a service already migrating), 0 otherwise — warnings
// are printed and do not fail.
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
import { formatOnline, formatProblemsSection, formatRollout } from './rollout-format';
import { type OnlineReads, onlineChecks } from './rollout-online';

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

export async function rolloutPlan(
  config: Config,
  options: Options,
  print: Printer,
  connect: () => Promise<OnlineReads>,
): Promise<number> {
  const { path, text } = await readManifest(options);
  const check = checkManifestText(text, config.metastore.apiVersion);
  // A manifest that did not resolve has no members to read about; one with errors still does, and plan shows all.
  const online = check.rollout ? await onlineChecks(check.rollout, await connect()) : undefined;
  const problems = [...check.problems, ...(online?.problems ?? [])];
  const report = [
    `${path}: ${check.ok ? 'valid' : 'invalid'}`,
    ...(check.rollout ? [formatRollout(check.rollout)] : []),
    ...(online ? [formatOnline(online)] : []),
    formatProblemsSection(problems),
  ].join('\n');
  print(
    {
      manifest: path,
      ok: problems.every((problem) => problem.severity !== 'error'),
      waves: wavesJson(check),
      unplaced: check.rollout?.unplaced,
      online: online && { ...online, problems: undefined },
      problems,
    },
    report,
  );
  if (!check.ok) return 2;
  return online?.problems.some((problem) => problem.severity === 'error') ? 1 : 0;
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
