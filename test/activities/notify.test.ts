// The notify activity against a real local receiver: JSON and chat bodies with the event id as Idempotency-Key,
// a URL from a secret reference, the worker's own targets, and retries that post only where it failed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createNotifyActivities } from '../../src/activities/notify';
import { createSecretResolver } from '../../src/secrets/resolver';
import type { NotificationEvent } from '../../src/migration/notifications';
import { type Receiver, startReceiver } from '../helpers/receiver';

let receiver: Receiver;
before(async () => (receiver = await startReceiver()));
after(() => receiver.close());

const event = (id: string): NotificationEvent => ({
  id,
  kind: 'stage',
  migration: 'migration/projects/p/locations/us-central1/services/s1',
  service: 'projects/p/locations/us-central1/services/s1',
  stage: 'REPLICATION',
  executionState: 'RUNNING',
  phase: 'REPLICATION',
  message: 'stage REPLICATION',
  time: '2026-12-01T12:00:00.000Z',
});

function run(
  args: { event: NotificationEvent; targets: string[] },
  heartbeatDetails?: number[],
  defaults: string[] = [],
) {
  const env = new MockActivityEnvironment({ heartbeatDetails }, { logger: new DefaultLogger('ERROR') });
  const beats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => beats.push(details));
  const secrets = createSecretResolver({ HOOK_URL: `${receiver.url}/secret-hook/T0K3N` }, undefined, {
    env: ['HOOK_URL'],
    projects: [],
  });
  const { notify } = createNotifyActivities({ secrets, notifyDefaults: defaults, notifyTimeoutMs: 2000 });
  return { result: env.run(notify, args), beats };
}

const since = (n: number) => receiver.received.slice(n);

describe('notify activity', () => {
  it('posts the event as JSON and as chat text, with its id as Idempotency-Key, to a URL given by reference', async () => {
    const n = receiver.received.length;
    const { result } = run({ event: event('e-1'), targets: [`${receiver.url}/json`, 'chat:env:HOOK_URL'] });
    assert.deepEqual(await result, { delivered: 2 });
    const [json, chat] = since(n);
    assert.equal(json!.path, '/json');
    assert.equal(json!.idempotencyKey, 'e-1');
    assert.deepEqual(json!.body, event('e-1'));
    assert.equal(chat!.path, '/secret-hook/T0K3N');
    assert.equal(chat!.idempotencyKey, 'e-1');
    assert.deepEqual(chat!.body, {
      text: 'metastore-migrator · s1: stage — stage REPLICATION (stage REPLICATION, execution RUNNING/REPLICATION)',
    });
  });

  it('after a failure posts again only where it failed, and never names the URL', async () => {
    const n = receiver.received.length;
    receiver.failNext(1);
    const first = run({ event: event('e-2'), targets: ['env:HOOK_URL', `${receiver.url}/second`] });
    const err = await first.result.then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApplicationFailure);
    assert.equal(err.type, 'NotificationFailed');
    assert.equal(err.nonRetryable, false, 'a 503 may pass');
    assert.match(err.message, /notification stage \(e-2\) not delivered to target 1: HTTP 503/);
    assert.ok(!err.message.includes('T0K3N'));
    assert.deepEqual(first.beats.at(-1), [1], 'the second target was delivered');
    const retry = run({ event: event('e-2'), targets: ['env:HOOK_URL', `${receiver.url}/second`] }, [1]);
    assert.deepEqual(await retry.result, { delivered: 2 });
    assert.deepEqual(
      since(n).map((r) => `${r.path} ${r.status}`),
      ['/secret-hook/T0K3N 503', '/second 200', '/secret-hook/T0K3N 200'],
    );
  });

  it('gives up at once on a receiver that answers 404, and expands `worker` to the worker’s targets', async () => {
    receiver.failNext(1, 404);
    const gone = await run({ event: event('e-3'), targets: [`${receiver.url}/gone`] }).result.catch((e: unknown) => e);
    assert.ok(gone instanceof ApplicationFailure && gone.nonRetryable);
    const n = receiver.received.length;
    const { result } = run({ event: event('e-4'), targets: ['worker'] }, undefined, [
      `${receiver.url}/a`,
      `chat:${receiver.url}/b`,
    ]);
    assert.deepEqual(await result, { delivered: 2 });
    assert.deepEqual(
      since(n).map((r) => r.path),
      ['/a', '/b'],
    );
  });
});
