// Notifications end to end: a migration started with --notify posts every stage and its outcome as JSON, the
// worker's own chat target (a webhook URL by reference) gets the same as chat lines, a receiver that fails is
// posted again with the same event id, and no secret reaches a receiver.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SECRET_ENV, SECRET_POLICY_ENV, SOURCE_NOT_REACHED_FLAGS, waitFor } from '../helpers/migration';
import { type Receiver, startReceiver } from '../helpers/receiver';
import { type E2e, startE2e } from '../helpers/e2e';
import type { Stack } from '../helpers/stack';

const HOOK_SECRET = 'B0T-T0KEN-9f2c';

let e2e: E2e;
let stack: Stack;
let receiver: Receiver;

before(async () => {
  receiver = await startReceiver();
  e2e = await startE2e('notify');
  stack = e2e.stack;
});

after(() => Promise.allSettled([e2e?.close(), receiver?.close()]));

interface Event {
  id: string;
  kind: string;
  stage: string;
  outcome?: string;
  message: string;
}

describe('notifications', () => {
  it('posts each stage and the outcome to the migration’s and the worker’s targets, once each by event id', async () => {
    const worker = await stack.startWorker({
      METASTORE_MIGRATOR_NOTIFY_URLS: 'chat:env:TEAM_HOOK',
      METASTORE_MIGRATOR_SECRET_ENV: `${SECRET_POLICY_ENV.METASTORE_MIGRATOR_SECRET_ENV},TEAM_HOOK`,
      TEAM_HOOK: `${receiver.url}/team/${HOOK_SECRET}`,
    });
    receiver.failNext(1); // the first post of all fails, and is posted again
    const service = await stack.seedService();
    const started = await e2e.start(service, '--notify', `${receiver.url}/json`);
    assert.equal(started.code, 0, started.stderr);
    await waitFor('REPLICATION told', async () =>
      receiver.accepted().some((body) => (body as Event).message === 'stage REPLICATION'),
    );
    assert.equal((await stack.cli('complete', '--service', service, ...SOURCE_NOT_REACHED_FLAGS)).code, 0);
    const accepted = (path: string) => receiver.received.filter((r) => r.path === path && r.status === 200);
    const teamPath = `/team/${HOOK_SECRET}`;
    const json = await waitFor('the outcome told to both targets', async () => {
      const events = accepted('/json').map((r) => r.body as Event);
      const told = events.some((e) => e.kind === 'outcome') && accepted(teamPath).length === events.length;
      return told ? events : undefined;
    });
    const ordered = [...json].sort((a, b) => Number(a.id.split('/').at(-1)) - Number(b.id.split('/').at(-1)));
    assert.deepEqual(
      ordered.map((e) =>
        e.kind === 'stage' ? e.message : e.kind === 'verification' ? `${e.kind}` : `${e.kind} ${e.outcome}`,
      ),
      [
        'stage DISABLING_BACKUPS',
        'stage STARTING',
        'stage REPLICATION',
        'stage COMPLETING',
        // The source (127.0.0.1:1) is closed: the reconciliation says it could not compare, and why.
        'verification',
        'stage RESTORING_BACKUPS',
        'outcome SUCCEEDED',
      ],
    );
    assert.match(json.find((e) => e.kind === 'verification')?.message ?? '', /^not verified: /);
    assert.equal(new Set(json.map((e) => e.id)).size, json.length, 'each event accepted once');
    assert.ok(json.every((e) => e.id.startsWith(`migration/${service}/`)));

    const team = accepted(teamPath);
    const lines = team.map((r) => (r.body as { text: string }).text);
    assert.ok(
      lines.some((line) => /^metastore-migrator · .*: outcome — SUCCEEDED/.test(line)),
      lines.join('\n'),
    );
    const failed = receiver.received.find((r) => r.status === 503)!;
    assert.ok(
      receiver.received.some(
        (r) => r.status === 200 && r.idempotencyKey === failed.idempotencyKey && r.path === failed.path,
      ),
      'the failed post was made again with the same event id',
    );
    const everything = JSON.stringify(receiver.received) + worker.output();
    for (const secret of Object.values(SECRET_ENV))
      assert.ok(!everything.includes(secret), 'a password reached a receiver or log');
    assert.ok(!worker.output().includes(HOOK_SECRET), 'the webhook URL in the worker log');
  });
});
