// `complete`, `cancel` and `rollback` ask a person first: a cutover cannot be undone, a cancelled migration is not
// resumed, and a rollback sends the service's clients back to DPMS. Only a person at a terminal is asked; scripts and CI (stdin or stdout not a terminal) are not, and
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

export type Decision = 'complete' | 'cancel' | 'rollback';

/** What `complete`/`cancel`/`rollback` will do, said before the question. */
export function consequences(action: Decision, service: string): string {
  if (action === 'complete')
    return (
      `complete ${service}: the cutover checks run first; if they pass (or are overridden) the service is cut over ` +
      'to its new database and the source stops being replicated. A cutover cannot be undone.'
    );
  if (action === 'cancel')
    return (
      `cancel ${service}: the migration execution is cancelled and the service stays on its source database. ` +
      'A cancelled migration is not resumed; a new start begins again from the beginning.'
    );
  return (
    `rollback ${service}: the completed migration is rolled back (ROLLED_BACK): the service goes back to ACTIVE ` +
    'and serves from Dataproc Metastore again, its Lakehouse proxy removed. The Lakehouse catalogs keep what the ' +
    'migration wrote.'
  );
}

/**
 * Prints what will happen (`said`: for one service, its consequences) and reads y/N from the terminal; throws
 * NotConfirmed unless the answer is yes.
 */
export async function confirmOnTerminal(
  action: Decision,
  service: string,
  said = consequences(action, service),
): Promise<void> {
  await askOnTerminal(said, action, 'nothing was asked of the workflow');
}

/** `what` (what will happen), then `Proceed with ACTION? [y/N]`; NotConfirmed, saying `nothingDone`, unless yes. */
export async function askOnTerminal(what: string, action: string, nothingDone: string): Promise<void> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await terminal.question(`${what}\nProceed with ${action}? [y/N] `);
    if (isYes(answer)) return;
  } finally {
    terminal.close();
  }
  throw new NotConfirmed(`${action} not confirmed; ${nothingDone} (--yes skips the question)`);
}
