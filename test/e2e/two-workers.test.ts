// Two worker processes share the task queues and one project's API budget: together they stay within it, and
// when one is SIGKILLed the other carries every migration on. What reached the API is the emulator's own log.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RequestLogEntry } from '../../src/emulator/stats';
import { snakeCaseConfigYaml, SOURCE_NOT_REACHED_FLAGS, waitFor } from '../helpers/migration';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { startDevServer } from '../helpers/temporal';
import type { DevServer } from '../helpers/temporal';

const BUDGET = 4;
const WORKER_ENV = { METASTORE_MIGRATOR_API_BUDGET: String(BUDGET), METASTORE_MIGRATOR_BUDGET_SHARE_SECONDS: '1' };

let temporal: DevServer;
let stack: Stack;
let workDir: string;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-two-workers-'));
  temporal = await startDevServer();
  stack = await startStack(temporal);
  await writeFile(join(workDir, 'migration.yaml'), snakeCaseConfigYaml());
});

after(async () => {
  await Promise.allSettled([stack?.close(), temporal?.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function requestLog(since: number): Promise<RequestLogEntry[]> {
  const response = await fetch(`${stack.emulatorUrl}/_emulator/requests?since=${since}&resourcePrefix=projects/`);
  return ((await response.json()) as { requests: RequestLogEntry[] }).requests;
}

async function stageOf(service: string): Promise<string | undefined> {
  const status = await stack.cli('status', '--service', service, '--json');
  return status.code === 0 ? (JSON.parse(status.stdout) as { stage: string }).stage : undefined;
}

describe('two workers', () => {
  it('share one project budget, and one carries on when the other is killed', async () => {
    const workers = [await stack.startWorker(WORKER_ENV), await stack.startWorker(WORKER_ENV)];
    await Promise.all(workers.map((worker) => worker.waitForOutput(/2 worker\(s\) share/, 30_000)));
    const services = await Promise.all([1, 2, 3, 4].map(() => stack.seedService()));
    const since = Date.now();
    for (const service of services) {
      // Polls every 0.1 s: 40 reads a second asked of a 4 req/s budget.
      const started = await stack.cli(
        'start',
        ...['--service', service, '--config', join(workDir, 'migration.yaml'), '--skip-plan'],
        ...['--poll-interval', '0.1', '--operation-poll', '0.1'],
      );
      assert.equal(started.code, 0, started.stderr);
    }
    await waitFor(
      'all in REPLICATION',
      async () => (await Promise.all(services.map(stageOf))).every((s) => s === 'REPLICATION'),
      {
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    const replicatingAt = Date.now();
    await waitFor('4 s of polling', async () =>
      (await requestLog(replicatingAt)).some((e) => e.at - replicatingAt >= 4000),
    );
    const log = await requestLog(since);
    const seconds = (log.at(-1)!.at - log[0]!.at) / 1000;
    // Each worker holds half the rate, with its own burst of max(2, rate) tokens.
    assert.ok(log.length <= BUDGET * seconds + 2 * 2, `${log.length} calls in ${seconds.toFixed(1)} s by two workers`);

    await workers[0]!.kill('SIGKILL');
    const [chosen] = services;
    const completed = await stack.cli(
      'complete',
      '--service',
      chosen!,
      ...SOURCE_NOT_REACHED_FLAGS,
      '--by',
      'two-workers-test',
    );
    assert.equal(completed.code, 0, completed.stderr);
    const waited = await stack.cli('wait', '--service', chosen!, '--json');
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal((JSON.parse(waited.stdout) as { outcome: string }).outcome, 'SUCCEEDED');
    for (const service of services.slice(1)) assert.equal(await stageOf(service), 'REPLICATION');
  });
});
