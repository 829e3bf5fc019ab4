// Who is asked before complete/cancel: a person at a terminal, unless --yes; never a script or CI.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consequences, isYes, needsConfirmation } from '../../src/cli/confirm';

describe('confirmation', () => {
  it('asks only when stdin and stdout are both a terminal and --yes is absent', () => {
    for (const [yes, stdinIsTTY, stdoutIsTTY, asked] of [
      [false, true, true, true],
      [true, true, true, false],
      [false, false, true, false],
      [false, true, false, false],
      [false, false, false, false],
    ] as const) {
      assert.equal(needsConfirmation({ yes, stdinIsTTY, stdoutIsTTY }), asked, `${yes} ${stdinIsTTY} ${stdoutIsTTY}`);
    }
  });

  it('takes y or yes as yes; anything else, or nothing, is no', () => {
    for (const answer of ['y', 'Y', 'yes', ' YES ']) assert.equal(isYes(answer), true, answer);
    for (const answer of ['', 'n', 'no', 'yep', undefined]) assert.equal(isYes(answer), false, String(answer));
  });

  it('says what will happen, and that a cutover cannot be undone', () => {
    assert.match(consequences('complete', 'S'), /^complete S: .*cannot be undone/);
    assert.match(consequences('cancel', 'S'), /^cancel S: .*not resumed/);
    assert.match(
      consequences('rollback', 'S'),
      /^rollback S: .*ROLLED_BACK.*ACTIVE.*catalogs keep what the migration wrote/,
    );
  });
});
