// The reduced chaos run (npm run chaos at CI size): ten migrations through worker SIGKILLs, a dev server restart,
// 429s, 503s and hanging requests, outside failures and cancels, and decisions through the CLI. The run itself
// checks every migration against the emulator and exits non-zero on any loss; this also reads its figures.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { requiresOwnTemporal } from '../helpers/temporal';

const root = join(__dirname, '..', '..');

interface ChaosFigures {
  migrations: number;
  expectedEndPercent: number;
  duplicateExecutions: number;
  backupsRestoredPercent: number;
  decisionsAccepted: number;
  acceptedDecisionsLost: number;
  workerKills: number;
  serverRestarts: number;
  apiCallsAbsorbed: number;
  settled: boolean;
}

function runChaos(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/chaos.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const ownTemporal = requiresOwnTemporal('the chaos run restarts its own dev server mid-run');

describe('chaos run (reduced)', { skip: ownTemporal }, () => {
  it('loses nothing: every migration at its expected end, no duplicate, backups restored', async () => {
    const run = await runChaos([
      '--migrations',
      '10',
      '--seed',
      '20261201',
      '--decision-from',
      '25',
      '--decision-window',
      '30',
      // More often than the full run's 10-30 s: the reduced run's chaos lasts about a minute.
      '--kill-every',
      '8-15',
      '--settle-minutes',
      '8',
    ]);
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    assert.ok(
      last.startsWith('{"chaos":'),
      `no JSON line; stdout:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`,
    );
    const figures = (JSON.parse(last) as { chaos: ChaosFigures }).chaos;
    assert.equal(run.code, 0, run.stdout.slice(-3000));
    assert.equal(figures.migrations, 10);
    assert.equal(figures.expectedEndPercent, 100);
    assert.equal(figures.duplicateExecutions, 0);
    assert.equal(figures.backupsRestoredPercent, 100);
    assert.equal(figures.acceptedDecisionsLost, 0);
    assert.equal(figures.decisionsAccepted, 8, 'six completes and two cancels');
    assert.equal(figures.serverRestarts, 1);
    assert.ok(figures.workerKills >= 2, `${figures.workerKills} worker kills`);
    assert.ok(figures.apiCallsAbsorbed > 0, 'faults fired and were absorbed');
    assert.ok(figures.settled);
  });
});
