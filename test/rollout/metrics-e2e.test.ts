// Rollout metrics on the worker's /metrics, scraped as Prometheus would, with a real rollout under way (dev server,
// emulator, worker, CLI): running rollouts by state (waiting-approval, paused) and their members by wave and stage,
// read from Temporal every second, and the members the rollout started, by result; after the abort the rollout's series fall to 0 rather than keep their last value.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { FAST_OPTIONS, migrationExecutionRequest, waitFor, RUN_TOKEN } from '../helpers/migration';
import { freePort } from '../helpers/ports';
import { type Stack, startStack } from '../helpers/stack';
import { type DevServer, startDevServer } from '../helpers/temporal';

let temporal: DevServer;
let stack: Stack;
let dir: string;
let metricsUrl: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollout-metrics-'));
  temporal = await startDevServer();
  stack = await startStack(temporal);
  const address = `127.0.0.1:${await freePort()}`;
  metricsUrl = `http://${address}/metrics`;
  await stack.startWorker({
    METASTORE_MIGRATOR_METRICS_ADDRESS: address,
    METASTORE_MIGRATOR_FLEET_METRICS_SECONDS: '1',
  });
});

after(async () => {
  await Promise.allSettled([stack?.close(), temporal?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The value of the series `name` with exactly `labels`, as the exporter writes it; undefined if absent. */
async function scraped(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await (await fetch(metricsUrl)).text();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} ([0-9.e+-]+)$/i.exec(line);
    if (!match || match[1] !== name) continue;
    const pairs = Object.fromEntries(
      [...match[2]!.matchAll(/([a-z_]+)="([^"]*)"/gi)].map((m) => [m[1]!, m[2]!] as const),
    );
    const own = Object.entries(pairs).filter(([key]) => key !== 'service_name' && key !== 'otel_scope_name');
    if (own.length === Object.keys(labels).length && own.every(([key, v]) => labels[key] === v))
      return Number(match[3]);
  }
  return undefined;
}

/** Until every series has its value (the gauges refresh every second). */
function until(what: string, expected: [string, Record<string, string>, number][]) {
  return waitFor(
    what,
    async () => {
      for (const [name, labels, want] of expected) if ((await scraped(name, labels)) !== want) return undefined;
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

describe('rollout metrics (worker /metrics, dev server, emulator, CLI)', () => {
  it('counts the rollout by state and its members by wave and stage, and zeroes them when it ends', async () => {
    const services = [await stack.seedService(), await stack.seedService(), await stack.seedService()];
    const [canary, ...rest] = services as [string, string, string];
    const name = `metrics-${RUN_TOKEN}`;
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
          { name: 'rest', members: { services: rest } },
        ],
        policies: { reconcileInterval: '1s' },
      }),
    );
    const cli = async (...args: string[]) => {
      const run = await stack.cli('rollout', ...args);
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    };
    const member = (wave: string, stage: string) =>
      ['metastore_migrator_rollout_members', { rollout: name, wave, stage }] as const;
    const rollouts = (state: string) => ['metastore_migrator_rollouts', { state }] as const;
    const driven = (action: string, result: string) =>
      ['metastore_migrator_rollout_members_driven_total', { action, result }] as const;

    await cli('start', '--manifest', manifestFile);
    await until('the canary in REPLICATION, the rollout at its approval gate', [
      [...member('1', 'REPLICATION'), 1],
      [...rollouts('waiting-approval'), 1],
      [...rollouts('running'), 0],
      [...rollouts('paused'), 0],
    ]);
    assert.equal(await scraped(...driven('start', 'accepted')), 1, 'the canary alone started');
    assert.equal(
      await scraped(...member('2', 'REPLICATION')),
      undefined,
      'wave 2 has not started: none of its members is counted',
    );

    await cli('approve', '--rollout', name, '--wave', '1', '--reason', 'canary healthy', '--change-reference', 'CHG-1');
    await until('wave 2 in REPLICATION, at its own gate', [
      [...member('1', 'REPLICATION'), 1],
      [...member('2', 'REPLICATION'), 2],
      [...rollouts('waiting-approval'), 1],
      [...driven('start', 'accepted'), 3],
    ]);

    await cli('pause', '--rollout', name, '--reason', 'change freeze');
    await until('the rollout paused', [
      [...rollouts('paused'), 1],
      [...rollouts('waiting-approval'), 0],
    ]);

    await cli('abort', '--rollout', name, '--reason', 'end of test', '--yes');
    await until('the ended rollout’s series at 0', [
      [...rollouts('paused'), 0],
      [...member('1', 'REPLICATION'), 0],
      [...member('2', 'REPLICATION'), 0],
    ]);
  });
});
