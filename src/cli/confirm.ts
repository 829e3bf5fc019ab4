// `complete` and `cancel` ask a person first: a cutover cannot be undone, and a cancelled migration is not
// resumed. Only a person at a terminal is asked; scripts and CI (stdin or stdout not a terminal) are not, and
// `--yes` says yes beforehand.
import { createInterface } from 'node:readline/promises';

export class NotConfirmed extends Error {
  override readonly name = 'NotConfirmed';
}

/** Ask only when both ends are a terminal (a person types and reads) and --yes was not given. */
export function needsConfirmation(flags: { yes: boolean; stdinIsTTY: boolean; stdoutIsTTY: boolean }): boolean {
  return !flags.yes && flags.stdinIsTTY && flags.stdoutIsTTY;
}

/** Only y or yes (any case) is a yes; an empty answer, anything else or end of input is a no. */
export function isYes(answer: string | undefined): boolean {
  return /^\s*(y|yes)\s*$/i.test(answer ?? '');
}

/** What `complete`/`cancel` will do, said before the question. */
export function consequences(action: 'complete' | 'cancel', service: string): string {
  return action === 'complete'
    ? `complete ${service}: the cutover checks run first; if they pass (or are overridden) the service is cut over ` +
        'to its new database and the source stops being replicated. A cutover cannot be undone.'
    : `cancel ${service}: the migration execution is cancelled and the service stays on its source database. ` +
        'A cancelled migration is not resumed; a new start begins again from the beginning.';
}

/** Prints what will happen and reads y/N from the terminal; throws NotConfirmed unless the answer is yes. */
export async function confirmOnTerminal(action: 'complete' | 'cancel', service: string): Promise<void> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await terminal.question(`${consequences(action, service)}\nProceed with ${action}? [y/N] `);
    if (isYes(answer)) return;
  } finally {
    terminal.close();
  }
  throw new NotConfirmed(`${action} not confirmed; nothing was asked of the workflow (--yes skips the question)`);
}
