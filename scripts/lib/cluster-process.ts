// Long-running server processes of a Temporal cluster: output to a log file in the cluster folder (a crash's cause
// is there after we are gone), stopped by pid, reaped if we die, and waits that fail at once when the process
// exits, with the log's tail in the error.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { reapOnExit } from './reaper';

const TAIL_CHARS = 3_000;

export interface ClusterProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves with how it ended (`SIGKILL`, `exit code 1`). */
  readonly exited: Promise<string>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL after the grace time; resolves once exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL (a crash); resolves once exited. */
  kill(): Promise<void>;
}

export interface SpawnLoggedOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function spawnLogged(options: SpawnLoggedOptions): ClusterProcess {
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  reapOnExit(child);
  const exited = exitOf(child);
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    name: options.name,
    pid: child.pid,
    logFile: options.logFile,
    exited,
    isRunning,
    async stop(graceMs = 10_000) {
      if (!isRunning()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (isRunning()) child.kill('SIGKILL');
      await exited;
    },
  };
}

export function exitOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.once('error', (err) => resolve(err.message));
  });
}

/** The end of a log file, for an error message ('' if unreadable). */
export function logTail(file: string, chars = TAIL_CHARS): string {
  try {
    return readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '';
  }
}

export interface WaitUntilOptions {
  /** The process whose readiness this is: its exit ends the wait with an error. */
  exited?: Promise<string>;
  /** Quoted (its tail) in the error. */
  logFile?: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/** Re-runs `check` until it gives true; a throw counts as not yet (its message is kept for the error). */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  { exited, logFile, timeoutMs = 60_000, intervalMs = 100 }: WaitUntilOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended: string | undefined;
  void exited?.then((how) => (ended = how));
  let lastError = '';
  const fail = (why: string) => {
    const tail = logFile === undefined ? '' : `\n--- ${logFile} (tail) ---\n${logTail(logFile)}`;
    return new Error(`${what}: ${why}${lastError ? ` (last error: ${lastError})` : ''}${tail}`);
  };
  for (;;) {
    if (ended !== undefined) throw fail(`the process exited (${ended})`);
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw fail(`not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
