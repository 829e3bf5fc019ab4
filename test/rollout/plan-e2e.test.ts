// `rollout plan` against the real stack: a Temporal dev server, the emulator and the CLI as a process. One member
// already has a running migration workflow, one is MIGRATING on the Metastore API (started as gcloud would), one
// does not exist: each is reported at its migrations[] path and plan exits 1; it reads one services.list page per
// location, not one read per service, and changes nothing.
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { WORKFLOW_TYPE, workflowIdFor } from '../../src/migration/names';
import { admin, getResource, startMigration, until } from '../helpers/emulator';
import { plaintextMigrationExecution, serviceSeed, uniqueServiceName, RUN_TOKEN } from '../helpers/migration';
import { type Stack, startStack } from '../helpers/stack';
import { type DevServer, startDevServer } from '../helpers/temporal';

let temporal: DevServer;
let stack: Stack;
let connection: Connection;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollout-plan-'));
  temporal = await startDevServer();
  stack = await startStack(temporal);
  connection = await Connection.connect({ address: temporal.address });
});

after(async () => {
  await connection?.close();
  await Promise.allSettled([stack?.close(), temporal?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('rollout plan (CLI process, dev server, emulator)', () => {
  it('reports a running workflow, a MIGRATING service and a missing one as conflicts, reading per location', async () => {
    const emulator = { url: stack.emulatorUrl };
    const [idle, withWorkflow, migrating] = [
      await stack.seedService(),
      await stack.seedService(),
      await stack.seedService(),
    ];
    const missing = uniqueServiceName('e2e');
    const elsewhere = `projects/other-project/locations/europe-west1/services/hms-elsewhere-${RUN_TOKEN}`;
    await admin(emulator, 'services', serviceSeed(elsewhere));

    // A migration workflow of withWorkflow, running: no worker serves this queue, so it stays as it is — plan
    // reads visibility, which knows it as any running migration.
    const client = new Client({ connection, namespace: temporal.namespace });
    const handle = await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: 'rollout-plan-test-unserved',
      workflowId: workflowIdFor(withWorkflow),
      args: [{}],
    });
    await until(
      async () => {
        const ids: string[] = [];
        for await (const wf of client.workflow.list({
          query: `WorkflowType = '${WORKFLOW_TYPE}' AND WorkflowId = '${handle.workflowId}'`,
        }))
          ids.push(wf.workflowId);
        return ids;
      },
      (ids) => ids.includes(handle.workflowId),
      { timeoutMs: 10_000, what: 'the workflow in visibility' },
    );
    // migrating: started on the API as gcloud would, with no workflow of ours.
    const started = await startMigration(emulator, migrating, { migrationExecution: plaintextMigrationExecution() });
    assert.equal(started.status, 200, started.text);
    await until(
      () => getResource(emulator, migrating),
      (service) => service?.state === 'MIGRATING',
      { what: `${migrating} MIGRATING` },
    );

    const manifestFile = join(dir, 'rollout.yaml');
    await writeFile(
      manifestFile,
      stringify({
        apiVersion: 'metastore-migrator/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'plan-e2e' },
        template: {
          kind: 'outgoing',
          migrationExecution: {
            biglakeMetastoreMigrationConfig: {
              mode: 'BACKFILL',
              hiveConfig: { catalog: 'projects/corp-lake/catalogs/hive-main', databases: ['*'] },
            },
          },
        },
        migrations: [idle, withWorkflow, migrating, missing, elsewhere].map((service) => ({ service })),
        waves: [
          { name: 'canary', canary: true, members: { services: [idle] } },
          { name: 'rest', members: { selector: {} }, maxParallel: { percent: 50 } },
        ],
        policies: { apiBudgetPerProject: 2 },
      }),
    );
    const before = await Promise.all([idle, withWorkflow, migrating].map((name) => getResource(emulator, name)));

    const run = await stack.cli('rollout', 'plan', '--manifest', manifestFile);
    assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^wave 2 rest: 4 members \(\(every service\)\), at most 2 at once \(by percent\)/m);
    assert.match(
      run.stdout,
      new RegExp(
        `^error {2}migrations\\.1\\.service: a migration workflow is already running for it: migration/${withWorkflow}`,
        'm',
      ),
    );
    assert.match(run.stdout, /^error {2}migrations\.2\.service: the service is MIGRATING \(Metastore API\)/m);
    assert.match(run.stdout, /^error {2}migrations\.3\.service: no such service/m);
    assert.doesNotMatch(run.stdout, /migrations\.[04]\.service/, 'the ACTIVE services without a workflow are fine');
    // Conflicts are looked for among every deployment's workflows: on a shared server, other runs' count too.
    const running = temporal.existing ? '\\d+ running migration workflows?' : '1 running migration workflow';
    assert.match(
      run.stdout,
      new RegExp(`${running}; 2 locations read with 2 services\\.list requests, ≤ 1 req/s per project`),
    );

    const json = await stack.cli('rollout', 'plan', '--manifest', manifestFile, '--json');
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      online: { states: Record<string, string>; requests: number; locations: number };
      problems: { code: string; path: string }[];
    };
    assert.equal(report.ok, false);
    assert.deepEqual(report.online.states, {
      [idle]: 'ACTIVE',
      [withWorkflow]: 'ACTIVE',
      [migrating]: 'MIGRATING',
      [missing]: 'NOT_FOUND',
      [elsewhere]: 'ACTIVE',
    });
    assert.equal(report.online.requests, 2, 'one services.list page per location, not one read per service');
    assert.deepEqual(
      report.problems.map((p) => [p.code, p.path]),
      [
        ['workflow-running', 'migrations.1.service'],
        ['service-migrating', 'migrations.2.service'],
        ['service-unreadable', 'migrations.3.service'],
      ],
    );

    // Read only: the services and the workflow are as they were.
    const after = await Promise.all([idle, withWorkflow, migrating].map((name) => getResource(emulator, name)));
    assert.deepEqual(after, before);
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    await handle.terminate('test over');
  });
});
