// The worker's workflow bundle is built by a child node: it must get the loader flags (tsx) and nothing that
// would run the parent's own code again (`node -e …` starting a worker would otherwise respawn itself).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loaderArgs } from '../../src/runtime/workflow-bundle';

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
