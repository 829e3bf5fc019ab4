// The programs as separate processes, as an engineer runs them: emulator, worker(s) and the CLI, against a
// Temporal dev server. `node --import tsx` rather than the tsx binary: tsx runs the script in a grandchild
// that a SIGKILL of its parent would orphan.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../scripts/lib/ports';
import { spawnService } from '../../scripts/lib/services';
import type { ServiceProcess } from '../../scripts/lib/services';
import { SECRET_ENV, serviceSeed, uniqueServiceName } from './migration';

const root = join(__dirname, '..', '..');
const node = process.execPath;
const ts = (...args: string[]) => ['--import', 'tsx', ...args];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Stack {
  emulatorUrl: string;
  /** The CLI's environment: Temporal and emulator addresses, no passwords. */
  env: NodeJS.ProcessEnv;
  workers: ServiceProcess[];
  startWorker(): Promise<ServiceProcess>;
  cli(...args: string[]): Promise<CliRun>;
  seedService(overrides?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function startStack(temporalAddress: string, emulatorArgs: string[] = []): Promise<Stack> {
  const emulatorPort = await freePort();
  const emulator = spawnService({
    name: 'emulator',
    command: node,
    args: ts('src/emulator/main.ts', '--port', String(emulatorPort), '--operation-delay-ms', '200', ...emulatorArgs),
    cwd: root,
  });
  await emulator.waitForOutput(/listening on/);
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: temporalAddress,
    METASTORE_EMULATOR_HOST: `127.0.0.1:${emulatorPort}`,
  };
  const workers: ServiceProcess[] = [];
  return {
    emulatorUrl,
    env,
    workers,
    async startWorker() {
      const worker = spawnService({
        name: 'worker',
        command: node,
        args: ts('src/worker.ts'),
        cwd: root,
        env: { ...env, ...SECRET_ENV },
      });
      workers.push(worker);
      await worker.waitForOutput(/worker polling/);
      return worker;
    },
    async cli(...args) {
      const child = spawn(node, ts('src/client.ts', ...args), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { code, stdout, stderr };
    },
    async seedService(overrides = {}) {
      const name = uniqueServiceName('e2e');
      const response = await fetch(`${emulatorUrl}/_emulator/services`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(serviceSeed(name, overrides)),
      });
      if (response.status !== 200) throw new Error(`seeding ${name}: HTTP ${response.status}`);
      return name;
    },
    async close() {
      await Promise.allSettled([...workers.map((w) => w.stop()), emulator.stop()]);
    },
  };
}
