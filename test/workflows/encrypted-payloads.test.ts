// The workflow with the payload codec on worker and client, as worker.ts and client.ts wire it: the run behaves
// the same, and what the server stores is ciphertext. (test/e2e/secrets.test.ts does the same with processes.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { liveWatch } from '../../src/cli/live';
import { AesGcmCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/codec';
import { SECRET_ENV, COMPLETE_UNREACHED, waitFor } from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

const codec = new AesGcmCodec({ keys: [{ id: 'wf-key', key: randomBytes(32) }], encryptionKeyId: 'wf-key' });
let h: Harness;

before(async () => {
  h = await createHarness({ codec });
});
after(async () => {
  await h?.close();
});

describe('managed migration with encrypted payloads', () => {
  it('runs to SUCCEEDED with every history payload encrypted and decodable', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      assert.equal((await h.waitForStage(service, 'REPLICATION')).execution?.phase, 'REPLICATION');
      await handle.signal('complete', { ...COMPLETE_UNREACHED, by: 'erin' });
      assert.equal((await handle.result()).outcome, 'SUCCEEDED');

      // fetchHistory returns payloads as stored: the codec is not applied to them.
      const history = await handle.fetchHistory();
      const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
      const completed = history.events?.at(-1)?.workflowExecutionCompletedEventAttributes?.result?.payloads ?? [];
      assert.equal(input.length, 1);
      assert.equal(completed.length, 1);
      for (const payload of [...input, ...completed]) {
        assert.equal(Buffer.from(payload.metadata?.encoding ?? []).toString(), ENCRYPTED_ENCODING);
        assert.equal(Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString(), 'wf-key');
      }
      const stored = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
      for (const needle of ['env:HIVE_DB_PASSWORD', ...Object.values(SECRET_ENV)]) {
        assert.ok(!stored.includes(needle), `the stored history does not contain ${needle}`);
      }
      const [decoded] = await codec.decode(input);
      assert.match(Buffer.from(decoded?.data ?? []).toString(), /env:HIVE_DB_PASSWORD/);
    });
  });
});

type Failure = temporal.api.failure.v1.IFailure;

/** Every failure in the history, causes included, as stored. */
function storedFailures(history: temporal.api.history.v1.IHistory): Failure[] {
  const found: Failure[] = [];
  const walk = (failure: Failure | null | undefined) => {
    if (!failure) return;
    found.push(failure);
    walk(failure.cause);
  };
  for (const event of history.events ?? []) {
    walk(event.activityTaskFailedEventAttributes?.failure);
    walk(event.workflowExecutionFailedEventAttributes?.failure);
  }
  return found;
}

describe('failure messages with encrypted payloads', () => {
  it('stores failure messages and stack traces encrypted, and the client still reads them', async () => {
    const service = await h.seedService({ databaseType: 'MYSQL' });
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      const err = await handle.result().then(
        () => assert.fail('a MYSQL service fails the precheck'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof WorkflowFailedError);
      // The client decodes: the message the workflow wrote, as before encryption.
      const message = err.cause?.message ?? '';
      assert.match(message, /SPANNER/);

      const history = await handle.fetchHistory();
      const failures = storedFailures(history);
      assert.ok(failures.length >= 1, 'the history holds the failure');
      for (const failure of failures) {
        assert.equal(failure.message, 'Encoded failure');
        assert.equal(failure.stackTrace ?? '', '');
        const encoding = Buffer.from(failure.encodedAttributes?.metadata?.encoding ?? []).toString();
        assert.equal(encoding, ENCRYPTED_ENCODING);
      }
      const stored = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
      assert.ok(!stored.includes(message), 'the failure message is not in the stored history');
      assert.ok(!stored.includes('SPANNER'), 'no part of it either');
    });
  });

  it('shows the pending poll’s last failure decoded in the CLI’s live view', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      const raw = await waitFor('a pending activity with a last failure', async () => {
        const pending = (await handle.describe()).raw.pendingActivities ?? [];
        return pending.find((activity) => activity.lastFailure)?.lastFailure;
      });
      assert.equal(raw?.message, 'Encoded failure', 'stored encoded');
      const live = await liveWatch(handle, [codec]);
      const decoded = live.find((activity) => activity.lastFailure !== undefined)?.lastFailure;
      assert.ok(decoded !== undefined && decoded !== 'Encoded failure', `decoded: ${decoded}`);
      await handle.signal('complete', { ...COMPLETE_UNREACHED, by: 'erin' });
      assert.equal((await handle.result()).outcome, 'SUCCEEDED');
    });
  });
});
