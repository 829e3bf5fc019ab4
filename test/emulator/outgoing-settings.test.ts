// The outgoing kind's undocumented choices: flags, a scenario's `outgoing`, the admin API, and their defaults.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlagError, parseFlags } from '../../src/emulator/cli-flags';
import { admin, startEmulator } from '../helpers/emulator';

describe('outgoing settings', () => {
  it('parses the three flags and refuses bad values', () => {
    const { options } = parseFlags([
      '--rollback-window-ms',
      '0',
      '--hive-only-backfill-ends-in',
      'PROXY',
      '--cancel-leaves-written',
      'revert',
    ]);
    assert.deepEqual(options.outgoing, {
      rollbackWindowMs: 0,
      hiveOnlyBackfillEndsIn: 'PROXY',
      cancelLeavesWritten: 'revert',
    });
    assert.equal(parseFlags([]).options.outgoing, undefined);
    assert.throws(() => parseFlags(['--hive-only-backfill-ends-in', 'proxy']), FlagError);
    assert.throws(() => parseFlags(['--rollback-window-ms', '-1']), FlagError);
  });

  it('defaults, a scenario, options over the scenario, admin changes and a reset to the start-up ones', async () => {
    const plain = await startEmulator();
    try {
      assert.deepEqual(await admin(plain, 'outgoing-settings'), {
        hiveOnlyBackfillEndsIn: 'ACTIVE',
        cancelLeavesWritten: 'keep',
        rollbackWindowMs: 604_800_000,
      });
    } finally {
      await plain.close();
    }
    const emulator = await startEmulator({
      scenario: { outgoing: { rollbackWindowMs: 1000, cancelLeavesWritten: 'revert' } },
      outgoing: { rollbackWindowMs: 5000 },
    });
    try {
      const startUp = { hiveOnlyBackfillEndsIn: 'ACTIVE', cancelLeavesWritten: 'revert', rollbackWindowMs: 5000 };
      assert.deepEqual(await admin(emulator, 'outgoing-settings'), startUp);
      const changed = await admin(emulator, 'outgoing-settings', { hiveOnlyBackfillEndsIn: 'PROXY' });
      assert.equal(changed.hiveOnlyBackfillEndsIn, 'PROXY');
      assert.deepEqual(await admin(emulator, 'outgoing-settings', undefined, 'DELETE'), startUp);
      await assert.rejects(admin(emulator, 'outgoing-settings', { rollbackWindowMs: -1 }), /400/);
    } finally {
      await emulator.close();
    }
  });
});
