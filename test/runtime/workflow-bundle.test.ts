// The worker's workflow bundle is built by a child node: it must get the loader flags (tsx) and nothing that
// would run the parent's own code again (`node -e …` starting a worker would otherwise respawn itself).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ENCODING_FAILURE_CONVERTER_PATH } from '../../src/codec';
import { bundleCacheDir, loaderArgs, prebuiltWorkflowBundle, sha256 } from '../../src/runtime/workflow-bundle';

describe('loaderArgs', () => {
  it("keeps tsx's --require and --import with their values", () => {
    const argv = ['--require', '/x/preflight.cjs', '--import', 'file:///x/loader.mjs', '--import=tsx'];
    assert.deepEqual(loaderArgs(argv), argv);
  });

  it('drops --eval, --print and other flags', () => {
    assert.deepEqual(loaderArgs(['-e', "require('./dist/worker')", '--max-old-space-size=600', '-r', 'a.js']), [
      '-r',
      'a.js',
    ]);
    assert.deepEqual(loaderArgs(['--print', '1+1', '--inspect']), []);
  });
});

describe('the workflow bundle cache', () => {
  const root = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("lives in the user's own cache directory, never a shared temp directory", () => {
    assert.equal(
      bundleCacheDir({ XDG_CACHE_HOME: '/home/u/.cache' }),
      '/home/u/.cache/metastore-migrator/workflow-bundles',
    );
  });

  it('refuses a cache directory others may write', async () => {
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    await assert.rejects(prebuiltWorkflowBundle(undefined, shared), /is writable by others/);
  });

  it(
    'builds the bundle with its hash, reuses it, and rebuilds one that was altered',
    { timeout: 120_000 },
    async () => {
      const dir = join(root, 'private');
      const built: string[] = [];
      const { codePath } = await prebuiltWorkflowBundle((line) => built.push(line), dir);
      assert.equal(readFileSync(`${codePath}.sha256`, 'utf8'), sha256(readFileSync(codePath)));
      assert.equal(built.length, 1);
      await prebuiltWorkflowBundle((line) => built.push(line), dir);
      assert.equal(built.length, 1, 'a bundle that checks out is reused');
      writeFileSync(codePath, `${readFileSync(codePath, 'utf8')}\nglobalThis.tampered = true;`);
      const again = await prebuiltWorkflowBundle((line) => built.push(line), dir);
      assert.equal(built.length, 2, 'an altered bundle is never loaded: it is built again');
      assert.doesNotMatch(readFileSync(again.codePath, 'utf8'), /tampered/);
    },
  );

  it('builds an encrypting worker’s bundle apart, with its failure converter in it', { timeout: 120_000 }, async () => {
    const dir = join(root, 'converters');
    const plain = await prebuiltWorkflowBundle(undefined, dir);
    const encoding = await prebuiltWorkflowBundle(undefined, dir, ENCODING_FAILURE_CONVERTER_PATH);
    assert.notEqual(encoding.codePath, plain.codePath, 'workers with and without keys may share the cache');
    assert.match(readFileSync(encoding.codePath, 'utf8'), /encodeCommonAttributes: true/);
    assert.doesNotMatch(readFileSync(plain.codePath, 'utf8'), /encodeCommonAttributes: true/);
  });
});
