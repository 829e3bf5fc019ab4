// Child processes we own (emulator, worker, dev server) for the demo and the end-to-end tests: start,
// wait until ready, stop by process id (SIGTERM, then SIGKILL), and never let one outlive its parent.
import { spawn } from 'node:child_process';
import { reapOnExit } from './reaper';

export interface ServiceProcess {
  name: string;
  pid: number;
  /** The last `tailChars` of stdout+stderr, for error messages and assertions. */
  output(): string;
  /** Resolves when a line of output matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after the grace time; resolves once exited. */
  stop(graceMs?: number): Promise<void>;
  /** Sends the signal (default SIGKILL, a crash) and resolves once exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly exited: Promise<number | null>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Pass output through to this process's stdout, prefixed with the name. */
  echo?: boolean;
  /** How much output output() keeps (default 16 000 characters); Infinity keeps all, for a search of everything. */
  tailChars?: number;
}

const TAIL_CHARS = 16_000;

export function spawnService(options: SpawnOptions): ServiceProcess {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  reapOnExit(child);
  let tail = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-(options.tailChars ?? TAIL_CHARS));
    if (options.echo) process.stdout.write(text.replace(/^(?=.)/gm, `[${options.name}] `));
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const isRunning = () => child.exitCode === null && child.signalCode === null;

  const service: ServiceProcess = {
    name: options.name,
    pid: child.pid,
    exited,
    output: () => tail,
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(tail);
          if (!match) return;
          cleanup();
          resolve(match[0]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`${options.name}: no output matching ${pattern} within ${timeoutMs} ms:\n${tail.slice(-2000)}`),
          );
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`${options.name} exited before it was ready:\n${tail.slice(-2000)}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (!isRunning()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill(signal = 'SIGKILL') {
      if (isRunning()) child.kill(signal);
      await exited;
    },
  };
  return service;
}
