// End to end, as an engineer uses it: the CLI, the worker, a Temporal dev server and the emulator, each a
// separate process talking over real sockets. The worker is SIGKILLed while the migration waits; an outgoing
// backfill with failed tables makes `wait` exit 3; `verify --config` of the outgoing kind, with no workflow, compares
// with the file's catalogs (exit 0), and after a rollback says so and exits 4.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { admin, call, startMigration, waitForOperation, waitForState } from '../helpers/emulator';
import { createCatalog, icebergTable, seedMetastore, startOutgoing } from '../helpers/outgoing';
import {
  SECRET_ENV,
  plaintextMigrationExecution,
  snakeCaseConfigYaml,
  SOURCE_NOT_REACHED_FLAGS,
  waitFor,
} from '../helpers/migration';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { startDevServer } from '../helpers/temporal';
import type { DevServer } from '../helpers/temporal';

let temporal: DevServer;
let stack: Stack;
let workDir: string;

const cli = (...args: string[]) => stack.cli(...args);
// The config's cdc password is a file: reference into workDir, which the worker is told to allow.
const startWorker = () => stack.startWorker({ METASTORE_MIGRATOR_SECRET_DIR: workDir });
const seedService = () => stack.seedService();

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-e2e-'));
  temporal = await startDevServer();
  stack = await startStack(temporal);
  const secretFile = join(workDir, 'cdc-password');
  await writeFile(secretFile, `${SECRET_ENV.CDC_PASSWORD}\n`, { mode: 0o600 });
  await writeFile(join(workDir, 'migration.yaml'), snakeCaseConfigYaml({ cdcPassword: `file:${secretFile}` }));
});

