// `rollout plan` against the real stack: a Temporal dev server, the emulator and the CLI as a process. One member
// already has a running migration workflow, one is MIGRATING on the Metastore API (started as gcloud would), one
// does not exist: each is reported at its migrations[] path and plan exits 1; it reads one services.list page per
// location, not one read per service, and changes nothing. With a worker, every other member is planned as `plan`
// plans it: a member whose target catalog does not exist is blocked, named with the check and the API's reason.
//
// Then a fleet rollout run from the CLI, as processes (the worker too): `rollout start` on a two-wave manifest (a
// canary of one, then two, each behind an approval gate) → `rollout status` shows the canary settled and its gate
// waiting → `rollout approve` → every member in REPLICATION → a stale `rollout advance` refused (exit 1) → `rollout
// abort` leaves the members running. Starting the same manifest again while it runs reports the running rollout
// and starts nothing.
//
// One stack for both (they were two files, each starting its own dev server, emulator and worker: most of either's
// time); the first plan test runs before any worker polls the stack's task queue.
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { WORKFLOW_TYPE, workflowIdFor } from '../../src/migration/names';
import type { RolloutStatus } from '../../src/workflows/rollout/messages';
import { rolloutWorkflowId, statusQuery } from '../../src/workflows/rollout/messages';
import { admin, getResource, startMigration, until } from '../helpers/emulator';
import { createCatalog, hiveTable, seedMetastore } from '../helpers/outgoing';
import {
  FAST_OPTIONS,
  migrationExecutionRequest,
  plaintextMigrationExecution,
  serviceSeed,
  uniqueServiceName,
  waitFor,
  RUN_TOKEN,
} from '../helpers/migration';
import { type Stack, startStack } from '../helpers/stack';
import { type DevServer, startDevServer } from '../helpers/temporal';

let temporal: DevServer;
let stack: Stack;
let connection: Connection;
let dir: string;
let worker: Promise<unknown> | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollout-plan-start-'));
  temporal = await startDevServer();
  stack = await startStack(temporal);
  connection = await Connection.connect({ address: temporal.address });
});

