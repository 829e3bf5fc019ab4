// A production-shape Temporal cluster on this machine, as ../shared's verified recipe runs it: Temporal Server
// 1.29.1 on our own PostgreSQL (persistence and SQL advanced visibility), frontend, history, matching and worker
// as separate processes (optionally a second history host), the namespace created and the workflow's search
// attributes registered in it. Loopback only; every port ≤ 32767 because cluster_membership stores ports as
// smallint. Everything is stopped by pid, and reaped if the caller dies.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { SEARCH_ATTRIBUTE_KEYS, SEARCH_ATTRIBUTE_TYPE_NAMES } from '../../src/workflows/messages';
import { ensureTemporalCli, type Log } from '../temporal-cli';
import { type ClusterProcess, spawnLogged, waitUntil } from './cluster-process';
import { acceptsConnections } from './ports';
import { startPostgres } from './postgres';
import { removedAlready, removeOnExit } from './reaper';
import { ensureTemporalServer, type TemporalServerBinaries } from './temporal-server';

export { ensureTemporalServer, TEMPORAL_SERVER_VERSION } from './temporal-server';

const execFileAsync = promisify(execFile);
const DB_ROLE = 'temporal';
const DATABASES = { temporal: 'postgresql/v12/temporal', temporal_visibility: 'postgresql/v12/visibility' } as const;

type Service = 'frontend' | 'history' | 'matching' | 'worker';
const MAX_PORT = 32_767;

export interface TemporalClusterOptions {
  /** Holds PostgreSQL's data, the config and the logs. Kept, and reused by a later start; default: a temp folder removed at stop. */
  dir?: string;
  namespace?: string;
  /** 2 starts a second history host; the shards are split between them and move when one dies. */
  historyHosts?: 1 | 2;
  /** Fixed for the life of the cluster's data (the recipe's 4; production: 512+). */
  historyShards?: number;
  /** Consecutive ports from here; default: free ports picked at random below 32768. */
  basePort?: number;
  log?: Log;
}

export interface TemporalCluster {
  /** The frontend's gRPC address, `127.0.0.1:<port>`. */
  address: string;
  namespace: string;
  dir: string;
  /** The cluster's processes now running (PostgreSQL first). */
  readonly processes: { name: string; pid: number }[];
  /** How many shards history host `index` owns now (its `numshards_gauge`), 0 if it is down. */
  shardsOf(index: number): Promise<number>;
  /** SIGKILLs history host `index` (a crash); resolves once it has exited. */
  killHistoryHost(index: number): Promise<void>;
  /** Starts history host `index` again on its ports; resolves once it listens. */
  startHistoryHost(index: number): Promise<void>;
  /** Every Temporal process (SIGTERM, then SIGKILL), then PostgreSQL (`pg_ctl stop -m fast`). */
  stop(): Promise<void>;
}

interface RpcPorts {
  grpc: number;
  membership: number;
  metrics: number;
}

/** Saved in the cluster folder so a restart on the same data keeps the addresses the database recorded. */
interface ClusterState {
  ports: { postgres: number; frontendHttp: number; frontend: RpcPorts; history: RpcPorts[] } & Record<
    Exclude<Service, 'frontend' | 'history'>,
    RpcPorts
  >;
  password: string;
  historyShards: number;
}

/** The name of each server process: its `--env` (config/<name>.yaml) and log file. */
const historyName = (index: number) => (index === 0 ? 'history' : `history${index + 1}`);

