// The data converter worker.ts and client.ts share: the AES-GCM codec when keys are configured, else the SDK's
// default (plain JSON payloads).
import type { DataConverter } from '@temporalio/common';
import type { CodecConfig } from '../config';
import { registerSecret } from '../secrets/redact';
import { AesGcmCodec } from './aes-gcm-codec';

export { AesGcmCodec, CodecError, ENCRYPTED_ENCODING, KEY_ID_METADATA, createCodec } from './aes-gcm-codec';

export function dataConverterFor(config: CodecConfig | undefined): DataConverter | undefined {
  if (config === undefined) return undefined;
  // Key material never belongs in a log line either, should an error ever quote it.
  for (const { key } of config.keys) registerSecret(key.toString('base64'));
  return { payloadCodecs: [new AesGcmCodec(config)] };
}
