// Provisions the Temporal CLI (the dev server) and holds the flags every dev server of this project starts with.
// The SDK's own `cached-download` fetches from temporal.download, which CI machines cannot reach; they can reach the
// Go module proxy, so the pinned CLI is built from its Go module. v1.5.1 is the newest release `go install` accepts
// (later go.mod files carry a `replace` directive). Importing this module has no side effects.
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SEARCH_ATTRIBUTE_KEYS, SEARCH_ATTRIBUTE_TYPE_NAMES } from '../src/workflows/messages';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
const GO_LDFLAGS = `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;

/** Search attributes registered on every dev server (demo, tests, createTestEnv): `Name=Type` for `--search-attribute`. */
export const SEARCH_ATTRIBUTES: string[] = SEARCH_ATTRIBUTE_KEYS.map(
  (key) => `${key.name}=${SEARCH_ATTRIBUTE_TYPE_NAMES[key.type]}`,
);

export type Log = (line: string) => void;
const logToStderr: Log = (line) => process.stderr.write(`${line}\n`);
const execFileAsync = promisify(execFile);

/** Root of this project's machine-wide cache (`METASTORE_MIGRATOR_CACHE` or ~/.cache/metastore-migrator). */
export function cacheRoot(): string {
  return process.env.METASTORE_MIGRATOR_CACHE ?? join(homedir(), '.cache', 'metastore-migrator');
}

/** Where the CLI binary lives: `TEMPORAL_CLI_PATH` if set, else `<cache>/temporal-cli-<version>/temporal`. */
export function temporalCliPath(): string {
  return process.env.TEMPORAL_CLI_PATH ?? join(cacheRoot(), `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

/** Returns the path of a working Temporal CLI of the pinned version, building or downloading it on first use. */
export async function ensureTemporalCli(options: { log?: Log } = {}): Promise<string> {
  const log = options.log ?? logToStderr;
  const path = temporalCliPath();
  if (await isPinnedCli(path)) return path;
  if (process.env.TEMPORAL_CLI_PATH !== undefined) {
    // An explicit override is never overwritten: it may point at a binary someone else owns.
    throw new Error(`TEMPORAL_CLI_PATH=${path} is not a runnable Temporal CLI ${TEMPORAL_CLI_VERSION}`);
  }
  await withLock(`${dirname(path)}.lock`, log, async () => {
    // Another process may have finished the build while we waited for the lock.
    if (await isPinnedCli(path)) return;
    const started = Date.now();
    await mkdir(dirname(path), { recursive: true });
    if (await hasGo()) await buildWithGo(path, log);
    else await downloadRelease(path, log);
    if (!(await isPinnedCli(path)))
      throw new Error(`${path} was provisioned but does not run as ${TEMPORAL_CLI_VERSION}`);
    log(`temporal-cli: ready at ${path} after ${seconds(started)}`);
  });
  return path;
}

async function isPinnedCli(path: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(path, ['--version'], { timeout: 10_000 });
    return stdout.includes(`version ${TEMPORAL_CLI_VERSION} `);
  } catch {
    return false;
  }
}

