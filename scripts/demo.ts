// `npm run demo`: one whole managed migration on the embedded default, with nothing configured.
// Starts a throw-away MariaDB source (a Hive 3.1 metastore behind TLS, standing in for Cloud SQL), a Temporal dev
// server (with Web UI), the Metastore emulator with a demo service, a codec server and a worker, drives the
// migration through the real CLI (plan → start → REPLICATION → cutover gate → complete → verification), prints each
// stage as it happens and the final migration execution, then stops everything it started and removes its folder.
// Payloads are encrypted with a key made for this run, as production should run: the history holds ciphertext, the
// Web UI decodes it. Without MariaDB's server binary the source is a closed port and the source checks cannot run.
// `--kind outgoing` shows the other kind (DPMS → Lakehouse, scripts/lib/demo-outgoing.ts) on the same stack, without
// the MariaDB source: that kind reads no source database.
import { Client, Connection } from '@temporalio/client';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dataConverterFor } from '../src/codec';
import { loadConfig } from '../src/config';
import { loadTemporalConnection } from '../src/config/temporal';
import { DEMO_SERVICE_NAME, demoService } from '../src/emulator/server';
import { statusQuery } from '../src/workflows/messages';
import { workflowIdFor } from '../src/migration/names';
import { MUST_RUN_CUTOVER_CHECKS } from '../src/migration/cutover';
import type { MigrationStatus } from '../src/migration/state';
import { executionWords } from '../src/cli/progress';
import { spawnService } from './lib/services';
import { removeOnExit } from './lib/reaper';
import { CLOUD_SQL_PORT, type DemoSource, canRunSource, startDemoSource } from './lib/demo-source';
import { writeEnvFile } from './lib/demo-env';
import { type DemoKind, outgoingTryIt, parseKind, runOutgoing, seedOutgoing } from './lib/demo-outgoing';
import type { ServiceProcess } from './lib/services';
import { acceptsConnections, freePort } from './lib/ports';
import { localTemporalEnv } from './lib/temporal-profile';
import { EMULATOR_MIN_INTERVALS_ENV } from './lib/min-intervals';
import { devServerArgs, devServerEnv, ensureTemporalCli } from './temporal-cli';

