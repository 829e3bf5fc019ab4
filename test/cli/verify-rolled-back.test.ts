// `verify` of an outgoing migration that was rolled back: its own exit code before any other answer, and the
// one-liner says the rollback (and when, if known) before what the targets still hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MISMATCH_EXIT_CODE,
  ROLLED_BACK_EXIT_CODE,
  formatVerification,
  verificationExitCode,
} from '../../src/cli/verification';
import type { Verification } from '../../src/migration/verification';

const execution = 'projects/p/locations/l/services/s/migrationExecutions/m1';
const counts = { databases: 1, tables: 2, partitions: 0, columns: 2, functions: 0 };

function verification(status: Verification['status'], rolledBack?: Verification['rolledBack']): Verification {
  return {
    status,
    ok: status === 'ok',
    checkedAt: '2026-12-05T02:00:00Z',
    ...(status === 'skipped' && { note: 'the service has no endpointUri' }),
    ...(status !== 'skipped' && {
      report: {
        ok: status === 'ok',
        compared: 'lakehouse',
        checkedAt: '2026-12-05T02:00:00Z',
        source: counts,
        dpms: status === 'ok' ? counts : { ...counts, tables: 1 },
        totals: { missing: status === 'ok' ? 0 : 1, extra: 0, differing: 0 },
        differences: status === 'ok' ? [] : [{ kind: 'table', name: 'web.clicks', problem: 'missing' }],
        truncated: false,
      },
    }),
    ...(rolledBack && { rolledBack }),
  };
}

describe('verify of a rolled-back outgoing migration', () => {
  it(`exits ${ROLLED_BACK_EXIT_CODE} whatever the comparison found, never 0`, () => {
    const rolledBack = { execution };
    for (const status of ['ok', 'mismatch', 'skipped'] as const) {
      assert.equal(verificationExitCode(verification(status, rolledBack)), ROLLED_BACK_EXIT_CODE, status);
    }
    assert.notEqual(ROLLED_BACK_EXIT_CODE, MISMATCH_EXIT_CODE);
    assert.equal(verificationExitCode(verification('ok')), 0, 'not rolled back: as before');
    assert.equal(verificationExitCode(verification('mismatch')), MISMATCH_EXIT_CODE);
  });

  it('says the rollback and its time first, then what the targets still hold', () => {
    const text = formatVerification(verification('ok', { execution, at: '2026-12-05T01:00:00Z' }));
    assert.match(
      text,
      new RegExp(
        `^verified {3}ROLLED BACK: migration execution ${execution} was rolled back at 2026-12-05T01:00:00Z; ` +
          'the service serves from DPMS again and the target catalogs are no longer served; ' +
          'what they still hold: verified: the Lakehouse catalogs hold what the backfill moved',
      ),
    );
    const mismatch = formatVerification(verification('mismatch', { execution }));
    assert.match(mismatch, /^verified {3}ROLLED BACK: .* was rolled back; .*what they still hold: MISMATCH: 1 missing/);
    assert.match(mismatch, /missing +table +web\.clicks/);
    const skipped = formatVerification(verification('skipped', { execution }));
    assert.match(skipped, /^verified {3}ROLLED BACK: .*; not verified: the service has no endpointUri$/);
  });
});
