// A PostgreSQL of our own for a Temporal cluster: Debian's binaries, a data folder of its own, loopback only, the
// postmaster our direct child (stopped by pid, SIGKILLed by the reaper if we die). initdb and postgres refuse to run
// as root, and CI runs as root: then they run as the `postgres` user (spawn's uid/gid, so no su/runuser in between
// whose pid would not be the server's). The admin reaches it by its unix socket (trust); TCP needs a password.
import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { chmod, chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { reapOnExit } from './reaper';
import { exitOf, waitUntil } from './cluster-process';

const execFileAsync = promisify(execFile);
export const POSTGRES_BIN = process.env.METASTORE_MIGRATOR_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export interface Postgres {
  port: number;
  pid: number;
  /** `pg_ctl stop -m fast` (SIGKILL if that fails), resolves once the postmaster has exited. */
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** Holds `data/`, the socket and `postgres.log`; created if missing, reused (no initdb) if it has data. */
  dir: string;
  /** ≤ 32767: Temporal stores ports in smallint columns, and the server's own must fit too. */
  port: number;
  /** The login role and its TCP password (created once, on a new data folder). */
  role: { name: string; password: string };
}

export function postgresInstalled(): boolean {
  return existsSync(join(POSTGRES_BIN, 'postgres'));
}

/** Starts PostgreSQL in `options.dir` and resolves once it accepts the role over TCP. */
export async function startPostgres(options: PostgresOptions): Promise<Postgres> {
  const { dir, port } = options;
  const data = join(dir, 'data');
  const owner = await runAs();
  const fresh = !existsSync(join(data, 'PG_VERSION'));
  if (fresh) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    if (owner) await chown(dir, owner.uid, owner.gid);
    await execFileAsync(
      join(POSTGRES_BIN, 'initdb'),
      [
        '-D',
        data,
        '-U',
        'postgres',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ],
      { cwd: dir, ...owner, timeout: 120_000 },
    ).catch((err: Error) => {
      throw new Error(`initdb in ${data} failed: ${err.message}`);
    });
  }
  const logFile = join(dir, 'postgres.log');
  const log = openSync(logFile, 'a');
  if (owner) await chown(logFile, owner.uid, owner.gid);
  const child = spawn(
    join(POSTGRES_BIN, 'postgres'),
    ['-D', data, '-c', 'listen_addresses=127.0.0.1', '-p', String(port), '-k', dir, '-c', 'max_connections=200'],
    { cwd: dir, ...owner, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  reapOnExit(child);
  const exited = exitOf(child);
  const psql = (sql: string, input?: string) => runPsql(dir, port, sql, input);
  await waitUntil(`PostgreSQL on 127.0.0.1:${port}`, () => psql('SELECT 1').then(() => true), {
    exited,
    logFile,
    timeoutMs: 60_000,
  });
  if (fresh) {
    // The password goes through stdin, not argv, so neither `ps` nor an error message carries it.
    await psql('', `CREATE ROLE "${options.role.name}" LOGIN CREATEDB PASSWORD '${options.role.password}';\n`);
  }
  return {
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // pg_ctl reads the postmaster's pid from its own pid file: the same process as child.pid.
      await execFileAsync(join(POSTGRES_BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], {
        cwd: dir,
        ...owner,
        timeout: 30_000,
      }).catch(() => child.kill('SIGKILL'));
      await exited;
    },
  };
}

/** The `postgres` user's ids when we are root (initdb and postgres refuse root), else nothing to change. */
async function runAs(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all(['-u', '-g'].map((flag) => execFileAsync('id', [flag, 'postgres'])));
  return { uid: Number(uid!.stdout.trim()), gid: Number(gid!.stdout.trim()) };
}

function runPsql(socketDir: string, port: number, sql: string, input?: string): Promise<void> {
  const args = [
    '-h',
    socketDir,
    '-p',
    String(port),
    '-U',
    'postgres',
    '-d',
    'postgres',
    '-v',
    'ON_ERROR_STOP=1',
    '-qAt',
  ];
  if (input === undefined) args.push('-c', sql);
  return new Promise((resolve, reject) => {
    const child = execFile(join(POSTGRES_BIN, 'psql'), args, { timeout: 10_000 }, (err, _stdout, stderr) =>
      err ? reject(new Error(`psql: ${stderr.trim() || err.message}`)) : resolve(),
    );
    child.stdin?.end(input ?? '');
  });
}
