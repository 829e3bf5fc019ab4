// The CLI on a real pseudo-terminal, as a person at a terminal runs it: util-linux `script` allocates the pty and
// relays our pipe to it, so the CLI's stdin and stdout are a terminal (isTTY) and what it prints is what the
// person would see. Everything waits on output or on the exit, never on a timer.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface PtyRun {
  /** Everything the terminal showed so far (the CLI's stdout and stderr, and the echo of what was typed). */
  output(): string;
  /**
   * Resolves with the output once it matches; rejects if the CLI ends first, or (the CLI then killed) after
   * `timeoutMs`, with what it showed: a failure to report, not a wait.
   */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Type, as at the keyboard. */
  type(text: string): void;
  /** The CLI's exit code (script -e passes it on). */
  exited: Promise<number | null>;
}

/** `src/client.ts ARGS` on a new pty, with exactly `env`. */
export function cliOnPty(env: NodeJS.ProcessEnv, args: string[]): PtyRun {
  const command = [process.execPath, '--import', 'tsx', 'src/client.ts', ...args].map(shellQuote).join(' ');
  // -q no banner, -e the child's exit code, -f flush at once (the prompt has no newline), /dev/null no typescript.
  const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return {
    output: () => output,
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const settle = (error?: Error) => {
          if (!waiters.delete(check)) return;
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(output);
        };
        const check = () => {
          if (pattern.test(output)) settle();
        };
        const timer = setTimeout(() => {
          child.kill();
          settle(new Error(`no ${pattern} within ${timeoutMs} ms; the terminal showed:\n${JSON.stringify(output)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
        void exited.then((code) =>
          settle(new Error(`the CLI exited (${code}) before printing ${pattern}:\n${output}`)),
        );
      });
    },
    type: (text) => child.stdin.write(text),
    exited,
  };
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
