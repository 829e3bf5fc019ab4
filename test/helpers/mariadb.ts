// Private MariaDB instances for tests (MariaDB stands in for Cloud SQL for MySQL): a fresh datadir under the temp
// directory, a free 127.0.0.1 port and a socket for root; stopped by pid and deleted in close().
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { reapOnExit, removedAlready, removeOnExit } from '../../scripts/lib/reaper';
import { freePort } from './ports';
import { createTestCa, type TestCa } from './test-ca';

export interface MariaDb {
  host: '127.0.0.1';
  port: number;
  /** Unix socket; root logs in over it without a password (unix_socket authentication). */
  socket: string;
  /** Runs SQL as root (several statements allowed) and returns the result rows. */
  rootQuery<T = Record<string, unknown>[]>(sql: string, values?: unknown[]): Promise<T>;
  /** SIGTERM (SIGKILL after 10 s), waits for the exit, deletes the datadir. Safe to call twice. */
  close(): Promise<void>;
  /** With `tls`: the CA that signed the server's certificate (for SERVER_NAME, not the IP, like Cloud SQL's). */
  tls?: TestCa;
  /** How long preparing the datadir (mariadb-install-db, or a copy of its output) and the server start took. */
  startupMs: { install: number; server: number };
}

export interface StartMariaDbOptions {
  /** Extra mariadbd options, e.g. GOOD_CDC_SERVER_ARGS. */
  serverArgs?: string[];
  /**
   * Serve TLS with a certificate from a fresh CA made in the instance's directory (--ssl-ca/--ssl-cert/--ssl-key);
   * `require` also refuses logins over plain TCP (require_secure_transport).
   */
  tls?: boolean | 'require';
  /** Try this port first (the demo's 3306, what Cloud SQL listens on); a free one if it is taken. */
  preferredPort?: number;
}

/** Binlog and Datastream settings that pass every CDC check (GTID aside: MariaDB's are not MySQL's). */
export const GOOD_CDC_SERVER_ARGS = [
  '--server-id=1',
  '--log-bin=binlog', // relative to the datadir
  '--binlog-format=ROW',
  '--binlog-row-image=FULL',
  '--expire-logs-days=7',
  '--log-slave-updates',
  '--net-read-timeout=3600',
  '--net-write-timeout=3600',
  '--wait-timeout=86400',
  '--max-allowed-packet=1G',
];

// Small and throwaway: a 16 MB buffer pool, 4 MB redo log and no doublewrite buffer keep install + start under a
// second on a 2-core box; durability does not matter for test data. Used for the install and the server alike.
// Each instance gets its own tmpdir: a starting mariadbd deletes every '#sql*' file in its tmpdir, which breaks
// another instance (or a concurrent mariadb-install-db) sharing /tmp.
function leanArgs(dir: string): string[] {
  return [
    `--tmpdir=${join(dir, 'tmp')}`,
    '--innodb-buffer-pool-size=16M',
    '--innodb-log-file-size=4M',
    '--innodb-data-file-path=ibdata1:4M:autoextend',
    '--innodb-autoextend-increment=4',
    '--innodb-temp-data-file-path=ibtmp1:4M:autoextend',
    '--innodb-doublewrite=0',
    '--innodb-flush-log-at-trx-commit=2',
    '--innodb-buffer-pool-load-at-startup=0',
    '--innodb-buffer-pool-dump-at-shutdown=0',
  ];
}
/** The server binary these instances run (Debian's mariadb-server). */
export const MARIADBD = '/usr/sbin/mariadbd';
const START_DEADLINE_MS = 30_000;
const STOP_GRACE_MS = 10_000;
const PORT_ATTEMPTS = 3;
const execFileAsync = promisify(execFile);

