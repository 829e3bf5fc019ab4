// The programs as separate processes, as an engineer runs them: emulator, worker(s) and the CLI, against a
// Temporal dev server. `node --import tsx` rather than the tsx binary: tsx runs the script in a grandchild
// that a SIGKILL of its parent would orphan.
import { spawn } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit } from '../../scripts/lib/reaper';
import { TASK_QUEUE } from '../../src/config';
import { freePort } from '../../scripts/lib/ports';
import { spawnService } from '../../scripts/lib/services';
import { localTemporalEnv } from '../../scripts/lib/temporal-profile';
import { isolatedTaskQueue } from '../../scripts/lib/existing-temporal';
import { EMULATOR_MIN_INTERVALS_ENV } from '../../scripts/lib/min-intervals';
import type { ServiceProcess } from '../../scripts/lib/services';
import { SECRET_ENV, SECRET_POLICY_ENV, serviceSeed, uniqueServiceName } from './migration';
import { type DevServer, terminateLeftovers } from './temporal';

const root = join(__dirname, '..', '..');
const node = process.execPath;
const ts = (...args: string[]) => ['--import', 'tsx', ...args];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface StackOptions {
  /** Added to the worker's and the CLI's environment, e.g. the payload codec's keys. */
  env?: Record<string, string>;
  /** Keep every byte of every process's output (not just the tail), for a search of all of it. */
  fullOutput?: boolean;
}

export interface Stack {
  /** The task queue the worker polls and the CLI starts on: the default, or an existing server's stack's own. */
  taskQueue: string;
  namespace: string;
  emulatorUrl: string;
  emulator: ServiceProcess;
  /** The CLI's environment: Temporal and emulator addresses (and StackOptions.env), no passwords. */
  env: NodeJS.ProcessEnv;
  workers: ServiceProcess[];
  /** Every CLI run so far, in order. */
  cliRuns: CliRun[];
  /** A worker with the passwords of SECRET_ENV; `env` overrides the stack's for this worker only. */
  startWorker(env?: Record<string, string>): Promise<ServiceProcess>;
  cli(...args: string[]): Promise<CliRun>;
  /** The CLI with `overrides` over the stack's environment; an undefined value removes that variable. */
  cliWithEnv(overrides: Record<string, string | undefined>, ...args: string[]): Promise<CliRun>;
  seedService(overrides?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** One run of the CLI (`src/client.ts`) with exactly `env`, to its end. */
export async function cliProcess(env: NodeJS.ProcessEnv, args: string[]): Promise<CliRun> {
  const child = spawn(node, ts('src/client.ts', ...args), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close', not 'exit': output still buffered in the pipes when the process exits would otherwise be lost.
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout, stderr };
}

export async function startStack(
  temporal: Pick<DevServer, 'address' | 'namespace' | 'existing'>,
  emulatorArgs: string[] = [],
  options: StackOptions = {},
): Promise<Stack> {
  const emulatorPort = await freePort();
  const tailChars = options.fullOutput ? Infinity : undefined;
  const emulator = spawnService({
    name: 'emulator',
    command: node,
    args: ts('src/emulator/main.ts', '--port', String(emulatorPort), '--operation-delay-ms', '200', ...emulatorArgs),
    cwd: root,
    tailChars,
  });
  await emulator.waitForOutput(/listening on/);
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  // On an existing server other runs' workers poll too: this stack's worker and CLI keep to a task queue of their
  // own, so neither serves nor lists another run's workflows.
  const taskQueue = temporal.existing ? isolatedTaskQueue() : TASK_QUEUE;
  // The dev server as a TOML profile (envconfig's file path, as an engineer's would be), nothing inherited.
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...localTemporalEnv(temporal.address, {}, temporal.namespace),
    ...(temporal.existing && { TEMPORAL_TASK_QUEUE: taskQueue }),
    METASTORE_EMULATOR_HOST: `127.0.0.1:${emulatorPort}`,
    // The requests' tenth-of-a-second intervals, against the emulator.
    ...EMULATOR_MIN_INTERVALS_ENV,
    // The workers' shared inventory store (recorded before cutover, read by the verification after it).
    METASTORE_MIGRATOR_INVENTORY_DIR: inventoryDir(),
    ...options.env,
  };
  const workers: ServiceProcess[] = [];
  const cliRuns: CliRun[] = [];
  const runCli = async (cliEnv: NodeJS.ProcessEnv, args: string[]): Promise<CliRun> => {
    const run = await cliProcess(cliEnv, args);
    cliRuns.push(run);
    return run;
  };
  return {
    taskQueue,
    namespace: temporal.namespace,
    emulatorUrl,
    emulator,
    env,
    workers,
    cliRuns,
    async startWorker(workerEnv = {}) {
      const worker = spawnService({
        name: 'worker',
        command: node,
        args: ts('src/worker.ts'),
        cwd: root,
        // The lab opt-out from TLS to the source, stated: the stack's sources are unreachable or plain MariaDB.
        env: { ...env, ...SECRET_ENV, ...SECRET_POLICY_ENV, METASTORE_MIGRATOR_SOURCE_TLS: 'off', ...workerEnv },
        tailChars,
      });
      workers.push(worker);
      await worker.waitForOutput(/worker polling/);
      return worker;
    },
    cli: (...args) => runCli(env, args),
    cliWithEnv(overrides, ...args) {
      const merged: NodeJS.ProcessEnv = { ...env, ...overrides };
      for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete merged[name];
      return runCli(merged, args);
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
      // Best effort: a run whose server went away has nothing left to end there, and its tests said so already.
      if (temporal.existing)
        await endLeftovers(temporal, taskQueue).catch((err: unknown) =>
          console.warn(`leftovers not ended: ${String(err)}`),
        );
    },
  };
}

/** What the stack left running on its own queue of a shared server: ended (see terminateLeftovers). */
async function endLeftovers(temporal: Pick<DevServer, 'address' | 'namespace'>, taskQueue: string): Promise<void> {
  const connection = await Connection.connect({ address: temporal.address });
  try {
    await terminateLeftovers(new Client({ connection, namespace: temporal.namespace }), [taskQueue]);
  } finally {
    await connection.close();
  }
}

function inventoryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'inventories-'));
  removeOnExit(dir);
  return dir;
}
