// Where the codec server's token comes from (file or environment, never argv) and the explicit local-dev opt-out.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TOKEN_FILE_VARIABLE, TOKEN_VARIABLE, codecServerAuth } from '../../src/codec/token';

const TOKEN = 'f'.repeat(8) + '0123456789abcdef0123456789abcdef';
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'codec-token-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function refusal(env: NodeJS.ProcessEnv, noAuth = false): Error {
  try {
    codecServerAuth(env, noAuth);
  } catch (err) {
    return err as Error;
  }
  assert.fail('expected the settings to be refused');
}

describe('codec server token', () => {
  it('reads the token from a file without its trailing newline, or from the environment', async () => {
    const file = join(dir, 'token');
    await writeFile(file, `${TOKEN}\n`);
    assert.deepEqual(codecServerAuth({ [TOKEN_FILE_VARIABLE]: file }, false), { token: TOKEN });
    assert.deepEqual(codecServerAuth({ [TOKEN_VARIABLE]: TOKEN }, false), { token: TOKEN });
  });

  it('does not start without a token unless told --no-auth-for-local-dev, which excludes a token', () => {
    assert.match(refusal({}).message, /no token: set .*_FILE.*--no-auth-for-local-dev/);
    assert.match(refusal({ [TOKEN_VARIABLE]: '' }).message, /no token/, 'empty means unset');
    assert.deepEqual(codecServerAuth({}, true), { noAuthForLocalDev: true });
    assert.match(refusal({ [TOKEN_VARIABLE]: TOKEN }, true).message, /contradict/);
  });

  it('refuses both sources, an unreadable file and a weak token, never quoting the token', async () => {
    assert.match(refusal({ [TOKEN_VARIABLE]: TOKEN, [TOKEN_FILE_VARIABLE]: '/x' }).message, /not both/);
    assert.match(refusal({ [TOKEN_FILE_VARIABLE]: join(dir, 'missing') }).message, /cannot read .*ENOENT/);
    const weak = 'weak-but-secret';
    const file = join(dir, 'weak');
    await writeFile(file, weak);
    for (const env of [{ [TOKEN_VARIABLE]: weak }, { [TOKEN_FILE_VARIABLE]: file }]) {
      const err = refusal(env);
      assert.match(err.message, /32-1024 printable ASCII/);
      assert.ok(!err.message.includes(weak));
    }
  });
});
