// The payload codec in isolation: round trips, what the ciphertext does not reveal, key rotation, tampering,
// pass-through of payloads written before encryption, and the environment that configures it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { AesGcmCodec, CodecError, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/codec';
import { ConfigError, loadConfig } from '../../src/config';
import type { CodecKey } from '../../src/config';

const k1: CodecKey = { id: 'k1', key: randomBytes(32) };
const k2: CodecKey = { id: 'k2', key: randomBytes(32) };

const VALUES: unknown[] = [
  { request: { password: 'env:HIVE_DB_PASSWORD', service: 'projects/p/locations/l/services/s' } },
  'a plain string',
  42,
  null,
  undefined,
  new Uint8Array([0, 1, 2, 255]),
  { nested: { list: [1, 'two', { three: true }] } },
];

const toPayloads = (values: unknown[]) => values.map((value) => defaultPayloadConverter.toPayload(value));
const fromPayloads = (payloads: Payload[]) => payloads.map((p) => defaultPayloadConverter.fromPayload(p));
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

async function codecError(promise: Promise<unknown>): Promise<CodecError> {
  const err = await promise.then(
    () => assert.fail('expected a CodecError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof CodecError, `expected CodecError, got ${String(err)}`);
  return err;
}

function assertNoKeyMaterial(message: string, ...keys: CodecKey[]) {
  for (const { key } of keys) {
    assert.ok(!message.includes(key.toString('base64')), 'no base64 key in the message');
    assert.ok(!message.includes(key.toString('hex')), 'no hex key in the message');
  }
}

describe('AesGcmCodec', () => {
  const codec = new AesGcmCodec({ keys: [k1, k2], encryptionKeyId: 'k2' });

  it('round-trips payloads of every kind the converter makes, metadata included', async () => {
    const payloads = toPayloads(VALUES);
    const decoded = await codec.decode(await codec.encode(payloads));
    assert.deepEqual(fromPayloads(decoded), VALUES);
    assert.deepEqual(
      decoded.map((p) => text(p.metadata?.encoding)),
      payloads.map((p) => text(p.metadata?.encoding)),
    );
  });

  it('writes binary/encrypted with the key id, and ciphertext that reveals neither value nor encoding', async () => {
    const [encrypted] = await codec.encode(toPayloads([VALUES[0]]));
    assert.equal(text(encrypted?.metadata?.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(encrypted?.metadata?.[KEY_ID_METADATA]), 'k2');
    assert.deepEqual(Object.keys(encrypted?.metadata ?? {}).sort(), ['encoding', KEY_ID_METADATA]);
    const data = Buffer.from(encrypted?.data ?? []);
    for (const needle of ['env:HIVE_DB_PASSWORD', 'password', 'json/plain', 'services/s']) {
      assert.ok(!data.includes(needle), `ciphertext does not contain ${needle}`);
    }
  });

  it('uses a fresh IV per payload, so equal values encrypt differently', async () => {
    const [a, b] = (await codec.encode(toPayloads(['same', 'same']))).map((p) => Buffer.from(p.data ?? []));
    assert.ok(a && b && !a.subarray(0, 12).equals(b.subarray(0, 12)), 'different IVs');
    assert.ok(!a.equals(b), 'different ciphertexts');
  });

  it('rotates: payloads of the old key still decode after switching to a new one', async () => {
    const before = new AesGcmCodec({ keys: [k1], encryptionKeyId: 'k1' });
    const old = await before.encode(toPayloads(['written under k1']));
    const after = new AesGcmCodec({ keys: [k1, k2], encryptionKeyId: 'k2' });
    const fresh = await after.encode(toPayloads(['written under k2']));
    assert.equal(text(fresh[0]?.metadata?.[KEY_ID_METADATA]), 'k2');
    assert.deepEqual(fromPayloads(await after.decode([...old, ...fresh])), ['written under k1', 'written under k2']);
  });

  it('refuses a payload of an unknown key id, naming the id and no key material', async () => {
    const onlyK1 = new AesGcmCodec({ keys: [k1], encryptionKeyId: 'k1' });
    const err = await codecError(onlyK1.decode(await codec.encode(toPayloads(['x']))));
    assert.match(err.message, /key id k2\b/);
    assert.match(err.message, /METASTORE_MIGRATOR_CODEC_KEYS/);
    assertNoKeyMaterial(err.message, k1, k2);
  });

  it('refuses altered ciphertext, a swapped key id and truncated data', async () => {
    const [encrypted] = await codec.encode(toPayloads(['integrity']));
    const flipped = Buffer.from(encrypted!.data!);
    flipped[20] = (flipped[20] ?? 0) ^ 0x01;
    const tampered = await codecError(codec.decode([{ ...encrypted, data: flipped }]));
    assert.match(tampered.message, /failed authentication/);
    assertNoKeyMaterial(tampered.message, k1, k2);

    const swapped = { ...encrypted, metadata: { ...encrypted!.metadata, [KEY_ID_METADATA]: Buffer.from('k1') } };
    assert.match((await codecError(codec.decode([swapped]))).message, /failed authentication/);

    const truncated = { ...encrypted, data: Buffer.from(encrypted!.data!).subarray(0, 10) };
    assert.match((await codecError(codec.decode([truncated]))).message, /truncated/);
  });

  it('passes unencrypted payloads through, so histories from before encryption still decode', async () => {
    const plain = toPayloads(VALUES);
    assert.deepEqual(await codec.decode(plain), plain);
    const mixed = [...plain.slice(0, 2), ...(await codec.encode(plain.slice(2)))];
    assert.deepEqual(fromPayloads(await codec.decode(mixed)), VALUES);
  });

  it('encodes and decodes an empty list', async () => {
    assert.deepEqual(await codec.encode([]), []);
    assert.deepEqual(await codec.decode([]), []);
  });
});

describe('codec keys from the environment', () => {
  const b64 = (key: CodecKey) => key.key.toString('base64');

  it('is off when no keys are set', () => {
    assert.equal(loadConfig({}).codec, undefined);
    assert.equal(loadConfig({ METASTORE_MIGRATOR_CODEC_KEYS: '' }).codec, undefined);
  });

  it('encodes with the last listed key by default, or the one METASTORE_MIGRATOR_CODEC_KEY_ID names', () => {
    const keys = `k1:${b64(k1)}, k2:${b64(k2)}`;
    const codec = loadConfig({ METASTORE_MIGRATOR_CODEC_KEYS: keys }).codec;
    assert.equal(codec?.encryptionKeyId, 'k2');
    assert.deepEqual(
      codec?.keys.map((k) => [k.id, k.key.equals(k.id === 'k1' ? k1.key : k2.key)]),
      [
        ['k1', true],
        ['k2', true],
      ],
    );
    const pinned = loadConfig({ METASTORE_MIGRATOR_CODEC_KEYS: keys, METASTORE_MIGRATOR_CODEC_KEY_ID: 'k1' });
    assert.equal(pinned.codec?.encryptionKeyId, 'k1');
  });

  it('refuses malformed keys naming the variable and the entry, never the key material', () => {
    const short = randomBytes(16).toString('base64');
    const cases: [string, RegExp][] = [
      [`k1:${short}`, /entry 1 \(key id k1\): the key must be 32 bytes/],
      [`k1:${b64(k1)},k2:not base64!`, /entry 2 \(key id k2\)/],
      [`${b64(k1)}`, /entry 1: expected id:base64key/],
      [`k1:${b64(k1)},k1:${b64(k2)}`, /key id k1 is listed twice/],
      [`bad id:${b64(k1)}`, /entry 1: expected id:base64key/],
    ];
    for (const [value, expected] of cases) {
      const err = configError({ METASTORE_MIGRATOR_CODEC_KEYS: value });
      assert.match(err.message, /^METASTORE_MIGRATOR_CODEC_KEYS: /m, value);
      assert.match(err.message, expected);
      assert.ok(!err.message.includes(short) && !err.message.includes(b64(k1)) && !err.message.includes(b64(k2)));
    }
  });

  it('refuses a key id that is not listed, or one without keys', () => {
    const unknown = configError({
      METASTORE_MIGRATOR_CODEC_KEYS: `k1:${b64(k1)}`,
      METASTORE_MIGRATOR_CODEC_KEY_ID: 'k9',
    });
    assert.match(unknown.message, /^METASTORE_MIGRATOR_CODEC_KEY_ID: k9 is not a key id/m);
    assert.ok(!unknown.message.includes(b64(k1)));
    const alone = configError({ METASTORE_MIGRATOR_CODEC_KEY_ID: 'k1' });
    assert.match(alone.message, /^METASTORE_MIGRATOR_CODEC_KEY_ID: set without METASTORE_MIGRATOR_CODEC_KEYS/m);
  });
});

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the environment to be refused');
}
