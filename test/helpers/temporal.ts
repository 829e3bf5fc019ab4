// Temporal servers for tests, from the cached CLI binary (see scripts/temporal-cli.ts; nothing is downloaded).
// startDevServer: a dev server we own as a child process (restartable on the same SQLite file, killable mid-test).
// createTestEnv: the SDK's TestWorkflowEnvironment on a dev server it launches itself.
// With METASTORE_MIGRATOR_TEST_TEMPORAL_ADDRESS set (scripts/lib/existing-temporal.ts) both use that server instead;
// a test that must stop, restart or configure its own server skips itself there (requiresOwnTemporal).
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { type Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ClientOptionsForTestEnv } from '@temporalio/testing';
import { devServerArgs, devServerEnv, ensureTemporalCli, sharedServerFlags } from '../../scripts/temporal-cli';
import { reapOnExit } from '../../scripts/lib/reaper';
import { EXISTING_ADDRESS_ENV, type ExistingTemporal, existingTemporal } from '../../scripts/lib/existing-temporal';
import { acceptsConnections, freePort } from './ports';

export interface DevServer {
  /** `127.0.0.1:<port>`, for `Connection.connect` / `NativeConnection.connect`. */
  address: string;
  port: number;
  /** The namespace the tests use: `default` on a dev server, the existing server's own otherwise. */
  namespace: string;
  /** The existing server (shared with other runs: never stopped, and each stack isolates itself on it). */
  existing: boolean;
  dbFilename?: string;
  /** SIGTERM, then SIGKILL if the server has not exited after 10 s; resolves once it has exited. */
  close(): Promise<void>;
  /** Sends `signal` (default SIGKILL, i.e. a crash) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartDevServerOptions {
  /** Fixed gRPC port; by default a free one (and a new one if another process takes it first). */
  port?: number;
  /** SQLite file: state survives close() and a new startDevServer on the same file. */
  dbFilename?: string;
  /** Serve the Web UI on this port (default: headless). */
  uiPort?: number;
  /** Appended to the start-dev flags, e.g. `['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=50']`. */
  extraArgs?: string[];
}

const START_DEADLINE_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL_CHARS = 4_000;
const OUTPUT_HEAD_CHARS = 2_000;
const PORT_ATTEMPTS = 3;

/** The existing server, read once per test process (a malformed address fails every test that needs Temporal). */
const existing: ExistingTemporal | undefined = existingTemporal();

/**
 * In existing-server mode, why a test that needs a Temporal of its own (to kill, restart, or start with flags or a
 * UI port) skips — for `describe(name, { skip: requiresOwnTemporal(why) })` and to return early from its hooks;
 * `false` otherwise.
 */
export function requiresOwnTemporal(why: string): string | false {
  return existing ? `needs a Temporal server of its own (${why}); ${EXISTING_ADDRESS_ENV} is set` : false;
}

/** Whether the tests run on an existing server (shared: isolate, and clean up after). */
export function onExistingTemporal(): boolean {
  return existing !== undefined;
}

/**
 * On an existing server, ends what a run leaves running on its own task queues (migrations waiting for a decision,
 * rollouts' members), so runs do not pile up there; a dev server of our own goes away with them. Returns how many.
 */
export async function terminateLeftovers(client: Client, taskQueues: readonly string[]): Promise<number> {
  let ended = 0;
  for (const taskQueue of taskQueues) {
    const query = `TaskQueue = "${taskQueue}" AND ExecutionStatus = 'Running'`;
    for await (const info of client.workflow.list({ query })) {
      // One that ended meanwhile is not an error: it is what we wanted.
      const done = await client.workflow
        .getHandle(info.workflowId, info.runId)
        .terminate('test run over')
        .then(
          () => true,
          () => false,
        );
      if (done) ended += 1;
    }
  }
  return ended;
}

/**
 * Starts a headless dev server on 127.0.0.1 and resolves once it answers workflow-service calls — or, in
 * existing-server mode and without options that need a server of our own, resolves with that server once it
 * answers and knows its namespace.
 */
export async function startDevServer(options: StartDevServerOptions = {}): Promise<DevServer> {
  const ownNeeded = Object.values(options).some((value) => value !== undefined);
  if (existing && !ownNeeded) return existingServer(existing);
  const cli = await ensureTemporalCli();
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(cli, port, options);
    } catch (err) {
      // freePort() only saw the port free; a concurrent test file may have bound it since.
      const portTaken = err instanceof Error && /address already in use/i.test(err.message);
      if (!portTaken || options.port !== undefined || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}

async function launch(cli: string, port: number, options: StartDevServerOptions): Promise<DevServer> {
  const address = `127.0.0.1:${port}`;
  const args = devServerArgs({
    port,
    uiPort: options.uiPort,
    dbFilename: options.dbFilename,
    extraArgs: options.extraArgs,
  });
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], env: devServerEnv() });
  reapOnExit(child);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.once('error', (err) => resolve(err.message));
  });
  const output = watchOutput(child);
  const server: DevServer = {
    address,
    port,
    namespace: 'default',
    existing: false,
    dbFilename: options.dbFilename,
    close: () => stop(child, exited),
    kill: async (signal = 'SIGKILL') => {
      if (!isRunning(child)) return;
      child.ref(); // keep the event loop alive until the exit we wait for
      child.kill(signal);
      await exited;
    },
  };
  try {
    await waitUntilServing(port, exited, output);
  } catch (err) {
    await server.kill();
    throw err;
  }
  // A server a test forgot to close must not keep the test process alive; the exit hook below kills it then.
  unrefChild(child);
  return server;
}

