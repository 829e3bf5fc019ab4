// Child processes and scratch folders must never outlive the process that made them, even when a caller
// forgets to stop them or the run is interrupted. One reaper for the demo, the test helpers and the scripts.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const children = new Set<ChildProcess>();
const directories = new Set<string>();
let installed = false;

/** SIGKILLs the child when this process exits or is interrupted, unless it exited first. */
export function reapOnExit(child: ChildProcess): void {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Removes the folder when this process exits or is interrupted. */
export function removeOnExit(dir: string): void {
  install();
  directories.add(dir);
}

/** The folder was removed by its owner: nothing left to do at exit. */
export function removedAlready(dir: string): void {
  directories.delete(dir);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', reapAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // A listener replaces Node's default "exit on signal": reap, then re-raise unless someone else (a worker's
    // graceful shutdown, the demo's own stop) also listens and decides for the process.
    const reap = () => {
      reapAll();
      process.off(signal, reap);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, reap);
  }
}

function reapAll(): void {
  for (const child of children) if (child.pid !== undefined) child.kill('SIGKILL');
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
}