const root = join(__dirname, '..');
/** --keep: leave the Web UI (and everything behind it) up after the migration, until Ctrl-C. */
const keep = process.argv.slice(2).includes('--keep');
/** --kind incoming|outgoing; a bad value ends the demo before anything starts (see main's handler). */
let kind: DemoKind = 'incoming';
/** The one folder the demo writes (config, secrets, inventories, the --keep env file); removed when it exits. */
let demoDir = '';
/** The throw-away MariaDB source, when this machine has MariaDB's server binary. */
let source: DemoSource | undefined;
// node --import tsx rather than the tsx binary, so each service is one process we can stop by its pid.
const node = process.execPath;
const ts = (...args: string[]) => ['--import', 'tsx', ...args];
const started: ServiceProcess[] = [];
const t0 = Date.now();
const say = (line: string) => console.log(`[demo +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);

/**
 * The usual ports when free (so the Web UI link is the familiar one), else any free ones. With
 * METASTORE_MIGRATOR_DEMO_PORTS=any always free ones: two demos started together (the tests) would otherwise both
 * see 7233 free and race for it.
 */
async function pickPort(preferred: number): Promise<number> {
  if (process.env.METASTORE_MIGRATOR_DEMO_PORTS === 'any') return freePort();
  return (await acceptsConnections(preferred)) ? freePort() : preferred;
}

// A fresh key per run: nothing to configure, and nothing the demo encrypts outlives it.
const DEMO_KEY_ID = `demo-${new Date().toISOString().slice(0, 10)}`;
const codecEnv = { METASTORE_MIGRATOR_CODEC_KEYS: `${DEMO_KEY_ID}:${randomBytes(32).toString('base64')}` };

/** The demo's secret references (examples/migration.yaml) resolve against the worker's environment. */
const SOURCE_PASSWORDS = { HIVE_DB_PASSWORD: 'demo-hive-password', CDC_PASSWORD: 'demo-cdc-password' };

/**
 * The source, when MariaDB is installed: users and database as examples/migration.yaml names them, passwords as
 * the worker resolves them.
 */
async function prepareSource(): Promise<void> {
  if (!canRunSource()) {
    say(
      'no /usr/sbin/mariadbd here (apt-get install mariadb-server): the source is a closed port, so its checks cannot run',
    );
    return;
  }
  say(`starting a throw-away MariaDB source on 127.0.0.1 (Hive 3.1 schema, sample tables, TLS)`);
  source = await startDemoSource({
    database: 'hive',
    hiveUser: 'hive',
    hivePassword: SOURCE_PASSWORDS.HIVE_DB_PASSWORD,
    cdcUser: 'datastream',
    cdcPassword: SOURCE_PASSWORDS.CDC_PASSWORD,
  });
  say(
    `source listening on 127.0.0.1:${source.port}` +
      (source.port === CLOUD_SQL_PORT ? '' : ` (${CLOUD_SQL_PORT} is taken here, so plan warns config.port)`),
  );
}

/**
 * The worker's secrets directory, as an operator would set one up: here the source's server CA, which the request
 * names by reference (--source-ca) so the worker authenticates the source before sending a password — the CA made
 * for the MariaDB source, with the name its certificate carries (--source-server-name). Without a source,
 * examples/demo-server-ca.pem stands in for Cloud SQL's server CA (a real one comes from
 * `gcloud sql instances describe INSTANCE --format='value(serverCaCert.cert)'`; README, Security model).
 */
async function demoSecrets(): Promise<string[]> {
  const dir = join(demoDir, 'secrets');
  await mkdir(dir, { mode: 0o700 });
  const ca = join(dir, 'server-ca.pem');
  await writeFile(ca, source?.caPem ?? (await readFile(join(root, 'examples', 'demo-server-ca.pem'), 'utf8')));
  return ['--source-ca', `file:${ca}`, ...(source ? ['--source-server-name', source.serverName] : [])];
}

async function startInfrastructure() {
  const [temporalPort, uiPort, emulatorPort, codecPort] = await Promise.all([
    pickPort(7233),
    pickPort(8233),
    freePort(),
    pickPort(8888),
  ]);
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  const codecUrl = await startCodecServer(codecPort, uiPort);
  const temporalCli = await ensureTemporalCli({ log: say });
  say(`starting Temporal dev server on 127.0.0.1:${temporalPort} (Web UI port ${uiPort}, decoding via ${codecUrl})`);
  const temporal = spawnService({
    name: 'temporal',
    command: temporalCli,
    args: devServerArgs({ port: temporalPort, uiPort, extraArgs: ['--ui-codec-endpoint', codecUrl] }),
    env: devServerEnv(),
  });
  started.push(temporal);
  say(`starting Metastore emulator on 127.0.0.1:${emulatorPort} with ${DEMO_SERVICE_NAME}`);
  const emulator = spawnService({
    name: 'emulator',
    command: node,
    args: ts(
      'src/emulator/main.ts',
      ...['--port', String(emulatorPort), '--operation-delay-ms', '1500', '--seed-demo'],
      // Like Google, check the source at the start, when there is one to check (the outgoing kind has none).
      ...(kind === 'incoming' && canRunSource() ? ['--verify-source'] : []),
    ),
    cwd: root,
  });
  started.push(emulator);
  await emulator.waitForOutput(/listening on/);
  await waitForTemporal(`127.0.0.1:${temporalPort}`);
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const env = {
    // The local dev server as the children's Temporal profile; none of the caller's TEMPORAL_* settings.
    ...localTemporalEnv(temporalAddress),
    ...codecEnv,
    METASTORE_EMULATOR_HOST: `127.0.0.1:${emulatorPort}`,
    // So that the CLI's start prints the link to the workflow in this Web UI.
    METASTORE_MIGRATOR_TEMPORAL_UI: uiUrl,
    // The demo's half-second operation polls, against the emulator: the worker's floors are off.
    ...EMULATOR_MIN_INTERVALS_ENV,
    ...SOURCE_PASSWORDS,
    // …and only those: a worker resolves the references its operator allows, whatever a workflow's input names.
    METASTORE_MIGRATOR_SECRET_ENV: 'HIVE_DB_PASSWORD,CDC_PASSWORD',
    // The directory file: references may read: the source's server CA (TLS to the source is required).
    METASTORE_MIGRATOR_SECRET_DIR: join(demoDir, 'secrets'),
    // The source inventory recorded at cutover, for the verification after it: in the demo's folder, not ~/.local.
    METASTORE_MIGRATOR_INVENTORY_DIR: join(demoDir, 'inventories'),
  };
  say('starting worker');
  const worker = spawnService({ name: 'worker', command: node, args: ts('src/worker.ts'), cwd: root, env });
  started.push(worker);
  await worker.waitForOutput(/worker polling/);
  return { env, temporalAddress, uiUrl, codecUrl, emulatorPort };
}

/** The codec server the Web UI calls from the browser, so it allows the UI's origin under both its names. */
async function startCodecServer(port: number, uiPort: number): Promise<string> {
  say(`starting codec server on 127.0.0.1:${port} (payload key ${DEMO_KEY_ID}, made for this run)`);
  const origins = [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`].flatMap((o) => ['--cors-origin', o]);
  const codec = spawnService({
    name: 'codec-server',
    command: node,
    // Local and loopback-only: the dev server's Web UI cannot be told to send the codec server credentials.
    args: ts('src/codec/main.ts', '--port', String(port), ...origins, '--no-auth-for-local-dev'),
    cwd: root,
    env: { ...process.env, ...codecEnv },
  });
  started.push(codec);
  await codec.waitForOutput(/listening on/);
  return `http://127.0.0.1:${port}`;
}

