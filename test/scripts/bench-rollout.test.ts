// `npm run bench:rollout` at a reduced size, as a process (dev server, emulator, worker and CLI as its own
// children): every member reaches REPLICATION, each project's API requests stay inside the worker's budget, the bulk
// complete is accepted by every member of its wave, and the baseline's CLI calls all succeed. Also the bench's
// pure parts: the waves' sizes and the per-project rates it reads from the emulator's request log.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectRates } from '../../scripts/lib/request-rates';
import { benchFleet, waveSizes } from '../../scripts/lib/rollout-manifest';

const root = join(__dirname, '..', '..');
/** The worker's default budget and its bucket's burst (src/metastore/budget.ts). */
const BUDGET = 3;
const BURST = 3;

describe('bench:rollout, its pure parts', () => {
  it('scales the four waves: a canary of 5 at 2,000, at least one member each when small', () => {
    assert.deepEqual(waveSizes(2000), [5, 495, 500, 1000]);
    assert.deepEqual(waveSizes(12), [1, 2, 3, 6]);
    assert.deepEqual(waveSizes(4), [1, 1, 1, 1]);
    assert.throws(() => waveSizes(3), /at least 4/);
  });

  it('spreads the fleet so every project holds its share and every wave reaches every project', () => {
    const fleet = benchFleet(2000, 20);
    assert.equal(fleet.projects, 100);
    const perProject = new Map<string, number>();
    for (const service of fleet.services) {
      const project = service.split('/')[1]!;
      perProject.set(project, (perProject.get(project) ?? 0) + 1);
    }
    assert.deepEqual(new Set(perProject.values()), new Set([20]));
    assert.equal(new Set(fleet.waves[1]!.services.map((s) => s.split('/')[1])).size, 100);
  });

  it('counts requests per project: the peak over a window, the means over the span, other resources ignored', () => {
    const t0 = 1_000_000;
    const log = [
      // Project a: a burst of 3, then 3 per second for 20 s; project b: 1 per second.
      ...Array.from({ length: 3 }, () => ({ at: t0, method: 'm', resource: 'projects/a/locations/l/services/s' })),
      ...Array.from({ length: 60 }, (_, i) => ({
        at: t0 + Math.floor(i / 3) * 1000 + 1,
        method: 'm',
        resource: 'projects/a/x',
      })),
      ...Array.from({ length: 20 }, (_, i) => ({ at: t0 + i * 1000 + 5, method: 'm', resource: 'projects/b/x' })),
      { at: t0 + 500, method: 'm', resource: 'operations/op-1' },
    ];
    const rates = projectRates(log, t0, t0 + 20_000, 10);
    assert.equal(rates.projects, 2);
    assert.equal(rates.peakProject, 'a');
    assert.equal(rates.peak, 3.3); // the burst and ten seconds at the rate
    assert.equal(rates.meanMax, 63 / 20);
    assert.equal(rates.meanAll, (63 + 20) / 2 / 20);
  });
});

describe('bench:rollout at a reduced size (processes: dev server, emulator, worker, CLI)', () => {
  it('rolls 12 services out in four waves inside the API budget, bulk-completes the third and runs the baseline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-rollout-test-'));
    try {
      const out = join(dir, 'results.md');
      const args = ['--size', '12', '--per-project', '4', '--reconcile', '1s', '--baseline', '2', '--bulk'];
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-rollout.ts', ...args, '--out', out], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      assert.equal(code, 0, `${stdout}\n${stderr}`);
      const figures = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        n: number;
        projects: number;
        waves: { name: string; size: number; reached: number; failed: number; beganAt: number; settledAt: number }[];
        allReplicationSeconds: number;
        eventsPerStart: { mean: number; sampled: number };
        rolloutHistory: { runs: number; events: number; bytes: number };
        apiRequestsPerStart: number;
        rates: { peak: number; meanMax: number; projects: number; windowSeconds: number };
        workerPeakRssMiB: number;
        bulk: {
          members: number;
          counts: Record<string, number>;
          refusals: number;
          memberP95: number;
          notClosed: number;
        };
        baseline: { calls: number; failedCalls: number; perCallSeconds: number; allReplicationSeconds: number };
      };

      assert.equal(figures.projects, 3);
      assert.deepEqual(
        figures.waves.map((w) => [w.size, w.reached, w.failed]),
        [
          [1, 1, 0],
          [2, 2, 0],
          [3, 3, 0],
          [6, 6, 0],
        ],
      );
      for (const [i, wave] of figures.waves.entries()) {
        assert.ok(wave.settledAt > wave.beganAt, `${wave.name} took time`);
        if (i > 0)
          assert.ok(wave.beganAt >= figures.waves[i - 1]!.settledAt, `${wave.name} began after the one before`);
      }
      // The last wave settled is when all were in REPLICATION (the same poll, read a moment apart).
      assert.ok(Math.abs(figures.allReplicationSeconds - figures.waves.at(-1)!.settledAt) < 1);
      assert.equal(figures.eventsPerStart.sampled, 12);
      assert.ok(figures.eventsPerStart.mean > 10, 'a start writes history');
      assert.ok(
        figures.rolloutHistory.runs >= 1 && figures.rolloutHistory.events > 0 && figures.rolloutHistory.bytes > 0,
      );
      assert.ok(figures.apiRequestsPerStart > 1, 'every start calls the API');
      // Inside the budget as a token bucket allows it: its burst and the rate over any window.
      assert.equal(figures.rates.projects, 3);
      assert.ok(figures.rates.peak > 0);
      assert.ok(
        figures.rates.peak <= BUDGET + BURST / figures.rates.windowSeconds + 1e-9,
        `peak ${figures.rates.peak} req/s`,
      );
      assert.ok(figures.rates.meanMax <= BUDGET + BURST / figures.allReplicationSeconds, `${figures.rates.meanMax}`);
      assert.ok(figures.workerPeakRssMiB > 50);
      assert.equal(figures.bulk.members, 3);
      assert.equal(figures.bulk.counts.accepted, 3);
      assert.equal(figures.bulk.refusals, 0);
      assert.equal(figures.bulk.notClosed, 0);
      assert.ok(Number.isFinite(figures.bulk.memberP95) && figures.bulk.memberP95 > 0);
      assert.equal(figures.baseline.calls, 2);
      assert.equal(figures.baseline.failedCalls, 0);
      assert.ok(figures.baseline.perCallSeconds > 0 && figures.baseline.allReplicationSeconds > 0);

      const table = await readFile(out, 'utf8');
      assert.match(table, /^# npm run bench:rollout -- --size 12 /m);
      assert.match(table, /^\| wave 3 middle \(3\): to REPLICATION \(s\) \| [\d.]+ /m);
      assert.match(table, /measured at 2; 12 extrapolated: \d+ s/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