after(async () => {
  await connection?.close();
  await Promise.allSettled([stack?.close(), temporal?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The stack's worker, started once by the first test that needs one (the first plan test needs none). */
const withWorker = () => (worker ??= stack.startWorker());

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
    // No worker serves the stack's task queue yet: the members' prechecks cannot run, and plan says so.
    assert.match(run.stdout, /^prechecks not run: no worker — no worker polls task queue "/m);

    const json = await stack.cli('rollout', 'plan', '--manifest', manifestFile, '--json', '--skip-prechecks');
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      online: { states: Record<string, string>; requests: number; locations: number };
      problems: { code: string; path: string }[];
      prechecks: unknown;
    };
    assert.equal(report.ok, false);
    assert.deepEqual(report.prechecks, { ran: false, reason: 'skipped', message: '--skip-prechecks' });
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

  it('plans each member on the worker: a blocked member named with why, the others ready, exit 1', async () => {
    const emulator = { url: stack.emulatorUrl };
    await withWorker();
    const catalog = `projects/plan-e2e/catalogs/hive-${RUN_TOKEN}`;
    await createCatalog(emulator, catalog, 'HIVE', ['gs://warehouse/hive']);
    const [readyA, readyB, noCatalog, overridden, migrating] = await Promise.all(
      Array.from({ length: 5 }, () => stack.seedService()),
    );
    for (const name of [readyA, readyB, noCatalog, overridden])
      await seedMetastore(emulator, name!, {
        sales: { orders: hiveTable({ location: 'gs://warehouse/hive/orders' }) },
      });
    const started = await startMigration(emulator, migrating!, { migrationExecution: plaintextMigrationExecution() });
    assert.equal(started.status, 200, started.text);
    await until(
      () => getResource(emulator, migrating!),
      (service) => service?.state === 'MIGRATING',
      { what: `${migrating} MIGRATING` },
    );
    const missingCatalog = {
      migrationExecution: {
        biglakeMetastoreMigrationConfig: { hiveConfig: { catalog: 'projects/plan-e2e/catalogs/no-such-catalog' } },
      },
    };
    const manifest = {
      apiVersion: 'metastore-migrator/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'plan-e2e-prechecks' },
      template: {
        kind: 'outgoing',
        migrationExecution: {
          biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', hiveConfig: { catalog, databases: ['*'] } },
        },
        options: { operationPollSeconds: 0.2 },
      },
      migrations: [
        { service: readyA },
        { service: readyB },
        { service: noCatalog, config: missingCatalog },
        // The same fault, accepted by name as `start --override` accepts it: a warning, not a block.
        {
          service: overridden,
          config: { ...missingCatalog, options: { overrides: ['targets.hiveCatalog'] } },
        },
        { service: migrating },
      ],
      waves: [
        { name: 'canary', canary: true, members: { services: [readyA] } },
        { name: 'rest', members: { selector: {} } },
      ],
    };
    const manifestFile = join(dir, 'prechecked.yaml');
    await writeFile(manifestFile, stringify(manifest));

    const run = await stack.cli('rollout', 'plan', '--manifest', manifestFile);
    assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^prechecks \(planMigration on the worker, read only\): 4 members planned in /m);
    assert.match(run.stdout, /^wave 1 canary: 1 ready, 0 blocked, 0 with warnings$/m);
    assert.match(
      run.stdout,
      /^wave 2 rest: 1 ready, 1 blocked, 1 with warnings, 1 not planned \(in conflict or invalid\)$/m,
    );
    const blockedLine = new RegExp(
      `^ {2}blocked {2}${noCatalog}: targets\\.hiveCatalog: Hive catalog projects/plan-e2e/catalogs/no-such-catalog was not found`,
      'm',
    );
    assert.match(run.stdout, blockedLine);
    assert.equal(run.stdout.match(/^ {2}blocked {2}/gm)?.length, 1, 'only the member with no catalog is blocked');
    // The overridden member: its check a warning, and the dry run it kept from running, as `plan` reports them.
    assert.match(run.stdout, /^ {2}warnings: dryRun\.finished not run \(1\), targets\.hiveCatalog \(1\)$/m);

    const json = await stack.cli('rollout', 'plan', '--manifest', manifestFile, '--json');
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      prechecks: {
        ran: boolean;
        planned: number;
        waves: { wave: number; ready: number; warnings: number; blocked: number; notPlanned: number }[];
        members: {
          service: string;
          wave: number;
          verdict: string;
          reasons: string[];
          findings?: { check: string; level: string }[];
        }[];
      };
    };
    assert.equal(report.ok, false);
    assert.equal(report.prechecks.ran, true);
    const verdicts = Object.fromEntries(report.prechecks.members.map((m) => [m.service, [m.wave, m.verdict]]));
    assert.deepEqual(verdicts, {
      [readyA!]: [1, 'ready'],
      [readyB!]: [2, 'ready'],
      [noCatalog!]: [2, 'blocked'],
      [overridden!]: [2, 'warnings'],
      [migrating!]: [2, 'not planned'],
    });
    const member = (name: string) => report.prechecks.members.find((m) => m.service === name);
    assert.deepEqual(
      member(noCatalog!)
        ?.findings?.filter((f) => f.level === 'error')
        .map((f) => f.check),
      ['targets.hiveCatalog'],
    );
    assert.ok(member(readyA!)?.findings?.some((f) => f.check === 'service.state' && f.level === 'ok'));
    assert.match(member(migrating!)?.reasons[0] ?? '', /^in conflict: the service is MIGRATING/);
    assert.equal(member(migrating!)?.findings, undefined, 'a member in conflict is not planned');

    // Changing nothing: no migration workflow was started, and the planned services are ACTIVE as before.
    const client = new Client({ connection, namespace: temporal.namespace });
    const migrations: string[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPE}'` }))
      migrations.push(wf.workflowId);
    for (const name of [readyA, readyB, noCatalog, overridden, migrating])
      assert.ok(!migrations.includes(workflowIdFor(name!)), `no migration workflow of ${name}`);
    for (const name of [readyA, readyB, noCatalog, overridden])
      assert.equal((await getResource(emulator, name!))?.state, 'ACTIVE');
    // Each planned member has its plan workflows (text and --json runs), none the member in conflict.
    const plans: string[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowType = 'planMigration'` })) plans.push(wf.workflowId);
    for (const name of [readyA, readyB, noCatalog, overridden])
      assert.equal(plans.filter((id) => id.startsWith(`plan/${name}/`)).length, 2, `two plans of ${name}`);
    assert.equal(plans.filter((id) => id.startsWith(`plan/${migrating}/`)).length, 0);

    // A manifest with errors: those first (exit 2), and no member is planned.
    const invalid = join(dir, 'invalid.yaml');
    const unknownWave = { name: 'ghost', members: { services: [uniqueServiceName('ghost')] } };
    await writeFile(invalid, stringify({ ...manifest, waves: [...manifest.waves, unknownWave] }));
    const refused = await stack.cli('rollout', 'plan', '--manifest', invalid, '--json');
    assert.equal(refused.code, 2, `${refused.stdout}\n${refused.stderr}`);
    assert.deepEqual((JSON.parse(refused.stdout) as { prechecks: unknown }).prechecks, {
      ran: false,
      reason: 'invalid manifest',
      message: "the manifest's errors first (see the problems)",
    });

    // Warnings alone do not fail: without the blocked member, plan exits 0.
    const passable = join(dir, 'passable.yaml');
    const kept = manifest.migrations.filter((m) => m.service !== noCatalog && m.service !== migrating);
    await writeFile(passable, stringify({ ...manifest, migrations: kept }));
    const passed = await stack.cli('rollout', 'plan', '--manifest', passable, '--json');
    assert.equal(passed.code, 0, `${passed.stdout}\n${passed.stderr}`);
    const passedReport = JSON.parse(passed.stdout) as { ok: boolean; prechecks: { waves: unknown[] } };
    assert.equal(passedReport.ok, true);
    assert.deepEqual(passedReport.prechecks.waves, [
      { wave: 1, name: 'canary', ready: 1, warnings: 0, blocked: 0, notPlanned: 0 },
      { wave: 2, name: 'rest', ready: 1, warnings: 1, blocked: 0, notPlanned: 0 },
    ]);
  });
});

describe('rollout start, status, approve, advance and abort (CLI processes, dev server, emulator, worker)', () => {
  it('runs a two-wave rollout from its manifest through its gates, and an abort leaves the members running', async () => {
    await withWorker();
    const services = [await stack.seedService(), await stack.seedService(), await stack.seedService()];
    const [canary, ...rest] = services as [string, string, string];
    const name = `e2e-${RUN_TOKEN}`;
    const manifestFile = join(dir, 'rollout.yaml');
    await writeFile(
      manifestFile,
      stringify({
        apiVersion: 'metastore-migrator/v1alpha1',
        kind: 'Rollout',
        metadata: { name },
        template: { kind: 'incoming', migrationExecution: migrationExecutionRequest(), options: FAST_OPTIONS },
        migrations: services.map((service) => ({ service })),
        waves: [
          { name: 'canary', canary: true, members: { services: [canary] } },
          { name: 'rest', members: { services: rest }, maxParallel: { count: 2 } },
        ],
        policies: { reconcileInterval: '1s' },
      }),
    );
    const client = new Client({ connection, namespace: temporal.namespace });
    const handle = client.workflow.getHandle(rolloutWorkflowId(name));
    const until = (what: string, done: (s: RolloutStatus) => boolean) =>
      waitFor(
        what,
        async () => {
          const status = await handle.query(statusQuery);
          return done(status) ? status : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );

    const started = await stack.cli('rollout', 'start', '--manifest', manifestFile);
    assert.equal(started.code, 0, `${started.stdout}\n${started.stderr}`);
    assert.match(
      started.stdout,
      new RegExp(`^started rollout/${name} \\(run [^)]+\\): start of 3 member\\(s\\) in 2 wave`),
    );

    // Applied again while it runs: the running rollout is reported, nothing new is started.
    const again = await stack.cli('rollout', 'start', '--manifest', manifestFile, '--json');
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as { alreadyRunning: boolean; runId: string };
    assert.equal(report.alreadyRunning, true);
    assert.equal(report.runId, (await handle.describe()).runId);

    await until('the canary at its approval gate', (s) => s.gate === 'approval');
    const status = await stack.cli('rollout', 'status', '--rollout', name);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^rollout ${name} · start · wave 1/2 · waits for approval$`, 'm'));
    assert.match(status.stdout, /^wave 1 canary \[canary\]: members settled — 1 member: 1 reached, 0 in progress/m);
    assert.match(status.stdout, /^wave 2 rest: waiting — 2 members: 0 reached, 0 in progress, 2 pending/m);
    assert.match(
      status.stdout,
      new RegExp(`^next {7}metastore-migrator rollout approve --rollout ${name} --wave 1 `, 'm'),
    );
    const json = await stack.cli('rollout', 'status', '--rollout', name, '--json');
    const parsed = JSON.parse(json.stdout) as RolloutStatus & { workflowStatus: string };
    assert.equal(parsed.gate, 'approval');
    assert.deepEqual(
      parsed.waves.map((w) => w.counts.reached),
      [1, 0],
    );
    assert.equal(parsed.workflowStatus, 'RUNNING');

    const approved = await stack.cli(
      'rollout',
      'approve',
      '--rollout',
      name,
      '--wave',
      '1',
      '--reason',
      'canary healthy',
      '--change-reference',
      'CHG-7',
      '--by',
      'alice',
    );
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /^approve accepted for rollout /);

    const atSecondGate = await until(
      'wave 2 at its approval gate',
      (s) => s.currentWave === 2 && s.gate === 'approval',
    );
    assert.equal(atSecondGate.waves[1]!.counts.reached, 2);
    for (const service of services) {
      const member = await client.workflow.getHandle(workflowIdFor(service)).query<{ stage: string }>('status');
      assert.equal(member.stage, 'REPLICATION', service);
    }
    assert.deepEqual(
      atSecondGate.audit.filter((a) => a.command === 'approve').map((a) => [a.by, a.reason, a.changeReference]),
      [['alice', 'canary healthy', 'CHG-7']],
    );

    // A late advance of wave 1 must not pass wave 2's gate.
    const stale = await stack.cli('rollout', 'advance', '--rollout', name, '--wave', '1');
    assert.equal(stale.code, 1, stale.stdout);
    assert.match(stale.stderr, /^Refused: advance names wave 1, but the current wave is 2/m);
    assert.equal((await handle.query(statusQuery)).gate, 'approval', 'nothing changed');

    const aborted = await stack.cli('rollout', 'abort', '--rollout', name, '--reason', 'end of test', '--yes');
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.match(aborted.stdout, /^abort accepted for rollout .*; members go on$/m);
    const result = await handle.result();
    assert.equal(result.outcome, 'ABORTED');
    for (const service of services) {
      const description = await client.workflow.getHandle(workflowIdFor(service)).describe();
      assert.equal(description.status.name, 'RUNNING', `${service} goes on after the abort`);
    }
    await Promise.allSettled(
      services.map((service) => client.workflow.getHandle(workflowIdFor(service)).terminate('test over')),
    );
  });
});
