// The worker's Prometheus endpoint, scraped as Prometheus would: the SDK's own metrics beside the migration's —
// API calls by method and status with their latency, each migration's last successful poll, running migrations
// by stage and execution state, and engineers' decisions accepted and refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { admin } from '../helpers/emulator';
import { SOURCE_NOT_REACHED_FLAGS, waitFor } from '../helpers/migration';
import { freePort } from '../helpers/ports';
import { type E2e, startE2e } from '../helpers/e2e';
import type { Stack } from '../helpers/stack';

let e2e: E2e;
let stack: Stack;
let metricsUrl: string;

before(async () => {
  e2e = await startE2e('metrics');
  stack = e2e.stack;
  const address = `127.0.0.1:${await freePort()}`;
  metricsUrl = `http://${address}/metrics`;
  await stack.startWorker({
    METASTORE_MIGRATOR_METRICS_ADDRESS: address,
    METASTORE_MIGRATOR_FLEET_METRICS_SECONDS: '1',
  });
});

after(() => e2e?.close());

/** `name{labels} value` lines → value by the series as written. */
async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+|NaN)$/i.exec(line);
    if (match) series.set(match[1]!, Number(match[2]));
  }
  return series;
}

/** The value of the first series named `name` whose labels include every `labels` pair. */
function value(series: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const [key, v] of series) {
    if (!(key === name || key.startsWith(`${name}{`))) continue;
    if (Object.entries(labels).every(([label, want]) => key.includes(`${label}="${want}"`))) return v;
  }
  return undefined;
}

describe('worker metrics (Prometheus)', () => {
  it('serves the SDK metrics and the migration’s own, as migrations run', async () => {
    // One migration whose start never finishes: it stays STARTING, and a complete there is refused.
    const stuck = await stack.seedService();
    await admin({ url: stack.emulatorUrl }, 'operation-faults', {
      method: 'services.startMigration',
      neverFinish: true,
    });
    assert.equal((await e2e.start(stuck)).code, 0);
    await waitFor('STARTING in the metrics', async () => {
      const series = await scrape();
      return value(series, 'metastore_migrator_migrations', { stage: 'STARTING' }) === 1 ? series : undefined;
    });
    const refused = await stack.cli('complete', '--service', stuck, ...SOURCE_NOT_REACHED_FLAGS);
    assert.equal(refused.code, 1, refused.stderr);

    // One that runs: its first execution read meets a 503, counted by its status and absorbed.
    const service = await stack.seedService();
    await admin({ url: stack.emulatorUrl }, 'faults', {
      method: 'services.migrationExecutions.get',
      error: { status: 'UNAVAILABLE' },
    });
    assert.equal((await e2e.start(service)).code, 0);
    const inReplication = await waitFor('REPLICATION in the metrics', async () => {
      const series = await scrape();
      return value(series, 'metastore_migrator_migrations', { stage: 'REPLICATION' }) === 1 ? series : undefined;
    });
    assert.equal(value(inReplication, 'metastore_migrator_migrations', { stage: 'STARTING' }), 1);
    assert.equal(value(inReplication, 'metastore_migrator_migrations', { stage: 'PRECHECK' }), 0);
    assert.equal(value(inReplication, 'metastore_migrator_migrations_by_execution_state', { state: 'RUNNING' }), 1);
    assert.equal(value(inReplication, 'metastore_migrator_migrations_by_execution_state', { state: 'NONE' }), 1);
    assert.equal(value(inReplication, 'metastore_migrator_migrations_by_execution_state', { state: 'other' }), 0);
    const reads = { method: 'services.migrationExecutions.get' };
    assert.ok((value(inReplication, 'metastore_migrator_api_calls_total', { ...reads, status: 'OK' }) ?? 0) >= 1);
    assert.equal(value(inReplication, 'metastore_migrator_api_calls_total', { ...reads, status: 'UNAVAILABLE' }), 1);
    const starts = { method: 'services.startMigration', status: 'OK' };
    assert.equal(value(inReplication, 'metastore_migrator_api_calls_total', starts), 2);
    assert.ok((value(inReplication, 'metastore_migrator_api_call_latency_seconds_count', reads) ?? 0) >= 2);
    const bucket = { ...reads, le: '0.05' };
    assert.notEqual(value(inReplication, 'metastore_migrator_api_call_latency_seconds_bucket', bucket), undefined);
    const lastPoll = value(inReplication, 'metastore_migrator_last_successful_poll_timestamp_seconds', { service });
    assert.ok(lastPoll !== undefined && Math.abs(Date.now() / 1000 - lastPoll) < 60, `last poll at ${lastPoll}`);
    // The SDK's own: slots and pollers of the worker.
    assert.notEqual(value(inReplication, 'temporal_worker_task_slots_available'), undefined);
    assert.notEqual(value(inReplication, 'temporal_num_pollers'), undefined);

    // An argument the validator refuses, then the cutover.
    const invalid = await stack.cli('cancel', '--service', service, '--by', 'x'.repeat(201));
    assert.equal(invalid.code, 1, invalid.stderr);
    const completed = await stack.cli('complete', '--service', service, ...SOURCE_NOT_REACHED_FLAGS, '--by', 'carol');
    assert.equal(completed.code, 0, completed.stderr);
    const decided = await waitFor('the decisions counted', async () => {
      const series = await scrape();
      const accepted = { action: 'complete', result: 'accepted', via: 'update' };
      return value(series, 'metastore_migrator_decisions_total', accepted) === 1 ? series : undefined;
    });
    const decisions = (labels: Record<string, string>) => value(decided, 'metastore_migrator_decisions_total', labels);
    assert.equal(decisions({ action: 'complete', result: 'refused' }), 1);
    assert.equal(decisions({ action: 'cancel', result: 'invalid' }), 1);
  });
});