export async function startTemporalCluster(options: TemporalClusterOptions = {}): Promise<TemporalCluster> {
  const log = options.log ?? (() => undefined);
  const namespace = options.namespace ?? 'default';
  const hosts = options.historyHosts ?? 1;
  const [binaries, cli] = await Promise.all([ensureTemporalServer({ log }), ensureTemporalCli({ log })]);
  const ownDir = options.dir === undefined;
  // Absolute: the servers get it as --root and run in it, so a relative one would be resolved twice.
  const dir = options.dir !== undefined ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'temporal-cluster-'));
  if (ownDir) removeOnExit(dir);
  // The postgres user must reach its data folder inside ours (mkdtemp makes 0700 folders).
  await mkdir(join(dir, 'logs'), { recursive: true });
  await chmod(dir, 0o755);
  const state = await loadOrCreateState(dir, hosts, options);
  const started = Date.now();

  const postgres = await startPostgres({
    dir: join(dir, 'postgres'),
    port: state.ports.postgres,
    role: { name: DB_ROLE, password: state.password },
  });
  const servers = new Map<string, ClusterProcess>();
  const cluster = handle();
  try {
    await migrateSchemas(binaries, state);
    await writeConfig(dir, state);
    log(`temporal-cluster: PostgreSQL and schemas ready on 127.0.0.1:${state.ports.postgres} (${elapsed(started)})`);
    // On empty tables every service writes the cluster metadata at start and the losers of that race exit:
    // history alone first, the others once it listens.
    await startServer('history', 0);
    // The worker service serves no gRPC of its own (a client of the frontend): its exit is what to watch.
    await Promise.all([
      startServer('matching'),
      startServer('frontend'),
      startServer('worker', 0, false),
      ...Array.from({ length: hosts - 1 }, (_, i) => startServer('history', i + 1)),
    ]);
    const temporal = temporalCli(cli, `127.0.0.1:${state.ports.frontend.grpc}`);
    const frontend = servers.get('frontend')!;
    const worker = servers.get('worker')!;
    await waitUntil(
      'the cluster SERVING',
      async () => (await temporal('operator', 'cluster', 'health')).includes('SERVING'),
      // The worker service's exit is as fatal: its log is the one to read then.
      { exited: Promise.race([frontend.exited, worker.exited]), logFile: frontend.logFile },
    );
    await createNamespace(temporal, namespace);
    await registerSearchAttributes(temporal, namespace);
    await waitForShards(cluster, hosts, state.historyShards);
    log(`temporal-cluster: ${cluster.address} namespace ${namespace} ready after ${elapsed(started)}`);
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }

  async function startServer(service: Service, index = 0, waitListening = true): Promise<void> {
    const name = service === 'history' ? historyName(index) : service;
    const ports = service === 'history' ? state.ports.history[index]! : state.ports[service];
    const server = spawnLogged({
      name,
      command: binaries.server,
      // --config is joined to --root: a relative config folder, or the server finds no files.
      args: ['--root', dir, '--config', 'config', '--env', name, '--allow-no-auth', 'start', '--service', service],
      logFile: join(dir, 'logs', `${name}.log`),
      cwd: dir,
      env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
    });
    servers.set(name, server);
    if (!waitListening) return;
    await waitUntil(`${name} listening on 127.0.0.1:${ports.grpc}`, () => acceptsConnections(ports.grpc), {
      exited: server.exited,
      logFile: server.logFile,
    });
  }

  function handle(): TemporalCluster {
    return {
      address: `127.0.0.1:${state.ports.frontend.grpc}`,
      namespace,
      dir,
      get processes() {
        const running = [...servers.values()].filter((s) => s.isRunning()).map(({ name, pid }) => ({ name, pid }));
        return [{ name: 'postgres', pid: postgres.pid }, ...running];
      },
      async shardsOf(index) {
        const server = servers.get(historyName(index));
        if (server === undefined || !server.isRunning()) return 0;
        return shardGauge(state.ports.history[index]!.metrics);
      },
      async killHistoryHost(index) {
        await servers.get(historyName(index))?.kill();
      },
      async startHistoryHost(index) {
        if (servers.get(historyName(index))?.isRunning()) return;
        await startServer('history', index);
      },
      async stop() {
        // Front to back: nothing new arrives while history hands its shards in; the database last.
        const order = ['frontend', 'worker', 'matching'];
        await Promise.all(order.map((name) => servers.get(name)?.stop()));
        await Promise.all([...servers.values()].map((server) => server.stop()));
        await postgres.stop();
        if (ownDir) {
          await rm(dir, { recursive: true, force: true });
          removedAlready(dir);
        }
      },
    };
  }
}

