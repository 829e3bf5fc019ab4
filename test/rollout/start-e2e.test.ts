// A fleet rollout run from the CLI, as processes: a Temporal dev server, the emulator, a worker and the CLI. `rollout
// start` on a two-wave manifest (a canary of one, then two, each behind an approval gate) → `rollout status` shows
// the canary settled and its gate waiting → `rollout approve` → every member in REPLICATION → a stale `rollout
// advance` refused (exit 1) → `rollout abort` leaves the members running. Starting the same manifest again while it
// runs reports the running rollout and starts nothing.
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { workflowIdFor } from '../../src/migration/names';
import type { RolloutStatus } from '../../src/workflows/rollout/messages';
import { rolloutWorkflowId, statusQuery } from '../../src/workflows/rollout/messages';
import { FAST_OPTIONS, migrationExecutionRequest, waitFor, RUN_TOKEN } from '../helpers/migration';
import { type Stack, startStack } from '../helpers/stack';
import { type DevServer, startDevServer } from '../helpers/temporal';

let temporal: DevServer;
let stack: Stack;
let connection: Connection;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollout-start-'));
  temporal = await startDevServer();
  stack = await startStack(temporal);
  await stack.startWorker();
  connection = await Connection.connect({ address: temporal.address });
});

after(async () => {
  await connection?.close();
  await Promise.allSettled([stack?.close(), temporal?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('rollout start, status, approve, advance and abort (CLI processes, dev server, emulator, worker)', () => {
  it('runs a two-wave rollout from its manifest through its gates, and an abort leaves the members running', async () => {
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
