// The data converter worker.ts and client.ts share: the AES-GCM codec and the failure converter that encodes failure
// messages when keys are configured, else the SDK's default (plain JSON payloads, plain failure messages).
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import type { CodecConfig } from '../config';
import { registerSecret } from '../secrets/redact';
import { AesGcmCodec } from './aes-gcm-codec';

export { AesGcmCodec, CodecError, ENCRYPTED_ENCODING, KEY_ID_METADATA, createCodec } from './aes-gcm-codec';

/**
 * ./failure-converter, resolved like a module so that it names the .ts under tsx and the .js in dist/. The worker's
 * workflow bundle must be built with the same path (workflowBundleOptions) or the sandbox would write plain messages.
 */
export const ENCODING_FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function dataConverterFor(config: CodecConfig | undefined): DataConverter | undefined {
  if (config === undefined) return undefined;
  // Key material never belongs in a log line either, should an error ever quote it.
  for (const { key } of config.keys) registerSecret(key.toString('base64'));
  return encryptingDataConverter(new AesGcmCodec(config));
}

/** A codec's data converter: payloads and failure messages both through it. */
export function encryptingDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: ENCODING_FAILURE_CONVERTER_PATH };
}
