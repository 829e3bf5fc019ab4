// The workflow with the payload codec on worker and client, as worker.ts and client.ts wire it: the run behaves
// the same, and what the server stores is ciphertext. (test/e2e/secrets.test.ts does the same with processes.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { AesGcmCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/codec';
import { SECRET_ENV, COMPLETE_UNREACHED } from '../helpers/migration';
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