async function loadOrCreateState(dir: string, hosts: number, options: TemporalClusterOptions): Promise<ClusterState> {
  const file = join(dir, 'cluster.json');
  const next = portSource(options.basePort);
  const rpc = async (): Promise<RpcPorts> => ({ grpc: await next(), membership: await next(), metrics: await next() });
  if (existsSync(file)) {
    // Same data, same password and addresses; a second history host asked for later gets ports of its own.
    const saved = JSON.parse(await readFile(file, 'utf8')) as ClusterState;
    while (saved.ports.history.length < hosts) saved.ports.history.push(await rpc());
    await writeFile(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
    return saved;
  }
  const state: ClusterState = {
    ports: {
      postgres: await next(),
      frontendHttp: await next(),
      frontend: await rpc(),
      history: [await rpc(), await rpc()].slice(0, Math.max(hosts, 1)),
      matching: await rpc(),
      worker: await rpc(),
    },
    // Random per cluster: the role's TCP password sits only in this 0600 file and the server's 0600 config.
    password: randomBytes(18).toString('base64url'),
    historyShards: options.historyShards ?? 4,
  };
  await writeFile(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}

/** Consecutive ports from `base`, or free ones at random in 20000–32767 (the kernel's ephemeral range starts above). */
function portSource(base: number | undefined): () => Promise<number> {
  const taken = new Set<number>();
  let cursor = base;
  return async () => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const port = cursor !== undefined ? cursor++ : 20_000 + Math.floor(Math.random() * (MAX_PORT - 20_000));
      if (port > MAX_PORT) break;
      if (taken.has(port) || !(await canBind(port))) continue;
      taken.add(port);
      return port;
    }
    throw new Error(`no free port ≤ ${MAX_PORT}${base === undefined ? '' : ` from ${base}`}`);
  };
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Creates both databases (on a new data folder) and applies the schema embedded in the tool; idempotent after. */
async function migrateSchemas(binaries: TemporalServerBinaries, state: ClusterState): Promise<void> {
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: '127.0.0.1',
    SQL_PORT: String(state.ports.postgres),
    SQL_USER: DB_ROLE,
    SQL_PASSWORD: state.password,
  };
  const tool = async (db: string, ...args: string[]) => {
    try {
      const { stdout } = await execFileAsync(binaries.sqlTool, ['--db', db, ...args], { env, timeout: 60_000 });
      return stdout;
    } catch (err) {
      const message = (err as { stderr?: string }).stderr || (err as Error).message;
      throw new Error(`temporal-sql-tool --db ${db} ${args.join(' ')}: ${message.replaceAll(state.password, '***')}`);
    }
  };
  for (const [db, schema] of Object.entries(DATABASES)) {
    const exists = await tool(db, 'update-schema', '--schema-name', schema).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    await tool(db, 'create-database');
    await tool(db, 'setup-schema', '-v', '0.0');
    await tool(db, 'update-schema', '--schema-name', schema);
  }
}

/** base.yaml (the recipe's), one override per process (its metrics port; history2 its rpc), dynamic config. */
async function writeConfig(dir: string, state: ClusterState): Promise<void> {
  const { ports } = state;
  const config = join(dir, 'config');
  await mkdir(join(config, 'dynamicconfig'), { recursive: true });
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${ports.postgres}`,
      connectProtocol: 'tcp',
      user: DB_ROLE,
      password: state.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (p: RpcPorts) => ({ grpcPort: p.grpc, membershipPort: p.membership, bindOnIP: '127.0.0.1' });
  const frontendAddress = `127.0.0.1:${ports.frontend.grpc}`;
  const base = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: state.historyShards,
      datastores: {
        'postgres-default': datastore('temporal', 20),
        'postgres-visibility': datastore('temporal_visibility', 10),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: '127.0.0.1:0' } },
    },
    services: {
      frontend: { rpc: { ...rpc(ports.frontend), httpPort: ports.frontendHttp } },
      history: { rpc: rpc(ports.history[0]!) },
      matching: { rpc: rpc(ports.matching) },
      worker: { rpc: rpc(ports.worker) },
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: frontendAddress,
          httpAddress: `127.0.0.1:${ports.frontendHttp}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    publicClient: { hostPort: frontendAddress },
    dynamicConfigClient: { filepath: join(config, 'dynamicconfig', 'cluster.yaml'), pollInterval: '10s' },
  };
  const metrics = (p: RpcPorts) => ({ prometheus: { listenAddress: `127.0.0.1:${p.metrics}` } });
  const overrides: Record<string, object> = {
    frontend: { global: { metrics: metrics(ports.frontend) } },
    matching: { global: { metrics: metrics(ports.matching) } },
    worker: { global: { metrics: metrics(ports.worker) } },
  };
  ports.history.forEach((p, index) => {
    // services.history is one map entry: a second host's override restates all of its rpc.
    overrides[historyName(index)] = { global: { metrics: metrics(p) }, services: { history: { rpc: rpc(p) } } };
  });
  const dynamic = {
    // Offline machines: no phone-home (TEMPORAL_VERSION_CHECK_DISABLED=1 too).
    'frontend.enableServerVersionCheck': [{ value: false }],
    // SQL visibility's columns are VARCHAR(255): a longer id would be accepted, then never be listed.
    'limit.maxIDLength': [{ value: 255 }],
  };
  const write = (file: string, body: object) => writeFile(file, stringify(body), { mode: 0o600 });
  await write(join(config, 'base.yaml'), base);
  await Promise.all(Object.entries(overrides).map(([name, body]) => write(join(config, `${name}.yaml`), body)));
  await write(join(config, 'dynamicconfig', 'cluster.yaml'), dynamic);
}

