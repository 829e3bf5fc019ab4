// `npm run codec-server -- [--port 8888] [--host 127.0.0.1] [--cors-origin URL]… [--require-token] [--allow-encode]
// [--allowed-host host:port]…`: serves /decode (and /encode with --allow-encode) with the keys of
// METASTORE_MIGRATOR_CODEC_KEYS until SIGINT/SIGTERM. With --require-token, callers must send `Authorization: Bearer
// $METASTORE_MIGRATOR_CODEC_SERVER_TOKEN` (read from the environment, so the token is not in the process list).
// Requests addressed to another Host (--allowed-host adds names) or sent from an unlisted origin are refused.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { redact } from '../secrets/redact';
import { AesGcmCodec } from './aes-gcm-codec';
import { startCodecServer } from './codec-server';

const USAGE =
  'usage: npm run codec-server -- [--port 8888] [--host 127.0.0.1] [--cors-origin http://127.0.0.1:8233]… ' +
  '[--require-token] [--allow-encode] [--allowed-host host:port]…';
const TOKEN_VARIABLE = 'METASTORE_MIGRATOR_CODEC_SERVER_TOKEN';

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '8888' },
      host: { type: 'string', default: '127.0.0.1' },
      'cors-origin': { type: 'string', multiple: true, default: [] },
      'require-token': { type: 'boolean', default: false },
      'allow-encode': { type: 'boolean', default: false },
      'allowed-host': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  for (const origin of values['cors-origin']) {
    // The browser sends exactly scheme://host:port; a path or trailing slash would never match.
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new Error(`--cors-origin must be scheme://host[:port]: ${origin}`);
  }
  return { ...values, port };
}

async function main(): Promise<void> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    console.error(`codec server: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const { codec: keyring } = loadConfig();
  if (keyring === undefined)
    throw new Error('METASTORE_MIGRATOR_CODEC_KEYS is not set: there is nothing to decode with');
  const token = process.env[TOKEN_VARIABLE];
  if (flags['require-token'] && !token) throw new Error(`--require-token needs ${TOKEN_VARIABLE} in the environment`);
  const server = await startCodecServer({
    codec: new AesGcmCodec(keyring),
    port: flags.port,
    host: flags.host,
    corsOrigins: flags['cors-origin'],
    token: flags['require-token'] ? token : undefined,
    encode: flags['allow-encode'],
    ...(flags['allowed-host'] && { allowedHosts: flags['allowed-host'] }),
  });
  console.log(
    `codec server listening on ${server.url} (keys ${keyring.keys.map((k) => k.id).join(', ')}; encodes with ` +
      `${keyring.encryptionKeyId}; CORS ${flags['cors-origin'].join(', ') || 'off'}; ` +
      `token ${flags['require-token'] ? 'required' : 'not required'}; ` +
      `${flags['allow-encode'] ? 'encodes and decodes' : 'decodes only'})`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.close().then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  console.error(redact(`codec server: ${err instanceof Error ? err.message : String(err)}`));
  process.exit(1);
});
