// complete (and rollback) on a real terminal (a pty): it says what will happen and asks y/N; `n` declines with exit 1 and asks
// nothing of the workflow; --yes skips the question. The CLI asks after it has found a worker (a question whose
// yes could not be acted on helps nobody), so the migration runs on the real stack (dev server, emulator, worker).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type E2e, startE2e } from '../helpers/e2e';
import { SOURCE_NOT_REACHED_FLAGS, waitFor } from '../helpers/migration';
import { cliOnPty } from '../helpers/pty';

let e2e: E2e;
let service: string;

before(async () => {
  e2e = await startE2e('confirm');
  await e2e.stack.startWorker();
  service = await e2e.stack.seedService();
  const started = await e2e.start(service);
  assert.equal(started.code, 0, started.stderr);
  await waitFor('REPLICATION', async () => {
    const status = await e2e.stack.cli('status', '--service', service, '--json');
    return status.code === 0 && (JSON.parse(status.stdout) as { stage: string }).stage === 'REPLICATION';
  });
});
after(async () => {
  await e2e?.close();
});

/** The decisions the workflow recorded (complete/cancel requests). */
async function requests(): Promise<{ by: string }[]> {
  const status = await e2e.stack.cli('status', '--service', service, '--json');
  assert.equal(status.code, 0, status.stderr);
  return (JSON.parse(status.stdout) as { requests: { by: string }[] }).requests;
}

// Before complete's tests, while the migration still runs: rollback asked of a migration of the incoming kind, whose
// workflow has no requestRollback handler.
describe('rollback', { timeout: 120_000 }, () => {
  it('asks y/N on a terminal, saying the service serves from DPMS again; n declines and sends nothing', async () => {
    const run = cliOnPty(e2e.stack.env, ['rollback', '--service', service, '--by', 'heidi']);
    const shown = await run.waitForOutput(/Proceed with rollback\? \[y\/N\] /);
    assert.match(shown, new RegExp(`rollback ${service}: .*back to ACTIVE.*serves from Dataproc Metastore again`, 's'));
    run.type('n\r');
    assert.equal(await run.exited, 1, run.output());
    assert.match(run.output(), /NotConfirmed: rollback not confirmed; nothing was asked of the workflow/);
  });

  it('of a migration of the incoming kind: refused with the reason (exit 1), nothing recorded', async () => {
    // Not a terminal: nothing is asked, --yes or not. Every release with rollback has its handler, so the workflow
    // answers with why (a workflow of an older release, without the handler, gives NoRollback).
    const run = await e2e.stack.cli('rollback', '--service', service, '--reason', 'drill');
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /^Refused: a rollback is possible only in the rollback window, after an outgoing migration SUCCEEDED; the migration is in REPLICATION/,
    );
    const json = await e2e.stack.cli('rollback', '--service', service, '--yes', '--json');
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stderr) as { error: { type: string } }).error.type, 'Refused');
    assert.deepEqual(await requests(), [], 'no request reached the workflow');
    const status = await e2e.stack.cli('status', '--service', service, '--json');
    assert.equal((JSON.parse(status.stdout) as { stage: string }).stage, 'REPLICATION', 'the migration runs on');
  });
});

// A CLI that never asks would leave the first test waiting for the prompt: fail instead of hanging.
describe('complete on a terminal', { timeout: 120_000 }, () => {
  it('asks y/N, saying a cutover cannot be undone; n declines with exit 1 and sends nothing', async () => {
    const run = cliOnPty(e2e.stack.env, [
      'complete',
      '--service',
      service,
      '--by',
      'frank',
      ...SOURCE_NOT_REACHED_FLAGS,
    ]);
    // No end anchor: on a terminal readline may follow the prompt with cursor escapes.
    const shown = await run.waitForOutput(/Proceed with complete\? \[y\/N\] /);
    assert.match(shown, new RegExp(`complete ${service}: .*A cutover cannot be undone\\.`, 's'));
    run.type('n\r');
    assert.equal(await run.exited, 1, run.output());
    assert.match(run.output(), /NotConfirmed: complete not confirmed; nothing was asked of the workflow/);
    assert.doesNotMatch(run.output(), /complete accepted/);
    assert.deepEqual(await requests(), [], 'no request reached the workflow');
  });

  it('--yes on a terminal asks nothing and goes through', async () => {
    const run = cliOnPty(e2e.stack.env, [
      ...['complete', '--service', service, '--by', 'grace', '--yes'],
      ...SOURCE_NOT_REACHED_FLAGS,
    ]);
    assert.equal(await run.exited, 0, run.output());
    assert.doesNotMatch(run.output(), /\[y\/N\]/);
    assert.match(run.output(), /complete accepted for migration\/\S+ by grace/);
    assert.deepEqual(
      (await requests()).map((request) => request.by),
      ['grace'],
    );
  });
});