async function existingServer({ address, namespace }: ExistingTemporal): Promise<DevServer> {
  await probe(address, namespace, 10_000).catch((err: unknown) => {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`the existing Temporal at ${address} (namespace ${namespace}) does not answer: ${reason}`);
  });
  const refuse = () =>
    Promise.reject(new Error(`the existing Temporal at ${address} is shared: a test that kills it needs its own`));
  return {
    address,
    port: Number(address.slice(address.lastIndexOf(':') + 1)),
    namespace,
    existing: true,
    // Not ours to stop: other runs may be using it.
    close: () => Promise.resolve(),
    kill: refuse,
  };
}

async function waitUntilServing(port: number, exited: Promise<string>, output: ServerOutput): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    // Until our child prints its banner, whatever answers on the port may be another test file's server that
    // took the port first (our child is then about to exit with "address already in use").
    const ready = output.bannerSeen()
      ? probe(`127.0.0.1:${port}`, 'default', Math.min(2_000, Math.max(deadline - Date.now(), 100))).then(
          () => true,
          (err: unknown) => {
            lastError = err;
            return false;
          },
        )
      : new Promise<false>((resolve) => setTimeout(() => resolve(false), 50));
    const outcome = await Promise.race([ready, exited.then((how) => ({ how }))]);
    if (outcome === true) return;
    if (typeof outcome === 'object') {
      throw new Error(`temporal dev server on port ${port} exited (${outcome.how}) before serving:\n${output.tail()}`);
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(
    `temporal dev server on port ${port} not serving after ${START_DEADLINE_MS} ms (${reason}):\n${output.tail()}`,
  );
}

/** One short-lived connection: the server must answer the workflow service and know the namespace. */
async function probe(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const colon = address.lastIndexOf(':');
  // gRPC backs off ~1 s after a refused connection; a plain TCP check first keeps start-up detection at ~50 ms.
  if (!(await acceptsConnections(Number(address.slice(colon + 1)), address.slice(0, colon))))
    throw new Error(`nothing listens on ${address} yet`);
  const connection = Connection.lazy({ address, connectTimeout: timeoutMs });
  try {
    await connection.ensureConnected();
    await connection.workflowService.getSystemInfo({});
    await connection.workflowService.describeNamespace({ namespace });
  } finally {
    await connection.close();
  }
}

async function stop(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (!isRunning(child)) return;
  child.ref();
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace-over'>(
    (resolve) => (timer = setTimeout(() => resolve('grace-over'), STOP_GRACE_MS)),
  );
  if ((await Promise.race([exited, graceOver])) === 'grace-over') child.kill('SIGKILL');
  clearTimeout(timer);
  await exited;
}

function unrefChild(child: ChildProcess): void {
  child.unref();
  // The pipes are sockets at run time; their handles would otherwise hold the event loop open as well.
  for (const stream of [child.stdout, child.stderr]) (stream as Partial<Socket> | null)?.unref?.();
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.pid !== undefined;
}

interface ServerOutput {
  /** The last few KB of stdout and stderr, for error messages. */
  tail(): string;
  /** Whether the CLI printed `Server:  <host>:<port>`, which it does once its frontend is listening. */
  bannerSeen(): boolean;
}

/** Reading the pipes also keeps them from filling up and blocking the server. */
function watchOutput(child: ChildProcess): ServerOutput {
  // The head too: a Go panic says why first ("address already in use", which startDevServer retries on another
  // port) and then prints a stack that would push the reason out of the tail.
  let head = '';
  let tail = '';
  let seen = 0;
  let banner = false;
  const append = (chunk: Buffer) => {
    const text = chunk.toString();
    if (head.length < OUTPUT_HEAD_CHARS) head += text.slice(0, OUTPUT_HEAD_CHARS - head.length);
    seen += text.length;
    tail = (tail + text).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    append(chunk);
    banner ||= /^Server:\s+\S+:\d+/m.test(tail);
  });
  child.stderr?.on('data', append);
  const output = () => (seen <= OUTPUT_TAIL_CHARS ? tail : `${head}\n…\n${tail}`);
  return { tail: output, bannerSeen: () => banner };
}

/**
 * TestWorkflowEnvironment on a dev server the SDK launches from the cached CLI, with the project's search attributes.
 * The SDK gives the server only 5 s to accept connections, so a start-up timeout (a loaded 2-core CI box) is
 * retried once. In existing-server mode (no extraArgs), the environment on that server: the same real server kind
 * as the dev server's (no time skipping either way), and the harness gives each worker a task queue of its own.
 */
export async function createTestEnv(
  options: { extraArgs?: string[]; client?: ClientOptionsForTestEnv } = {},
): Promise<TestWorkflowEnvironment> {
  if (existing && options.extraArgs === undefined) {
    await existingServer(existing);
    return TestWorkflowEnvironment.createFromExistingServer({ ...existing, client: options.client });
  }
  const path = await ensureTemporalCli();
  // The SDK starts the server with our environment; it already passes frontend.enableServerVersionCheck=false.
  process.env.TEMPORAL_VERSION_CHECK_DISABLED ??= '1';
  const create = () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path },
        ip: '127.0.0.1',
        extraArgs: [...sharedServerFlags(), ...(options.extraArgs ?? [])],
      },
      // env.client takes these (e.g. a data converter with a payload codec); its connection and namespace are the SDK's.
      client: options.client,
    });
  try {
    return await create();
  } catch (err) {
    if (!(err instanceof Error && /did not start within/.test(err.message))) throw err;
    return create();
  }
}
