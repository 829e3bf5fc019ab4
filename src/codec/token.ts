// Where the codec server's token comes from: a file (METASTORE_MIGRATOR_CODEC_SERVER_TOKEN_FILE, e.g. a Docker or
// Kubernetes secret) or the environment (METASTORE_MIGRATOR_CODEC_SERVER_TOKEN) — never argv, which every local
// user can read in the process list. Without either, the server does not start unless its operator says
// --no-auth-for-local-dev.
import { readFileSync } from 'node:fs';
import { registerSecret } from '../secrets/redact';
import type { CodecServerAuth } from './codec-server';
import { TOKEN_PATTERN } from './codec-server';

export const TOKEN_VARIABLE = 'METASTORE_MIGRATOR_CODEC_SERVER_TOKEN';
export const TOKEN_FILE_VARIABLE = 'METASTORE_MIGRATOR_CODEC_SERVER_TOKEN_FILE';
const MAX_TOKEN_FILE_BYTES = 4096;

export function codecServerAuth(
  env: NodeJS.ProcessEnv,
  noAuthForLocalDev: boolean,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): CodecServerAuth {
  const file = env[TOKEN_FILE_VARIABLE] || undefined;
  const inline = env[TOKEN_VARIABLE] || undefined;
  if (file !== undefined && inline !== undefined)
    throw new Error(`set ${TOKEN_VARIABLE} or ${TOKEN_FILE_VARIABLE}, not both`);
  if (noAuthForLocalDev) {
    if (file !== undefined || inline !== undefined) {
      throw new Error(`--no-auth-for-local-dev and a token (${TOKEN_VARIABLE}/${TOKEN_FILE_VARIABLE}) contradict`);
    }
    return { noAuthForLocalDev: true };
  }
  if (file === undefined && inline === undefined) {
    throw new Error(
      `no token: set ${TOKEN_FILE_VARIABLE} (a file holding it) or ${TOKEN_VARIABLE}; ` +
        'for local development on loopback only, --no-auth-for-local-dev',
    );
  }
  const token = file === undefined ? inline! : readTokenFile(file, readFile);
  // Whatever quotes it by accident (an error, a log line) shows [REDACTED] instead.
  registerSecret(token);
  if (!TOKEN_PATTERN.test(token)) {
    throw new Error(
      `the token in ${file === undefined ? TOKEN_VARIABLE : TOKEN_FILE_VARIABLE} must be 32-1024 printable ASCII ` +
        'characters without spaces (openssl rand -hex 32)',
    );
  }
  return { token };
}

/** The file's content without its trailing newline (what `openssl rand -hex 32 > file` writes). */
function readTokenFile(path: string, readFile: (path: string) => Buffer): string {
  let content: Buffer;
  try {
    content = readFile(path);
  } catch (err) {
    throw new Error(`${TOKEN_FILE_VARIABLE}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (content.length > MAX_TOKEN_FILE_BYTES) throw new Error(`${TOKEN_FILE_VARIABLE}: ${path} is over 4 KiB`);
  return content.toString('utf8').replace(/\r?\n$/, '');
}
