// Encrypts every payload with AES-256-GCM before it leaves the worker or the CLI, so Temporal's history holds
// ciphertext only. The whole Payload proto (metadata + data) is encrypted: even the encoding of the original stays
// private. Wire form: metadata { encoding: binary/encrypted, encryption-key-id: <id> }, data = iv | ciphertext | tag.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CodecConfig } from '../config';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12; // GCM's native nonce size; random per payload, so a key may encrypt ~2^32 payloads safely
const TAG_BYTES = 16;
const ProtoPayload = temporal.api.common.v1.Payload;

/** A payload that cannot be decrypted. Messages name key ids, never key material or plaintext. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
}

export class AesGcmCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly encryptionKeyId: string;

  /** Rotation: list the new key beside the old ones and make it `encryptionKeyId`; old payloads still decode. */
  constructor(config: CodecConfig) {
    this.keys = new Map(config.keys.map(({ id, key }) => [id, key]));
    const key = this.keys.get(config.encryptionKeyId);
    if (key === undefined) throw new CodecError(`encryption key id ${config.encryptionKeyId} is not in the keyring`);
    if (key.length !== 32) throw new CodecError(`key ${config.encryptionKeyId} is not 32 bytes`);
    this.encryptionKeyId = config.encryptionKeyId;
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const plaintext = ProtoPayload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.keys.get(this.encryptionKeyId)!, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(this.encryptionKeyId),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    // Payloads written before encryption was switched on (or by a client without keys) pass through.
    if (metadataText(payload, 'encoding') !== ENCRYPTED_ENCODING) return payload;
    const keyId = metadataText(payload, KEY_ID_METADATA);
    if (keyId === undefined) throw new CodecError(`an encrypted payload has no ${KEY_ID_METADATA} metadata`);
    const key = this.keys.get(keyId);
    if (key === undefined) {
      throw new CodecError(
        `a payload is encrypted with key id ${keyId}, which is not among the configured keys (${this.keyIds.join(', ')}); ` +
          `add it to METASTORE_MIGRATOR_CODEC_KEYS`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new CodecError(`an encrypted payload (key id ${keyId}) is truncated`);
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new CodecError(`an encrypted payload (key id ${keyId}) failed authentication: altered, or a different key`);
    }
    return ProtoPayload.decode(plaintext);
  }
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value === undefined || value === null ? undefined : Buffer.from(value).toString('utf8');
}

/** The codec for a configuration, or undefined when encryption is off (no keys in the environment). */
export function createCodec(config: CodecConfig | undefined): AesGcmCodec | undefined {
  return config === undefined ? undefined : new AesGcmCodec(config);
}
