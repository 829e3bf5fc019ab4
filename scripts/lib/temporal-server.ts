// Provisions Temporal Server and its SQL schema tool, built once from the Go module proxy like the CLI (see
// scripts/temporal-cli.ts): 1.29.1 is the server the CLI 1.5.1 embeds and the one docker-compose pins, so the
// cluster runs exactly what the dev server and compose run. Default GOPATH/GOCACHE, so CI's kept caches serve it.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheRoot, hasGo, type Log, run, seconds, withLock } from '../temporal-cli';

export const TEMPORAL_SERVER_VERSION = '1.29.1';
const GO_MODULE = 'go.temporal.io/server';
const logToStderr: Log = (line) => process.stderr.write(`${line}\n`);
const execFileAsync = promisify(execFile);

export interface TemporalServerBinaries {
  /** `temporal-server` (cmd/server): every service, or one with `start --service`. */
  server: string;
  /** `temporal-sql-tool` (cmd/tools/sql): creates databases and applies the schema embedded in it. */
  sqlTool: string;
}

/** `<cache>/temporal-server-<version>/`, where both binaries live. */
export function temporalServerDir(): string {
  return join(cacheRoot(), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

/** The paths of both binaries of the pinned version, building them on first use. */
export async function ensureTemporalServer(options: { log?: Log } = {}): Promise<TemporalServerBinaries> {
  const log = options.log ?? logToStderr;
  const dir = temporalServerDir();
  const binaries = { server: join(dir, 'temporal-server'), sqlTool: join(dir, 'temporal-sql-tool') };
  if (await isPinned(binaries)) return binaries;
  await withLock(`${dir}.lock`, log, async () => {
    // Another process may have finished the build while we waited for the lock.
    if (await isPinned(binaries)) return;
    if (!(await hasGo())) throw new Error(`Go is needed to build Temporal Server ${TEMPORAL_SERVER_VERSION}`);
    const started = Date.now();
    await mkdir(dir, { recursive: true });
    await build(dir, binaries, log);
    if (!(await isPinned(binaries))) throw new Error(`${dir} was built but does not run as ${TEMPORAL_SERVER_VERSION}`);
    log(`temporal-server: ready in ${dir} after ${seconds(started)}`);
  });
  return binaries;
}

async function isPinned(binaries: TemporalServerBinaries): Promise<boolean> {
  try {
    const server = await execFileAsync(binaries.server, ['--version'], { timeout: 10_000 });
    const tool = await execFileAsync(binaries.sqlTool, ['--version'], { timeout: 10_000 });
    return [server.stdout, tool.stdout].every((out) => out.includes(TEMPORAL_SERVER_VERSION));
  } catch {
    return false;
  }
}

/** One `go install` of both commands (same module, same version) into a private GOBIN, then atomic renames. */
async function build(dir: string, binaries: TemporalServerBinaries, log: Log): Promise<void> {
  const gobin = await mkdtemp(`${dir}/.build-`);
  const packages = ['cmd/server', 'cmd/tools/sql'].map((cmd) => `${GO_MODULE}/${cmd}@v${TEMPORAL_SERVER_VERSION}`);
  log(`temporal-server: building ${packages.join(' ')} with Go (a cold build takes ~5 min; later runs use the cache)`);
  try {
    const env = { ...process.env, CGO_ENABLED: '0', GOBIN: gobin };
    await run('go', ['install', '-ldflags', '-s -w', ...packages], env, log, 'temporal-server');
    await rename(join(gobin, 'server'), binaries.server);
    await rename(join(gobin, 'sql'), binaries.sqlTool);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}