async function waitForTemporal(address: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      await connection.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Temporal dev server did not start: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Runs the real CLI, echoing the command line and its output. */
async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  console.log(`\n$ metastore-migrator ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`);
  const run = spawnService({ name: 'cli', command: node, args: ts('src/client.ts', ...args), cwd: root, env });
  const code = await run.exited;
  const output = run.output().trimEnd();
  console.log(output.replace(/^/gm, '  '));
  if (code !== 0) throw new Error(`metastore-migrator ${args[0]} exited with ${code}`);
  return output;
}

/** Prints every stage change and execution state change until `until` holds. */
async function follow(client: Client, until: (s: MigrationStatus) => boolean): Promise<MigrationStatus> {
  const handle = client.workflow.getHandle(workflowIdFor(DEMO_SERVICE_NAME));
  let seen = '';
  for (;;) {
    const status = await handle.query(statusQuery);
    // In the user's words, as status prints them: no placeholder for what has not been read yet.
    const service = status.serviceState ? `service ${status.serviceState}` : 'service not read yet';
    const line = `stage ${status.stage}; ${service}; execution ${executionWords(status.execution?.state, status.execution?.phase)}`;
    if (line !== seen) say((seen = line));
    if (until(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * examples/migration.yaml with the source's port. Without a source, a closed loopback port: there is no Cloud SQL
 * here, so the source checks report "not reachable, skipped" — 3306 unless this machine runs its own MySQL there.
 */
async function demoConfig(): Promise<string> {
  const text = await readFile(join(root, 'examples', 'migration.yaml'), 'utf8');
  const file = join(demoDir, 'migration.yaml');
  const port = source?.port ?? (await closedPort());
  await writeFile(file, port === CLOUD_SQL_PORT ? text : text.replace(/port: 3306/, `port: ${port}`));
  return file;
}

/** 3306 when nothing answers there (so plan has no config.port warning to give), else any closed port. */
async function closedPort(): Promise<number> {
  if (!(await acceptsConnections(CLOUD_SQL_PORT))) return CLOUD_SQL_PORT;
  const port = await freePort();
  say(
    `${CLOUD_SQL_PORT} answers here (a MySQL of this machine's): the config names ${port}, so plan warns config.port`,
  );
  return port;
}

async function main(): Promise<void> {
  // Before anything starts: a bad --kind costs nothing to fix.
  kind = parseKind(process.argv.slice(2));
  demoDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-demo-'));
  removeOnExit(demoDir);
  const [{ env, temporalAddress, uiUrl, codecUrl, emulatorPort }] = await Promise.all([
    startInfrastructure(),
    kind === 'incoming' ? prepareSource() : undefined,
  ]);
  const sourceTls = kind === 'incoming' ? await demoSecrets() : [];
  const service = ['--service', DEMO_SERVICE_NAME];
  // The demo's own status reads decrypt like the CLI's: same keys, same converter.
  const client = new Client({
    connection: await Connection.connect(loadTemporalConnection(env).connectionOptions),
    dataConverter: dataConverterFor(loadConfig(codecEnv).codec),
  });
  try {
    if (kind === 'outgoing') {
      await outgoingMain({ env, temporalAddress, emulatorPort, uiUrl, codecUrl }, client);
      return;
    }
    const config = await demoConfig();
    await cli(env, 'plan', ...service, '--config', config, ...sourceTls);
    await cli(
      env,
      'start',
      ...service,
      '--config',
      config,
      ...sourceTls,
      '--migration-id',
      'demo-migration',
      '--poll-interval',
      '5',
      '--operation-poll',
      '0.5',
    );
    announceWebUi({ temporalAddress, uiUrl, codecUrl });
    await follow(client, (s) => s.stage === 'REPLICATION');
    say('replicating: Cloud SQL is still the source of truth; workloads move to the Dataproc Metastore endpoint');
    await cli(env, 'status', ...service);
    await cutover(env, service);
    await follow(client, (s) => s.stage === 'DONE');
    const waited = await cli(env, 'wait', ...service);
    const verified = /^verified +(.*)$/m.exec(waited)?.[1];
    const described = await cli(env, 'describe', ...service, '--migration', 'demo-migration');
    if (!/state SUCCEEDED/.test(described)) throw new Error('the migration execution did not end SUCCEEDED');
    say(`migration execution SUCCEEDED in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (verified) say(`after cutover, DPMS against the source: ${verified}`);
    if (!keep) {
      say(`(the Web UI at ${uiUrl} stops with the demo; 'npm run demo -- --keep' keeps it up)`);
      return;
    }
    await printTryIt({ env, temporalAddress, emulatorPort, uiUrl, codecUrl }, incomingTryIt(config, sourceTls));
    await keepUp(uiUrl);
  } finally {
    await client.connection.close();
  }
}

/** Where to watch the workflow, and that its payloads are encrypted yet readable there. */
function announceWebUi(stack: Pick<KeptStack, 'temporalAddress' | 'uiUrl' | 'codecUrl'>): void {
  const workflowId = workflowIdFor(DEMO_SERVICE_NAME);
  say(`Temporal Web UI: ${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
  say(
    `payloads are encrypted (binary/encrypted, key ${DEMO_KEY_ID}); the Web UI shows them decoded via the codec ` +
      `server at ${stack.codecUrl}, and so does: temporal workflow show --address ${stack.temporalAddress} ` +
      `--workflow-id '${workflowId}' --codec-endpoint ${stack.codecUrl}`,
  );
}

/** --keep: everything stays up until SIGINT/SIGTERM (handled below). */
async function keepUp(uiUrl: string): Promise<never> {
  say(`keeping the Web UI up: ${uiUrl}/namespaces/default/workflows — Ctrl-C stops everything the demo started`);
  return new Promise<never>(() => undefined);
}

/**
 * The outgoing kind (scripts/lib/demo-outgoing.ts): the service's own metastore and the Lakehouse catalogs seeded,
 * then plan → start → the rollback window → status → rollback → wait through the real CLI.
 */
async function outgoingMain(stack: KeptStack, client: Client): Promise<void> {
  await seedOutgoing(`http://127.0.0.1:${stack.emulatorPort}`, DEMO_SERVICE_NAME, say);
  let announced = false;
  const window = await runOutgoing({
    service: DEMO_SERVICE_NAME,
    cli: async (...args) => {
      const output = await cli(stack.env, ...args);
      // Once the workflow exists: right after start, as the incoming demo does.
      if (args[0] === 'start' && !announced) {
        announced = true;
        announceWebUi(stack);
      }
      return output;
    },
    follow: (until) => follow(client, until),
    say,
  });
  say(
    `rolled back in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${DEMO_SERVICE_NAME} is ACTIVE and serves from DPMS ` +
      `again; the Lakehouse catalogs keep what the backfill wrote`,
  );
  if (!keep) {
    say(`(the Web UI at ${stack.uiUrl} stops with the demo; 'npm run demo -- --kind outgoing --keep' keeps it up)`);
    return;
  }
  await printTryIt(stack, outgoingTryIt(DEMO_SERVICE_NAME, window.backfill?.reportPath));
  await keepUp(stack.uiUrl);
}

/**
 * The cutover gate, then complete. With the source running, the gate passes on its own (the old metastore has no
 * clients left: there never was one) and complete needs no override; a gate that blocks is a failure of the demo.
 * Without it the checks that prove the old metastore's clients are gone cannot run, and a check that did not run
 * blocks complete: the demo engineer accepts the three by name, as an engineer whose worker cannot reach the
 * source would, and the audit trail keeps that.
 */
async function cutover(env: NodeJS.ProcessEnv, service: string[]): Promise<void> {
  const gate = await cli(env, 'complete', ...service, '--dry-run').then(
    () => 'ready',
    (err: unknown) => String(err),
  );
  if (source && gate !== 'ready') throw new Error('the cutover gate blocked with the source running (see above)');
  say(`cutover gate: ${gate === 'ready' ? 'ready' : 'blocked, as above: the source checks did not run'}`);
  const overrides = source ? [] : MUST_RUN_CUTOVER_CHECKS.flatMap((check) => ['--override', check]);
  const reason = source
    ? 'all workloads use the DPMS endpoint'
    : 'all workloads use the DPMS endpoint (no source to check in the demo)';
  await cli(env, 'complete', ...service, ...overrides, '--by', 'demo-engineer', '--reason', reason);
}

interface KeptStack {
  env: NodeJS.ProcessEnv;
  temporalAddress: string;
  emulatorPort: number;
  uiUrl: string;
  codecUrl: string;
}

/** The incoming kind's commands to try: status, watch, list, verify, and a second service from the same source. */
function incomingTryIt(config: string, sourceTls: string[]): string[] {
  const svc = `--service ${DEMO_SERVICE_NAME}`;
  const second = DEMO_SERVICE_NAME.replace(/[^/]+$/, 'second-metastore');
  const seed = JSON.stringify({ ...demoService(), name: second });
  const tls = sourceTls.join(' ');
  return [
    `  npm run -s cli -- status ${svc}`,
    `  npm run -s cli -- watch ${svc}`,
    `  npm run -s cli -- list-workflows --all`,
    `  npm run -s cli -- verify ${svc}`,
    ...(source
      ? [
          `  # a second service, migrated from the same source (the emulator's admin API creates it):`,
          `  curl -s -X POST "http://$METASTORE_EMULATOR_HOST/_emulator/services" -H 'content-type: application/json' -d '${seed}'`,
          `  npm run -s cli -- plan --service ${second} --config ${config} ${tls}`,
          `  npm run -s cli -- start --service ${second} --config ${config} ${tls} --poll-interval 5 --operation-poll 0.5`,
          `  npm run -s cli -- watch --service ${second}`,
        ]
      : []),
  ];
}

/**
 * --keep: the CLI's environment for the running stack, as a file to `source`, and commands to try with it (the
 * kind's `commands`, run after sourcing the file).
 */
async function printTryIt(stack: KeptStack, commands: string[]): Promise<void> {
  const vars: Record<string, string> = {
    // The demo's own Temporal profile (envconfig, as the worker reads it), and the same as plain variables for the
    // stock temporal CLI.
    TEMPORAL_CONFIG_FILE: stack.env.TEMPORAL_CONFIG_FILE ?? '',
    TEMPORAL_PROFILE: stack.env.TEMPORAL_PROFILE ?? '',
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    METASTORE_EMULATOR_HOST: `127.0.0.1:${stack.emulatorPort}`,
    METASTORE_MIGRATOR_TEMPORAL_UI: stack.uiUrl,
    ...codecEnv,
    METASTORE_MIGRATOR_CODEC_KEY_ID: DEMO_KEY_ID,
  };
  const file = join(demoDir, 'demo.env');
  await writeEnvFile(file, vars, [
    `The CLI's environment for the stack of 'npm run demo -- --keep' (pid ${process.pid}); valid until it stops.`,
    `Holds the demo's payload key, made for this run only (mode 0600). Use: . ${file}`,
  ]);
  const shown = Object.entries(vars).map(([name, value]) =>
    // The key goes to the file only, never to the terminal or a log.
    name === 'METASTORE_MIGRATOR_CODEC_KEYS' ? `${name}=<this run's key: in the file>` : `${name}=${value}`,
  );
  console.log(
    [
      '',
      `the CLI's environment for this stack (in ${file}, mode 0600, with the run's payload key):`,
      ...shown.map((line) => `  ${line}`),
      '',
      `try it yourself, in another shell, from ${root}:`,
      `  . ${file}`,
      ...commands,
      `  the Web UI: ${stack.uiUrl} (payloads decoded by ${stack.codecUrl})`,
      '',
    ].join('\n'),
  );
  say(`CLI environment written to ${file}`);
}

async function stopAll(): Promise<void> {
  await Promise.allSettled([...[...started].reverse().map((service) => service.stop()), source?.db.close()]);
}

main().then(
  async () => {
    await stopAll();
    process.exit(0);
  },
  async (err) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    for (const service of started) console.error(`--- ${service.name} output ---\n${service.output().slice(-3000)}`);
    await stopAll();
    process.exit(1);
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopAll().then(() => process.exit(130)));
}