/** Starts a private MariaDB on a free 127.0.0.1 port; resolves once root can run queries. Close it in `after`. */
export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<MariaDb> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'mariadb-'));
  removeOnExit(dir);
  try {
    const dataDir = await copyTemplate(dir);
    const tls = options.tls ? await serverTls(dir, options.tls === 'require') : undefined;
    const install = Date.now() - started;
    for (let attempt = 1; ; attempt++) {
      const port = attempt === 1 && options.preferredPort !== undefined ? options.preferredPort : await freePort();
      try {
        const server = await launch(dir, dataDir, port, [...(tls?.args ?? []), ...(options.serverArgs ?? [])]);
        return {
          ...server,
          ...(tls && { tls: tls.ca }),
          startupMs: { install, server: Date.now() - started - install },
        };
      } catch (err) {
        // freePort() only saw the port free; a concurrent test file may have bound it since (or the preferred
        // port was taken to begin with).
        const portTaken = err instanceof Error && /address already in use/i.test(err.message);
        if (!portTaken || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
  } catch (err) {
    await removeDir(dir);
    throw err;
  }
}

/** A CA and a server certificate in `dir`/tls, and the mariadbd options serving them. */
async function serverTls(dir: string, require: boolean): Promise<{ ca: TestCa; args: string[] }> {
  const tlsDir = join(dir, 'tls');
  const ca = await createTestCa(tlsDir);
  const { certFile, keyFile } = await ca.issueServer('server');
  if (asRoot()) await execFileAsync('chown', ['-R', 'mysql:mysql', tlsDir]);
  const args = [`--ssl-ca=${ca.caFile}`, `--ssl-cert=${certFile}`, `--ssl-key=${keyFile}`];
  return { ca, args: require ? [...args, '--require-secure-transport=ON'] : args };
}

/** Runs as root: mariadbd then needs --user=mysql and a directory the mysql user owns. */
function asRoot(): boolean {
  return process.getuid?.() === 0;
}

let template: Promise<string> | undefined;

/**
 * mariadb-install-db takes most of the start-up time (~0.7 s of ~0.9 s), so it runs once per test process into a
 * template datadir; each instance starts from a copy (`cp -a` keeps the mysql ownership) with its own tmpdir.
 */
async function copyTemplate(dir: string): Promise<string> {
  template ??= mkdtemp(join(tmpdir(), 'mariadb-template-')).then((templateDir) => {
    removeOnExit(templateDir);
    return install(templateDir);
  });
  const dataDir = join(dir, 'data');
  await execFileAsync('cp', ['-a', await template, dataDir]);
  await ownedByMysql(dir);
  return dataDir;
}

/** Creates `dir`/tmp and, as root, hands `dir` and it to the mysql user. */
async function ownedByMysql(dir: string): Promise<void> {
  await mkdir(join(dir, 'tmp'));
  if (asRoot()) await execFileAsync('chown', ['mysql:mysql', dir, join(dir, 'tmp')]);
}

async function install(dir: string): Promise<string> {
  const dataDir = join(dir, 'data');
  await ownedByMysql(dir);
  const args = [
    '--no-defaults', // ignore /etc/mysql (its expire_logs_days, socket and pid paths)
    ...(asRoot() ? ['--user=mysql'] : []),
    `--datadir=${dataDir}`,
    '--auth-root-authentication-method=socket',
    '--skip-test-db',
    '--skip-name-resolve',
    ...leanArgs(dir),
  ];
  const installing = execFileAsync('mariadb-install-db', args, { timeout: START_DEADLINE_MS });
  reapOnExit(installing.child);
  try {
    await installing;
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`mariadb-install-db failed: ${String(err)}\n${tail(`${stdout}\n${stderr}`)}`);
  }
  return dataDir;
}

async function launch(dir: string, dataDir: string, port: number, serverArgs: string[]) {
  const socket = join(dir, 'mysqld.sock');
  const logFile = join(dir, 'error.log');
  const args = [
    '--no-defaults',
    ...(asRoot() ? ['--user=mysql'] : []),
    `--datadir=${dataDir}`,
    `--socket=${socket}`,
    `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    '--skip-name-resolve',
    `--log-error=${logFile}`,
    ...leanArgs(dir),
    ...serverArgs,
  ];
  const child = spawn(MARIADBD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  reapOnExit(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = tail(stderr + chunk.toString())));
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.once('error', (err) => resolve(err.message));
  });
  const logTail = async () => tail(`${stderr}\n${await readFile(logFile, 'utf8').catch(() => '')}`);
  try {
    await waitForRoot(child, socket, exited, logTail);
  } catch (err) {
    await stop(child, exited);
    throw err;
  }
  // A server a test forgot to close must not keep the test process alive; the exit hook kills it then.
  child.unref();
  child.stderr?.destroy();
  let closing: Promise<void> | undefined;
  return {
    host: '127.0.0.1' as const,
    port,
    socket,
    rootQuery: <T>(sql: string, values?: unknown[]) => rootQuery<T>(socket, sql, values),
    close: () =>
      (closing ??= (async () => {
        await stop(child, exited);
        await removeDir(dir);
      })()),
  };
}

/**
 * One connection per call: a few ms over the socket, no session state (USE, variables) leaking between calls, and
 * no open handle keeping the test process alive.
 */
async function rootQuery<T>(socket: string, sql: string, values?: unknown[]): Promise<T> {
  const root = await createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
  try {
    return (await root.query(sql, values))[0] as T;
  } finally {
    await root.end();
  }
}

/** Polls the socket until root can log in, the server exits, or the deadline passes. */
async function waitForRoot(
  child: ChildProcess,
  socket: string,
  exited: Promise<string>,
  logTail: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  let lastError: unknown;
  while (isRunning(child) && Date.now() < deadline) {
    try {
      await rootQuery(socket, 'SELECT 1');
      return;
    } catch (err) {
      lastError = err; // ENOENT / ECONNREFUSED until the server listens
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  const why = isRunning(child)
    ? `not ready after ${START_DEADLINE_MS} ms (${String(lastError)})`
    : `exited (${await exited})`;
  throw new Error(`mariadbd ${why}:\n${await logTail()}`);
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.pid !== undefined;
}

async function stop(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (!isRunning(child) || child.pid === undefined) return;
  child.ref(); // keep the event loop alive until the exit we wait for
  process.kill(child.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace-over'>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS, 'grace-over')));
  if ((await Promise.race([exited, graceOver])) === 'grace-over') process.kill(child.pid, 'SIGKILL');
  clearTimeout(timer);
  await exited;
}

async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  removedAlready(dir);
}

function tail(text: string): string {
  return text.slice(-4_000);
}
