// `npm run codec-server -- [--port 8888] [--host 127.0.0.1] [--cors-origin URL]… [--allow-encode]
// [--allowed-host host:port]… [--no-auth-for-local-dev]`: serves /decode (and /encode with --allow-encode) with the
// keys of METASTORE_MIGRATOR_CODEC_KEYS until SIGINT/SIGTERM. Callers present the token of
// METASTORE_MIGRATOR_CODEC_SERVER_TOKEN_FILE or METASTORE_MIGRATOR_CODEC_SERVER_TOKEN (./token.ts); without one it
// does not start, unless --no-auth-for-local-dev on a loopback address. Requests addressed to another Host
// (--allowed-host adds names) or sent from an unlisted origin are refused.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { redact } from '../secrets/redact';
import { AesGcmCodec } from './aes-gcm-codec';
import { startCodecServer } from './codec-server';
import { codecServerAuth } from './token';

const USAGE =
  'usage: npm run codec-server -- [--port 8888] [--host 127.0.0.1] [--cors-origin http://127.0.0.1:8233]… ' +
  '[--allow-encode] [--allowed-host host:port]… [--no-auth-for-local-dev]\n' +
  'Token: METASTORE_MIGRATOR_CODEC_SERVER_TOKEN_FILE (a file) or METASTORE_MIGRATOR_CODEC_SERVER_TOKEN; required ' +
  'unless --no-auth-for-local-dev (loopback --host only).';

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '8888' },
      host: { type: 'string', default: '127.0.0.1' },
      'cors-origin': { type: 'string', multiple: true, default: [] },
      'no-auth-for-local-dev': { type: 'boolean', default: false },
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
  const auth = codecServerAuth(process.env, flags['no-auth-for-local-dev']);
  if (!('token' in auth)) {
    console.warn(
      'codec server: WARNING --no-auth-for-local-dev: no token; every local user and process that reaches ' +
        `${flags.host}:${flags.port} can decode this namespace's payloads. Never use it on a shared host.`,
    );
  }
  const server = await startCodecServer({
    codec: new AesGcmCodec(keyring),
    port: flags.port,
    host: flags.host,
    corsOrigins: flags['cors-origin'],
    auth,
    encode: flags['allow-encode'],
    ...(flags['allowed-host'] && { allowedHosts: flags['allowed-host'] }),
  });
  console.log(
    `codec server listening on ${server.url} (keys ${keyring.keys.map((k) => k.id).join(', ')}; encodes with ` +
      `${keyring.encryptionKeyId}; CORS ${flags['cors-origin'].join(', ') || 'off'}; ` +
      `${'token' in auth ? 'token required' : 'NO AUTHENTICATION (local dev)'}; ` +
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