type TemporalCli = (...args: string[]) => Promise<string>;

/** The stock CLI against the cluster, blind to the caller's own profile and TEMPORAL_* variables. */
function temporalCli(cli: string, address: string): TemporalCli {
  return async (...args) => {
    const flags = ['--address', address, '--disable-config-file', '--disable-config-env', '--color', 'never'];
    try {
      const { stdout } = await execFileAsync(cli, [...args, ...flags], { timeout: 30_000 });
      return stdout;
    } catch (err) {
      throw new Error(`temporal ${args.join(' ')}: ${((err as { stderr?: string }).stderr ?? String(err)).trim()}`);
    }
  };
}

/** The server makes only temporal-system: the namespace is ours to create (once; a restart finds it). */
async function createNamespace(temporal: TemporalCli, namespace: string): Promise<void> {
  const exists = await temporal('operator', 'namespace', 'describe', '--namespace', namespace).then(
    () => true,
    () => false,
  );
  if (!exists) await temporal('operator', 'namespace', 'create', '--namespace', namespace, '--retention', '72h');
}

/**
 * On SQL visibility the attributes are per namespace (aliases of pre-made columns), and usable only once the
 * services' namespace caches have refreshed (~2 s): a query naming them all is refused until then.
 */
async function registerSearchAttributes(temporal: TemporalCli, namespace: string): Promise<void> {
  const register = async () => {
    // One name per call: given several, the 1.29.1 server on SQL visibility maps only the first to a column.
    // The same name with the same type again exits 0: a retry or a restart re-registers harmlessly.
    for (const key of SEARCH_ATTRIBUTE_KEYS) {
      const type = SEARCH_ATTRIBUTE_TYPE_NAMES[key.type];
      await temporal(
        'operator',
        'search-attribute',
        'create',
        '--namespace',
        namespace,
        '--name',
        key.name,
        '--type',
        type,
      );
    }
    return true;
  };
  // A namespace just created is "not found" here until the frontend's namespace cache has refreshed.
  await waitUntil(`the search attributes registered in ${namespace}`, register, { timeoutMs: 30_000, intervalMs: 250 });
  const query = SEARCH_ATTRIBUTE_KEYS.map((key) => `${key.name} = ${key.type === 'INT' ? '0' : "'probe'"}`).join(
    ' AND ',
  );
  await waitUntil(
    `the search attributes usable in ${namespace}`,
    async () => (await temporal('workflow', 'count', '--namespace', namespace, '--query', query)).includes('Total'),
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

/** Every shard owned, and each host owning some when there are enough: a host killed later has shards to hand over. */
async function waitForShards(cluster: TemporalCluster, hosts: number, shards: number): Promise<void> {
  await waitUntil(
    `${shards} shard(s) owned by ${hosts} history host(s)`,
    async () => {
      const owned = await Promise.all(Array.from({ length: hosts }, (_, i) => cluster.shardsOf(i)));
      const total = owned.reduce((a, b) => a + b, 0);
      return total === shards && (shards < hosts || owned.every((n) => n > 0));
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

async function shardGauge(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('numshards_gauge'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
