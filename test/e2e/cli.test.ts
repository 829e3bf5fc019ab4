// End to end, as an engineer uses it: the CLI, the worker, a Temporal dev server and the emulator, each a
// separate process talking over real sockets. The worker is SIGKILLed while the migration waits.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../scripts/lib/ports';
import { spawnService } from '../../scripts/lib/services';
import type { ServiceProcess } from '../../scripts/lib/services';
import { SECRET_ENV, serviceSeed, uniqueServiceName, waitFor } from '../helpers/migration';
import { startDevServer } from '../helpers/temporal';
import type { DevServer } from '../helpers/temporal';

const root = join(__dirname, '..', '..');
// node --import tsx, not the tsx binary: tsx runs the script in a grandchild that a SIGKILL would orphan.
const node = process.execPath;
const ts = (...args: string[]) => ['--import', 'tsx', ...args];

let temporal: DevServer;
let emulator: ServiceProcess;
let emulatorUrl: string;
let workDir: string;
let env: NodeJS.ProcessEnv;
const workers: ServiceProcess[] = [];

async function startWorker(): Promise<ServiceProcess> {
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
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion; the environment holds no passwords (only the worker's does). */
async function cli(...args: string[]): Promise<CliRun> {
  const { spawn } = await import('node:child_process');
  const child = spawn(node, ts('src/client.ts', ...args), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

async function seedService(): Promise<string> {
  const name = uniqueServiceName('e2e');
  const response = await fetch(`${emulatorUrl}/_emulator/services`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(serviceSeed(name)),
  });
  assert.equal(response.status, 200);
  return name;
}

const CONFIG_YAML = `
cloud_sql_migration_config:
  cloud_sql_connection_config:
    instance_connection_name: test-project:us-central1:hive-mysql
    ip_address: 127.0.0.1
    port: 3306
    hive_database_name: hive
    username: hive
    password: env:HIVE_DB_PASSWORD
    proxy_subnet: projects/test-project/regions/us-central1/subnetworks/proxy
    nat_subnet: projects/test-project/regions/us-central1/subnetworks/nat
  cdc_config:
    username: datastream
    password: file:${'${SECRET_FILE}'}
    vpc_network: projects/test-project/locations/global/networks/default
    subnet_ip_range: 10.0.0.0/29
    reverse_proxy_subnet: projects/test-project/regions/us-central1/subnetworks/reverse-proxy
`;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-e2e-'));
  const emulatorPort = await freePort();
  [temporal] = await Promise.all([startDevServer()]);
  emulator = spawnService({
    name: 'emulator',
    command: node,
    args: ts('src/emulator/main.ts', '--port', String(emulatorPort), '--operation-delay-ms', '200'),
    cwd: root,
  });
  await emulator.waitForOutput(/listening on/);
  emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: temporal.address,
    METASTORE_EMULATOR_HOST: `127.0.0.1:${emulatorPort}`,
  };
  const secretFile = join(workDir, 'cdc-password');
  await writeFile(secretFile, `${SECRET_ENV.CDC_PASSWORD}\n`, { mode: 0o600 });
  await writeFile(join(workDir, 'migration.yaml'), CONFIG_YAML.replace('${SECRET_FILE}', secretFile));
});

