// A running rollout, from the CLI: `rollout status` and `watch` (its status query), and its commands — pause,
// resume, approve, advance, abort, retry, skip — each the rollout workflow's update, so the engineer hears at once
// whether it was accepted. A refusal is the update validator's (Refused: the reason, exit 1) and writes no history.
import { userInfo } from 'node:os';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import {
  abortUpdate,
  advanceUpdate,
  approveUpdate,
  pauseUpdate,
  resumeUpdate,
  retryUpdate,
  rolloutWorkflowId,
  skipUpdate,
  statusQuery,
} from '../workflows/rollout/messages';
import type { AbortAnswer, CommandAnswer } from '../workflows/rollout/messages';
import { redact } from '../secrets/redact';
import { type Options, numberFlag, required } from './args';
import { askOnTerminal, needsConfirmation } from './confirm';
import { UsageError } from './errors';
import { formatRolloutStatus } from './rollout-format';
import { watchLoop } from './watch';

// commands.ts's Printer, restated: importing it from there would close an import circle (commands.ts imports this).
type Printer = (value: unknown, text: string) => void;

/** What the rollout commands need of Temporal: commands.ts's client, and its worker check (updates need a worker). */
export interface ControlConnection {
  client: Client;
  requireWorker(command: string): Promise<void>;
}
type Connect = () => Promise<ControlConnection>;
type Command = (config: Config, options: Options, print: Printer, connect: Connect) => Promise<number | void>;

function handleOf(client: Client, options: Options) {
  return client.workflow.getHandle(rolloutWorkflowId(required(options, 'rollout')));
}

/** Who asks (the OS user unless --by) and why. */
function asked(options: Options): { by: string; reason: string } {
  const by = typeof options.values.by === 'string' ? options.values.by : userInfo().username;
  return { by, reason: required(options, 'reason') };
}

function waveFlag(options: Options): number {
  const wave = Number(required(options, 'wave'));
  if (!Number.isInteger(wave) || wave < 1) throw new UsageError('--wave: must be a wave number (1, 2, …)');
  return wave;
}

function printAnswer(print: Printer, name: string, answer: CommandAnswer, extra = ''): void {
  const note = answer.note ? ` — ${answer.note}` : '';
  print(
    { rollout: name, ...answer },
    `${answer.command} accepted for rollout ${name} (wave ${answer.wave} now)${note}${extra}`,
  );
}

export const rolloutControl: Record<string, Command> = {
  async 'rollout status'(_config, options, print, connect) {
    const { client } = await connect();
    const handle = handleOf(client, options);
    const [status, description] = await Promise.all([handle.query(statusQuery), handle.describe()]);
    const closed = description.status.name !== 'RUNNING';
    print({ ...status, workflowStatus: description.status.name }, formatRolloutStatus(status, closed));
  },

  async 'rollout watch'(_config, options, _print, connect) {
    const { client } = await connect();
    const handle = handleOf(client, options);
    return watchLoop({
      read: async () => {
        const [status, description] = await Promise.all([handle.query(statusQuery), handle.describe()]);
        return { status, closed: description.status.name !== 'RUNNING' };
      },
      render: (view) => formatRolloutStatus(view.status, view.closed),
      // A continue-as-new is the same rollout: only its end (finished, aborted, failed) ends the view.
      done: (view) => view.closed,
      write: (text) => process.stdout.write(redact(text)),
      redraw: process.stdout.isTTY === true && !options.json,
      json: options.json,
      intervalMs: (numberFlag(options, 'interval') ?? 2) * 1000,
    });
  },

  async 'rollout pause'(_config, options, print, connect) {
    const { client, requireWorker } = await connect();
    await requireWorker('rollout pause');
    const answer = await handleOf(client, options).executeUpdate(pauseUpdate, { args: [asked(options)] });
    printAnswer(print, required(options, 'rollout'), answer);
  },

  async 'rollout resume'(_config, options, print, connect) {
    const { client, requireWorker } = await connect();
    await requireWorker('rollout resume');
    const answer = await handleOf(client, options).executeUpdate(resumeUpdate, { args: [asked(options)] });
    printAnswer(print, required(options, 'rollout'), answer);
  },

  async 'rollout approve'(_config, options, print, connect) {
    const wave = waveFlag(options);
    const ref = options.values['change-reference'];
    const changeReference = typeof ref === 'string' ? ref : 'none given';
    const { client, requireWorker } = await connect();
    await requireWorker('rollout approve');
    const args = { ...asked(options), wave, changeReference };
    const answer = await handleOf(client, options).executeUpdate(approveUpdate, { args: [args] });
    printAnswer(print, required(options, 'rollout'), answer);
  },

  async 'rollout advance'(_config, options, print, connect) {
    const wave = waveFlag(options);
    const by = typeof options.values.by === 'string' ? options.values.by : userInfo().username;
    // The audit trail records why; without --reason, what was done says it.
    const reason = typeof options.values.reason === 'string' ? options.values.reason : `advance wave ${wave} (CLI)`;
    const { client, requireWorker } = await connect();
    await requireWorker('rollout advance');
    const answer = await handleOf(client, options).executeUpdate(advanceUpdate, { args: [{ by, reason, wave }] });
    printAnswer(print, required(options, 'rollout'), answer);
  },

  async 'rollout abort'(_config, options, print, connect) {
    const cancelMembers = options.values['cancel-members'] === true;
    const name = required(options, 'rollout');
    const args = { ...asked(options), cancelMembers };
    const { client, requireWorker } = await connect();
    await requireWorker('rollout abort');
    const terminal = { stdinIsTTY: process.stdin.isTTY === true, stdoutIsTTY: process.stdout.isTTY === true };
    if (needsConfirmation({ yes: options.values.yes === true, ...terminal })) {
      const members = cancelMembers
        ? 'its members not yet cut over are asked to cancel (each through its own gate)'
        : 'its members are migrations of their own and go on';
      const what =
        `abort rollout ${name}: no member is started or decided after it; ${members}. ` +
        'A completed cutover cannot be undone: members already cut over stay so.';
      await askOnTerminal(what, 'abort', 'nothing was asked of the rollout');
    }
    const answer: AbortAnswer = await handleOf(client, options).executeUpdate(abortUpdate, { args: [args] });
    const cancels = cancelMembers ? `; ${answer.toCancel} member(s) will be asked to cancel` : '; members go on';
    const cutOver = answer.cutOver.length > 0 ? `; cut over (cannot be undone): ${answer.cutOver.join(', ')}` : '';
    printAnswer(print, name, answer, `${cancels}${cutOver}`);
  },

  async 'rollout retry'(_config, options, print, connect) {
    const { client, requireWorker } = await connect();
    await requireWorker('rollout retry');
    const args = { ...asked(options), service: options.service };
    const answer = await handleOf(client, options).executeUpdate(retryUpdate, { args: [args] });
    printAnswer(print, required(options, 'rollout'), answer);
  },

  async 'rollout skip'(_config, options, print, connect) {
    const { client, requireWorker } = await connect();
    await requireWorker('rollout skip');
    const args = { ...asked(options), service: options.service };
    const answer = await handleOf(client, options).executeUpdate(skipUpdate, { args: [args] });
    printAnswer(print, required(options, 'rollout'), answer);
  },
};
