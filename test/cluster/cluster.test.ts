// The project on a production-shape Temporal cluster instead of the dev server: Temporal Server 1.29.1 on
// PostgreSQL (persistence and SQL visibility), its services as separate processes with two history hosts, and a
// namespace other than `default` (npm run temporal:cluster starts the same). One cluster for the file: a
// migration against a real MariaDB source verified after cutover, status --all and the fleet gauges on SQL
// visibility, the history host owning the shard SIGKILLed during REPLICATION, and a worker SIGKILLed mid-migration.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { PRESETS, generateMetastore } from '../../scripts/lib/hive-generator';
import { postgresInstalled } from '../../scripts/lib/postgres';
import { startTemporalCluster, type TemporalCluster } from '../../scripts/lib/temporal-cluster';
import { createHiveSource } from '../helpers/hive-source';
import { GOOD_CDC_SERVER_ARGS, startMariaDb, type MariaDb } from '../helpers/mariadb';
import { SECRET_ENV, snakeCaseConfigYaml, SOURCE_NOT_REACHED_FLAGS, waitFor } from '../helpers/migration';
import { freePort } from '../helpers/ports';
import { startStack, type Stack } from '../helpers/stack';

const NAMESPACE = 'migrations';
// PostgreSQL comes from apt in .ci/run; elsewhere a machine without it skips the file rather than fail it.
const skip = !postgresInstalled() && process.env.CI !== 'true' ? 'PostgreSQL 15 is not installed' : false;

let cluster: TemporalCluster;
let db: MariaDb;
let stack: Stack;
let workDir: string;
let metricsUrl: string;
/** A config whose source is the MariaDB (checks run, verification compares), and one no worker can reach. */
let sourceConfig: string;
let unreachableConfig: string;

// A gauge round is ~25 visibility counts, each ~0.1–0.2 s on this cluster when the box is busy: a round every
// second would ask more than PostgreSQL visibility answers and the rounds would queue up; every 5 s keeps up.
const WORKER_ENV = () => ({
  METASTORE_MIGRATOR_METRICS_ADDRESS: new URL(metricsUrl).host,
  METASTORE_MIGRATOR_FLEET_METRICS_SECONDS: '5',
});

before(async () => {
  if (skip) return;
  workDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-cluster-'));
  [cluster, db] = await Promise.all([
    // One shard: the host that owns it is the one every workflow lives on, so killing it always moves it.
    startTemporalCluster({ namespace: NAMESPACE, historyHosts: 2, historyShards: 1 }),
    startMariaDb({ serverArgs: GOOD_CDC_SERVER_ARGS }),
  ]);
  const source = await createHiveSource(db, {
    database: 'hive_cluster',
    hivePassword: SECRET_ENV.HIVE_DB_PASSWORD,
    cdcPassword: SECRET_ENV.CDC_PASSWORD,
    anyHost: true,
  });
  const { host, port, password, user } = source.hive;
  const sql = await createConnection({ host, port, user, password, database: source.database });
  await generateMetastore(sql, PRESETS.small, 7);
  await sql.end();
  sourceConfig = join(workDir, 'mariadb.yaml');
  const location = { port, database: source.database, hiveUser: user, cdcUser: source.cdc.user };
  await writeFile(sourceConfig, snakeCaseConfigYaml({ source: location }));
  unreachableConfig = join(workDir, 'migration.yaml');
  await writeFile(unreachableConfig, snakeCaseConfigYaml());
  // TEMPORAL_NAMESPACE over the stack's profile, as an engineer points the worker and the CLI at the cluster.
  stack = await startStack({ address: cluster.address, namespace: NAMESPACE, existing: false }, [], {
    env: { TEMPORAL_NAMESPACE: NAMESPACE },
  });
  metricsUrl = `http://127.0.0.1:${await freePort()}/metrics`;
  await stack.startWorker(WORKER_ENV());
});