after(async () => {
  await Promise.allSettled([...workers.map((w) => w.stop()), emulator?.stop(), temporal?.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('CLI end to end', () => {
  it('completes a migration after the worker is SIGKILLed mid-wait and started again', async () => {
    const service = await seedService();
    const worker = await startWorker();
    const started = await cli(
      'start',
      '--service',
      service,
      '--config',
      join(workDir, 'migration.yaml'),
      '--poll-interval',
      '1',
      '--operation-poll',
      '0.2',
      '--json',
    );
    assert.equal(started.code, 0, started.stderr);
    const { workflowId, runId } = JSON.parse(started.stdout) as { workflowId: string; runId: string };
    assert.equal(workflowId, `migration/${service}`);
    assert.ok(runId);

    await waitFor('REPLICATION', async () => {
      const status = await cli('status', '--service', service, '--json');
      return status.code === 0 && (JSON.parse(status.stdout) as { stage: string }).stage === 'REPLICATION';
    });
    await worker.kill('SIGKILL');
    assert.throws(() => process.kill(worker.pid, 0), { code: 'ESRCH' }, 'the first worker is really gone');
    await startWorker();

    const completed = await cli('complete', '--service', service, '--by', 'carol', '--reason', 'cutover window');
    assert.equal(completed.code, 0, completed.stderr);
    const waited = await cli('wait', '--service', service, '--json');
    assert.equal(waited.code, 0, waited.stderr);
    const result = JSON.parse(waited.stdout) as { outcome: string; execution: { name: string; state: string } };
    assert.equal(result.outcome, 'SUCCEEDED');

    const listed = await cli('list', '--service', service, '--json');
    const executions = (JSON.parse(listed.stdout) as { migrationExecutions: { name: string; state: string }[] })
      .migrationExecutions;
    assert.deepEqual(
      executions.map((e) => [e.name, e.state]),
      [[result.execution.name, 'SUCCEEDED']],
    );
    const id = result.execution.name.split('/').pop()!;
    const described = await cli('describe', '--service', service, '--migration', id);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /state SUCCEEDED {2}phase CUTOVER/);

    const status = JSON.parse((await cli('status', '--service', service, '--json')).stdout) as {
      requests: { by: string; reason: string }[];
      backupsRestored: boolean;
    };
    assert.deepEqual(
      status.requests.map((r) => [r.by, r.reason]),
      [['carol', 'cutover window']],
    );
    assert.equal(status.backupsRestored, true);
    for (const secret of Object.values(SECRET_ENV)) {
      for (const w of workers) assert.ok(!w.output().includes(secret), 'no password in worker output');
    }

    const deleted = await cli('delete', '--service', service, '--migration', id);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal((await cli('describe', '--service', service, '--migration', id)).code, 1);
  });

  it('refuses a second start for the same service while the first runs', async () => {
    const service = await seedService();
    await startWorker();
    const config = join(workDir, 'migration.yaml');
    assert.equal((await cli('start', '--service', service, '--config', config, '--operation-poll', '0.2')).code, 0);
    const second = await cli('start', '--service', service, '--config', config, '--json');
    assert.equal(second.code, 1);
    assert.equal((JSON.parse(second.stderr) as { error: { type: string } }).error.type, 'AlreadyRunning');
    const cancelled = await cli('cancel', '--service', service, '--reason', 'test over');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    const waited = await cli('wait', '--service', service, '--json');
    assert.equal((JSON.parse(waited.stdout) as { outcome: string }).outcome, 'CANCELLED');
  });

  it('rejects a config with a plaintext password, naming the field and starting nothing', async () => {
    const service = await seedService();
    const bad = join(workDir, 'plaintext.yaml');
    await writeFile(bad, CONFIG_YAML.replace('env:HIVE_DB_PASSWORD', 'hunter2-plaintext'));
    const run = await cli('start', '--service', service, '--config', bad);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /migrationExecution|cloudSqlMigrationConfig\.cloudSqlConnectionConfig\.password: must be a secret reference/,
    );
    assert.ok(!run.stderr.includes('hunter2-plaintext'), 'the error does not echo the password');
    const status = await cli('status', '--service', service);
    assert.equal(status.code, 1, 'no workflow was started');
  });

  it('names the offending field of an invalid config and exits non-zero', async () => {
    const service = await seedService();
    const bad = join(workDir, 'bad-range.yaml');
    await writeFile(bad, CONFIG_YAML.replace('10.0.0.0/29', '10.0.0.0/30'));
    const run = await cli('start', '--service', service, '--config', bad, '--json');
    assert.equal(run.code, 1);
    const error = (JSON.parse(run.stderr) as { error: { message: string } }).error;
    assert.match(error.message, /cloudSqlMigrationConfig\.cdcConfig\.subnetIpRange/);
  });

  it('answers a malformed --service with a usage error (exit 2)', async () => {
    const run = await cli('status', '--service', 'demo-metastore');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--service: must be a service resource name/);
  });
});