export async function hasGo(): Promise<boolean> {
  try {
    await execFileAsync('go', ['version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** `go install` into a private GOBIN, then an atomic rename: an interrupted build never leaves a half binary. */
async function buildWithGo(path: string, log: Log): Promise<void> {
  const gobin = await mkdtemp(`${dirname(path)}.build-`);
  const target = `${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`;
  log(`temporal-cli: building ${target} with Go (a cold build takes several minutes; later runs use the cache)`);
  try {
    await run(
      'go',
      ['install', '-ldflags', GO_LDFLAGS, target],
      { ...process.env, CGO_ENABLED: '0', GOBIN: gobin },
      log,
      'temporal-cli',
    );
    await rename(join(gobin, 'temporal'), path);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}

/** Runs a command, relaying its output as log lines and a heartbeat every 30 s so CI logs show it is alive. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv, log: Log, label: string): Promise<void> {
  const started = Date.now();
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') log(`  ${line}`);
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  const heartbeat = setInterval(() => log(`${label}: still building (${seconds(started)})`), 30_000);
  return new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      if (code === 0) resolve();
      else
        reject(
          new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}) after ${seconds(started)}`),
        );
    });
  });
}

/** Only for machines with internet and no Go; untested on the offline CI kind, where Go is always present. */
async function downloadRelease(path: string, log: Log): Promise<void> {
  const url = releaseUrl();
  log(`temporal-cli: Go not found; downloading ${url}`);
  const advice = 'install Go (the CLI is then built from the Go module proxy) or set TEMPORAL_CLI_PATH';
  const response = await fetch(url).catch((err: unknown) => {
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new Error(`download of ${url} failed (${reason}); ${advice}`, { cause: err });
  });
  if (!response.ok) throw new Error(`download of ${url} failed (HTTP ${response.status}); ${advice}`);
  const workDir = await mkdtemp(join(tmpdir(), 'temporal-cli-'));
  try {
    const archive = join(workDir, 'temporal.tar.gz');
    await writeFile(archive, Buffer.from(await response.arrayBuffer()));
    await execFileAsync('tar', ['-xzf', archive, '-C', workDir, 'temporal']);
    await chmod(join(workDir, 'temporal'), 0o755);
    // rename() cannot cross file systems (tmp may be tmpfs), so go through a sibling of the target.
    await writeFile(`${path}.download`, await readFile(join(workDir, 'temporal')), { mode: 0o755 });
    await rename(`${path}.download`, path);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function releaseUrl(): string {
  const platforms: Record<string, string> = { linux: 'linux', darwin: 'darwin' };
  const arches: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
  const platform = platforms[process.platform];
  const arch = arches[process.arch];
  if (platform === undefined || arch === undefined) {
    throw new Error(`no Temporal CLI release for ${process.platform}/${process.arch}; install Go and retry`);
  }
  return `https://temporal.download/cli/archive/v${TEMPORAL_CLI_VERSION}?platform=${platform}&arch=${arch}`;
}

/**
 * mkdir is atomic, so the directory is the lock; it holds the owner's pid so a lock left by a killed process is
 * recognised and taken over instead of blocking every later run.
 */
export async function withLock(lockDir: string, log: Log, body: () => Promise<void>): Promise<void> {
  await mkdir(dirname(lockDir), { recursive: true });
  let announced = false;
  while (!(await tryLock(lockDir))) {
    if (await isStale(lockDir)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) log(`waiting for another provisioning run (${lockDir})`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  try {
    await body();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function tryLock(lockDir: string): Promise<boolean> {
  try {
    await mkdir(lockDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  await writeFile(join(lockDir, 'pid'), String(process.pid));
  return true;
}

async function isStale(lockDir: string): Promise<boolean> {
  const pid = Number(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) {
    // The owner may be between mkdir and writing its pid: only an old pid-less lock is abandoned.
    const info = await stat(lockDir).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > 60_000;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

export interface DevServerArgsOptions {
  port: number;
  /** A port for the Web UI; without one the server runs `--headless`. */
  uiPort?: number;
  /** SQLite file that keeps state across restarts; without one, state is in memory only. */
  dbFilename?: string;
  ip?: string;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
  extraArgs?: string[];
}

/** Full argument list for `temporal server start-dev`, shared by `npm run temporal:dev` and the test helpers. */
export function devServerArgs(options: DevServerArgsOptions): string[] {
  const args = ['server', 'start-dev', '--ip', options.ip ?? '127.0.0.1', '--port', String(options.port)];
  args.push(...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]));
  if (options.dbFilename !== undefined) args.push('--db-filename', options.dbFilename);
  args.push('--namespace', options.namespace ?? 'default', '--log-level', options.logLevel ?? 'warn');
  return [...args, ...sharedServerFlags(), ...(options.extraArgs ?? [])];
}

/** Flags every dev server gets, including the SDK-launched one of `createTestEnv`, which adds its own port/ip. */
export function sharedServerFlags(): string[] {
  return [
    ...SEARCH_ATTRIBUTES.flatMap((attribute) => ['--search-attribute', attribute]),
    // The server would otherwise call home at start-up; these machines have no internet.
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
  ];
}

/** Environment for a dev server child: the version check is also switched off through its env variable. */
export function devServerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' };
}
