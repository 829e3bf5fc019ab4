// `npm run codec-server` as a process: it does not start without a token unless told --no-auth-for-local-dev (and
// then only on loopback, with a warning); with a token file it starts and never prints the token.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnService } from '../../scripts/lib/services';

const root = join(__dirname, '..', '..');
const KEYS = { METASTORE_MIGRATOR_CODEC_KEYS: `k1:${randomBytes(32).toString('base64')}` };
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'codec-main-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function codecServer(args: string[], env: Record<string, string>) {
  return spawnService({
    name: 'codec-server',
    command: process.execPath,
    args: ['--import', 'tsx', 'src/codec/main.ts', '--port', '0', ...args],
    cwd: root,
    env: { PATH: process.env.PATH, ...KEYS, ...env },
  });
}

describe('codec server process', () => {
  it('refuses to start without a token, and without one on a non-loopback address', async () => {
    const bare = codecServer([], {});
    assert.equal(await bare.exited, 1);
    assert.match(bare.output(), /no token: set METASTORE_MIGRATOR_CODEC_SERVER_TOKEN_FILE/);
    const exposed = codecServer(['--no-auth-for-local-dev', '--host', '0.0.0.0'], {});
    assert.equal(await exposed.exited, 1);
    assert.match(exposed.output(), /loopback address only/);
  });

  it('starts with the token of a file, saying so and never printing it; or, told to, without one', async () => {
    const token = randomBytes(32).toString('hex');
    const file = join(dir, 'token');
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    const guarded = codecServer([], { METASTORE_MIGRATOR_CODEC_SERVER_TOKEN_FILE: file });
    try {
      await guarded.waitForOutput(/listening on .*token required/);
      assert.ok(!guarded.output().includes(token));
    } finally {
      await guarded.stop();
    }
    const local = codecServer(['--no-auth-for-local-dev'], {});
    try {
      await local.waitForOutput(/listening on .*NO AUTHENTICATION/);
      assert.match(local.output(), /WARNING --no-auth-for-local-dev/);
    } finally {
      await local.stop();
    }
  });
});