after(async () => {
  await Promise.allSettled([stack?.close(), temporal?.close()]);
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

    // Visibility is eventually consistent: wait for the listing rather than expect it at once.
    await waitFor('the workflow listed in REPLICATION', async () => {
      const listed = await cli('list-workflows', '--stage', 'REPLICATION', '--json');
      const rows = (JSON.parse(listed.stdout) as { workflows: { workflowId: string; executionState: string }[] })
        .workflows;
      return rows.some((r) => r.workflowId === workflowId && r.executionState === 'RUNNING');
    });

    const completed = await cli(
      'complete',
      '--service',
      service,
      ...SOURCE_NOT_REACHED_FLAGS,
      '--by',
      'carol',
      '--reason',
      'cutover window',
    );
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
      for (const w of stack.workers) assert.ok(!w.output().includes(secret), 'no password in worker output');
    }

    const deleted = await cli('delete', '--service', service, '--migration', id);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal((await cli('describe', '--service', service, '--migration', id)).code, 1);
  });

  it('lists and describes executions of a newer API: unknown states marked, the outgoing kind shown; verify --config after its rollback exits 4', async () => {
    const service = await seedService();
    const emulator = { url: stack.emulatorUrl };
    // A real outgoing migration (DPMS → Lakehouse), which this tool lists but does not drive.
    const catalog = `projects/cli-e2e/catalogs/${service.split('/').pop()}`;
    await createCatalog(emulator, catalog, 'ICEBERG');
    await seedMetastore(emulator, service, { web: { clicks: icebergTable('gs://wh/web/clicks') } });
    const config = { conflictPolicy: 'SKIP', icebergConfig: { catalog, namespaces: ['*'] } };
    const started = await startOutgoing(emulator, service, config);
    assert.equal(started.status, 200, started.text);
    const name = started.body.metadata.target as string;
    await waitForState(emulator, name, 'SUCCEEDED');
    // A state and a field no revision has published yet: the overlay plays them over the real execution.
    await admin(emulator, 'newer-api', { name, fields: { state: 'BACKFILLING', lakehouseSync: { lagSeconds: 3 } } });
    const listed = await cli('list', '--service', service);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /state BACKFILLING \(not known to this tool\) {2}phase PHASE_UNSPECIFIED/);
    assert.match(listed.stdout, /kind outgoing to BigLake Metastore .*mode "BACKFILL", conflictPolicy "SKIP"/);
    const id = name.split('/').pop()!;
    const overlaid = await cli('describe', '--service', service, '--migration', id, '--json');
    assert.ok(!('lakehouseSync' in (JSON.parse(overlaid.stdout) as object)), 'an unknown field is not passed through');
    await admin(emulator, 'newer-api', { name, fields: {} });
    // cancelMigration on the completed migration of a PROXY service rolls it back.
    const rollback = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    await waitForOperation(emulator, rollback.body.name);
    const described = await cli('describe', '--service', service, '--migration', id, '--json');
    assert.equal(described.code, 0, described.stderr);
    const json = JSON.parse(described.stdout) as { state: string; biglakeMetastoreMigrationConfig?: unknown };
    assert.equal(json.state, 'ROLLED_BACK');
    assert.ok(json.biglakeMetastoreMigrationConfig);
    const text = await cli('describe', '--service', service, '--migration', id);
    assert.match(text.stdout, /state ROLLED_BACK {2}/);

    // `verify --config` of the outgoing kind, no workflow: the file's catalog against DPMS, the latest finished
    // backfill to it being the rolled-back one — still compared, the rollback said first, exit 4, not 0.
    await startWorker();
    const file = join(workDir, `outgoing-${id}.json`);
    await writeFile(file, JSON.stringify({ biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', ...config } }));
    for (const pick of [[], ['--migration-execution-id', id]]) {
      const verified = await cli('verify', '--service', service, '--config', file, ...pick);
      assert.equal(verified.code, 4, `${verified.stdout}\n${verified.stderr}`);
      assert.match(
        verified.stdout,
        new RegExp(
          `^verified {3}ROLLED BACK: migration execution ${name} was rolled back; .*no longer served; ` +
            'what they still hold: verified: the Lakehouse catalogs hold what the backfill moved',
        ),
      );
    }
    // A catalog no backfill of the service wrote to: compared without a report, the table missing there (exit 3).
    const empty = `${catalog}-empty`;
    await createCatalog(emulator, empty, 'ICEBERG');
    const other = join(workDir, `outgoing-${id}-empty.json`);
    await writeFile(
      other,
      JSON.stringify({
        biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', icebergConfig: { catalog: empty, namespaces: ['*'] } },
      }),
    );
    const unwritten = await cli('verify', '--service', service, '--config', other, '--json');
    assert.equal(unwritten.code, 3, `${unwritten.stdout}\n${unwritten.stderr}`);
    const json2 = JSON.parse(unwritten.stdout) as { note?: string; report?: { differences: { name: string }[] } };
    assert.match(
      json2.note ?? '',
      /no finished backfill of this service to iceberg .*-empty: compared without a report/,
    );
    assert.ok(
      json2.report?.differences.some((d) => d.name === 'web.clicks'),
      unwritten.stdout,
    );
    // That other catalog's file with this execution: its report speaks of another catalog, so nothing is compared.
    const mixed = await cli('verify', '--service', service, '--config', other, '--migration-id', id);
    assert.equal(mixed.code, 4, `${mixed.stdout}\n${mixed.stderr}`);
    assert.match(mixed.stdout, /not verified: .* wrote to iceberg .*, the config names iceberg .*-empty: not compared/);
  });

  it('an outgoing backfill with two failed tables: wait prints them and exits 3; verify exits 0', async () => {
    const service = await seedService();
    const emulator = { url: stack.emulatorUrl };
    const catalog = `projects/cli-e2e/catalogs/partial-${service.split('/').pop()}`;
    await createCatalog(emulator, catalog, 'ICEBERG');
    await seedMetastore(emulator, service, {
      web: {
        clicks: icebergTable('gs://wh/web/clicks'),
        views: icebergTable('gs://wh/web/views'),
        carts: icebergTable('gs://wh/web/carts'),
      },
    });
    // One fault per backfill of the service, oldest first: the empty one is the workflow's precheck dry run's
    // (`--skip-plan` below leaves out the CLI's own plan, which would run a dry run before it).
    await admin(emulator, 'backfill-faults', { service });
    await admin(emulator, 'backfill-faults', { service, failTables: ['web.clicks', 'web.views'] });
    const config = join(workDir, 'outgoing-partial.json');
    const execution = {
      biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', icebergConfig: { catalog, namespaces: ['web'] } },
    };
    await writeFile(config, JSON.stringify(execution));
    await startWorker();
    const started = await cli(
      'start',
      '--service',
      service,
      '--config',
      config,
      '--rollback-window',
      '0',
      '--skip-plan',
    );
    assert.equal(started.code, 0, started.stderr);

    const waited = await cli('wait', '--service', service);
    assert.equal(waited.code, 3, `${waited.stdout}\n${waited.stderr}`);
    assert.match(waited.stdout, /^SUCCEEDED: /);
    assert.match(waited.stdout, /web\.clicks: Injected failure: web\.clicks could not be written/);
    assert.match(waited.stdout, /web\.views: Injected failure: web\.views could not be written/);
    // What failed was never expected in the target: the rest is all there.
    const verified = await cli('verify', '--service', service);
    assert.equal(verified.code, 0, `${verified.stdout}\n${verified.stderr}`);
    assert.match(verified.stdout, /the Lakehouse catalogs hold what the backfill moved/, 'compared with the targets');
    // The same from the config file, no workflow asked: the latest finished backfill to its catalog gives the
    // report, so the two failed tables are the report's, not missing ones (exit 0, as for the incoming kind).
    const fromFile = await cli('verify', '--service', service, '--config', config, '--json');
    assert.equal(fromFile.code, 0, `${fromFile.stdout}\n${fromFile.stderr}`);
    const json = JSON.parse(fromFile.stdout) as {
      status: string;
      reportPath?: string;
      rolledBack?: unknown;
      report?: { notMigrated?: { totals: { failed: number } } };
    };
    assert.equal(json.status, 'ok');
    assert.ok(json.reportPath, 'the report was read');
    assert.equal(json.report?.notMigrated?.totals.failed, 2);
    assert.equal(json.rolledBack, undefined);
  });

  it("plan of an outgoing migration prints the dry run's reasons and failing tables from its report, exit 1", async () => {
    const service = await seedService();
    const emulator = { url: stack.emulatorUrl };
    const catalog = `projects/cli-e2e/catalogs/plan-${service.split('/').pop()}`;
    await createCatalog(emulator, catalog, 'ICEBERG', ['gs://warehouse/ok']);
    await seedMetastore(emulator, service, {
      web: { clicks: icebergTable('gs://warehouse/ok/web/clicks'), stray: icebergTable('gs://elsewhere/web/stray') },
    });
    const config = join(workDir, 'outgoing-plan.json');
    const execution = {
      biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', icebergConfig: { catalog, namespaces: ['web'] } },
    };
    await writeFile(config, JSON.stringify(execution));
    await startWorker();
    const planned = await cli('plan', '--service', service, '--config', config);
    assert.equal(planned.code, 1, `${planned.stdout}\n${planned.stderr}`);
    assert.match(planned.stdout, /— blocked by dryRun\.errors, dryRun\.dependencyFailures$/m);
    assert.match(
      planned.stdout,
      /^ {4}web +ERROR +tables: 1 DEPENDENCY_FAILURE, 1 ERROR — 1 table\(s\) cannot be registered/m,
    );
    assert.match(
      planned.stdout,
      /^ {6}table stray ERROR: The catalog's locations \(gs:\/\/warehouse\/ok\) do not cover gs:\/\/elsewhere\/web\/stray/m,
    );
    assert.match(planned.stdout, /^ {6}table clicks DEPENDENCY_FAILURE: Not migrated: web is new in the target/m);
    assert.match(planned.stdout, /^ {2}ok {4}dryRun\.report +read the report at gs:\/\//m);
    assert.doesNotMatch(planned.stdout, /the report was not read/);
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

  it('start --adopt takes over an execution started outside, says so in status, and cancels it', async () => {
    const service = await seedService();
    const emulator = { url: stack.emulatorUrl };
    // Started as gcloud would, months ago; the service's scheduled backups left on.
    const gcloud = await startMigration(emulator, service, { migrationExecution: plaintextMigrationExecution() });
    assert.equal(gcloud.status, 200, gcloud.text);
    await startWorker();
    const config = join(workDir, 'migration.yaml');
    const misuse = await cli('start', '--service', service, '--config', config, '--restore-backups');
    assert.equal(misuse.code, 2, 'restore-backups only with --adopt');
    assert.match(misuse.stderr, /--restore-backups: only with --adopt/);

    const adopt = ['--adopt', '--by', 'dave', '--reason', 'started with gcloud in March'];
    const started = await cli('start', '--service', service, '--config', config, ...adopt, '--operation-poll', '0.2');
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /adopting the running migration execution/);
    const status = await waitFor('adopted and replicating', async () => {
      const read = await cli('status', '--service', service);
      return read.code === 0 &&
        /state RUNNING {2}phase REPLICATION/.test(read.stdout) &&
        /stage +REPLICATION/.test(read.stdout)
        ? read.stdout
        : undefined;
    });
    assert.match(
      status,
      /^adopted +projects\/.*\/migrationExecutions\/\S+ \(\w+ in \w+\) at \S+ by dave — "started with gcloud in March"$/m,
    );
    assert.match(status, /scheduled backups were on: disabled now, restored at the end as they were/);

    const cancelled = await cli('cancel', '--service', service, '--reason', 'test over');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    const waited = await cli('wait', '--service', service, '--json');
    const result = JSON.parse(waited.stdout) as { outcome: string; backupsRestored: boolean; adoption: { by: string } };
    assert.equal(result.outcome, 'CANCELLED');
    assert.equal(result.backupsRestored, true);
    assert.equal(result.adoption.by, 'dave');
  });

  it('rejects a config with a plaintext password, naming the field and starting nothing', async () => {
    const service = await seedService();
    const bad = join(workDir, 'plaintext.yaml');
    await writeFile(bad, snakeCaseConfigYaml().replace('env:HIVE_DB_PASSWORD', 'hunter2-plaintext'));
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
    await writeFile(bad, snakeCaseConfigYaml().replace('10.0.0.0/29', '10.0.0.0/30'));
    const run = await cli('start', '--service', service, '--config', bad, '--json');
    assert.equal(run.code, 1);
    // The fields' problems as a list (issue 20), the message its headline.
    const error = (JSON.parse(run.stderr) as { error: { message: string; issues: { path: string }[] } }).error;
    assert.match(error.message, /bad-range\.yaml: invalid migration config$/);
    assert.deepEqual(
      error.issues.map((issue) => issue.path),
      ['cloudSqlMigrationConfig.cdcConfig.subnetIpRange'],
    );
  });

  it('answers a malformed --service with a usage error (exit 2)', async () => {
    const run = await cli('status', '--service', 'demo-metastore');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--service: must be a service resource name/);
  });
});