after(async () => {
  await Promise.allSettled([stack?.close(), db?.close()]);
  await cluster?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function start(service: string, config: string): Promise<void> {
  const flags = ['--poll-interval', '1', '--operation-poll', '0.2'];
  const run = await stack.cli('start', '--service', service, '--config', config, ...flags);
  assert.equal(run.code, 0, run.stderr);
}

async function replicating(service: string): Promise<{ runId: string }> {
  return waitFor(
    `${service} in REPLICATION`,
    async () => {
      const run = await stack.cli('status', '--service', service, '--json');
      const status = run.code === 0 ? (JSON.parse(run.stdout) as { stage: string; runId: string }) : undefined;
      return status?.stage === 'REPLICATION' ? status : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

async function waitOutcome(service: string): Promise<{ outcome: string; verification?: { status: string } }> {
  const waited = await stack.cli('wait', '--service', service, '--json');
  assert.equal(waited.code, 0, waited.stdout + waited.stderr);
  return JSON.parse(waited.stdout) as { outcome: string; verification?: { status: string } };
}

/** The value of the `metastore_migrator_migrations{stage="…"}` gauge on the worker's /metrics. */
async function stageGauge(stage: string): Promise<number | undefined> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith('metastore_migrator_migrations{') && l.includes(`"${stage}"`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/** Waits until the REPLICATION gauge reads `count` (the last value read is in the error). */
async function replicationGauge(count: number): Promise<void> {
  let seen: number | undefined;
  await waitFor(
    `the fleet gauge at ${count} in REPLICATION`,
    async () => (seen = await stageGauge('REPLICATION')) === count,
    { timeoutMs: 90_000, intervalMs: 250 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last read ${seen}`);
  });
}

const escaped = (text: string) => text.replace(/[/.]/g, '\\$&');

describe('on a Temporal cluster (PostgreSQL, services as processes, two history hosts)', { skip }, () => {
  let verified: string;
  let failedOver: string;
  let crashed: string;

  it('runs migrations that status --all and the fleet gauges show from SQL visibility', async () => {
    [verified, failedOver, crashed] = [await stack.seedService(), await stack.seedService(), await stack.seedService()];
    await Promise.all([
      start(verified, sourceConfig),
      start(failedOver, unreachableConfig),
      start(crashed, unreachableConfig),
    ]);
    const services = [verified, failedOver, crashed];
    for (const service of services) await replicating(service);

    // Visibility is asynchronous (1–2 s on SQL): wait for the listing rather than expect it at once.
    await waitFor('all three in status --all', async () => {
      const all = await stack.cli('status', '--all');
      return services.every((s) => new RegExp(`${escaped(s)}\\s+REPLICATION\\s+RUNNING`).test(all.stdout));
    });
    await replicationGauge(3);
    const listed = await stack.cli('list-workflows', '--stage', 'REPLICATION', '--json');
    const ids = (JSON.parse(listed.stdout) as { workflows: { workflowId: string }[] }).workflows.map(
      (w) => w.workflowId,
    );
    assert.deepEqual(ids.sort(), services.map((s) => `migration/${s}`).sort());
  });

  it('completes a migration end to end, its cutover checked and verified against the source', async () => {
    const completed = await stack.cli('complete', '--service', verified, '--by', 'cluster-test');
    assert.equal(completed.code, 0, completed.stderr);
    const result = await waitOutcome(verified);
    assert.equal(result.outcome, 'SUCCEEDED');
    assert.equal(result.verification?.status, 'ok');
    await replicationGauge(2);
  });

  it('accepts complete and finishes after the history host owning the shard is SIGKILLed in REPLICATION', async () => {
    const owner = (await cluster.shardsOf(0)) === 1 ? 0 : 1;
    const survivor = 1 - owner;
    assert.equal(await cluster.shardsOf(owner), 1);
    const { runId } = await replicating(failedOver);
    await cluster.killHistoryHost(owner);
    assert.ok(!cluster.processes.some((p) => p.name === (owner === 0 ? 'history' : 'history2')), 'the host is gone');
    const completed = await waitFor(
      'complete accepted by the surviving history host',
      async () => {
        const run = await stack.cli('complete', '--service', failedOver, ...SOURCE_NOT_REACHED_FLAGS, '--by', 'ha');
        return run.code === 0 ? run : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.match(completed.stdout, /complete accepted/);
    await waitFor('the survivor reporting the shard', async () => (await cluster.shardsOf(survivor)) === 1);
    assert.equal((await waitOutcome(failedOver)).outcome, 'SUCCEEDED');
    const status = JSON.parse((await stack.cli('status', '--service', failedOver, '--json')).stdout) as {
      runId: string;
    };
    assert.equal(status.runId, runId, 'the same run carried on');
  });

  it('finishes with one execution after the worker is SIGKILLed mid-migration and another started', async () => {
    const service = crashed;
    await replicating(service);
    const [worker] = stack.workers;
    await worker!.kill('SIGKILL');
    assert.throws(() => process.kill(worker!.pid, 0), { code: 'ESRCH' }, 'the first worker is really gone');
    await stack.startWorker(WORKER_ENV());
    const completed = await stack.cli('complete', '--service', service, ...SOURCE_NOT_REACHED_FLAGS, '--by', 'eve');
    assert.equal(completed.code, 0, completed.stderr);
    assert.equal((await waitOutcome(service)).outcome, 'SUCCEEDED');

    const listed = await stack.cli('list', '--service', service, '--json');
    const executions = (JSON.parse(listed.stdout) as { migrationExecutions: { state: string }[] }).migrationExecutions;
    assert.deepEqual(
      executions.map((e) => e.state),
      ['SUCCEEDED'],
    );
    await waitFor('the three migrations listed as ended, SUCCEEDED', async () => {
      const all = await stack.cli('list-workflows', '--all', '--json');
      const rows = (
        JSON.parse(all.stdout) as { workflows: { workflowId: string; status: string; executionState?: string }[] }
      ).workflows;
      // The plan workflows `start` ran first are listed too: the migrations are the `migration/` ones.
      const migrations = rows.filter((r) => r.workflowId.startsWith('migration/'));
      return (
        migrations.length === 3 && migrations.every((r) => r.status === 'COMPLETED' && r.executionState === 'SUCCEEDED')
      );
    });
    await replicationGauge(0);
    for (const w of stack.workers)
      for (const secret of Object.values(SECRET_ENV)) assert.ok(!w.output().includes(secret));
  });
});
