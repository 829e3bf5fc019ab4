// `wait`'s exit code: 3 whenever the migration ended without everything arriving — a verification mismatch, or an
// outgoing backfill that finished with failed tables — and 0 for a clean end or a verification that could not run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MISMATCH_EXIT_CODE, waitExitCode } from '../../src/cli/verification';
import type { BackfillOutcome } from '../../src/migration/backfill';
import type { Verification } from '../../src/migration/verification';

function outcome(overrides: Partial<BackfillOutcome> = {}): BackfillOutcome {
  return {
    state: 'SUCCEEDED',
    dryRun: false,
    summarized: true,
    databases: 2,
    tablesPlanned: { CREATE: 3 },
    tablesByResult: { SUCCEEDED: 3 },
    partitions: { discovered: 2, succeeded: 2, failed: 0 },
    failedDatabases: [],
    failedTables: [],
    reportRead: true,
    unknown: [],
    ...overrides,
  };
}

const at = '2026-12-05T00:00:00.000Z';
const ok: Verification = { status: 'ok', ok: true, checkedAt: at };
const skipped: Verification = { status: 'skipped', ok: false, checkedAt: at, note: 'no endpoint' };
const mismatch: Verification = { status: 'mismatch', ok: false, checkedAt: at };

describe('wait exit code', () => {
  it('0 for a clean backfill, verified or not; a verification that could not run is no failure', () => {
    assert.equal(waitExitCode({ backfill: outcome(), verification: ok }), 0);
    assert.equal(waitExitCode({ backfill: outcome() }), 0);
    assert.equal(waitExitCode({ backfill: outcome(), verification: skipped }), 0);
    assert.equal(waitExitCode({}), 0, 'an incoming migration without verification');
  });

  it('3 for failed tables (even with the verification ok: what failed was never expected there) and for a mismatch', () => {
    const partial = outcome({
      tablesByResult: { SUCCEEDED: 1, FAILED: 2 },
      failedDatabases: ['sales', 'web'],
      failedTables: [
        { catalog: 'c', database: 'sales', table: 'orders', errorMessage: 'boom' },
        { catalog: 'c', database: 'web', table: 'clicks', errorMessage: 'boom' },
      ],
    });
    assert.equal(MISMATCH_EXIT_CODE, 3);
    assert.equal(waitExitCode({ backfill: partial, verification: ok }), 3);
    assert.equal(waitExitCode({ backfill: partial }), 3);
    // Failed partitions only (the report not read): still lost data.
    assert.equal(waitExitCode({ backfill: outcome({ partitions: { discovered: 2, succeeded: 1, failed: 1 } }) }), 3);
    assert.equal(waitExitCode({ backfill: outcome(), verification: mismatch }), 3);
    assert.equal(waitExitCode({ verification: mismatch }), 3);
  });

  it('0 for a dry run whatever its results: it writes nothing, so nothing was lost', () => {
    assert.equal(waitExitCode({ backfill: outcome({ dryRun: true, tablesByResult: { FAILED: 1 } }) }), 0);
  });
});
