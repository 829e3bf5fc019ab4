import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyHealth, healthStatus } from '../../src/migration/source-health';
import { initialState } from '../../src/migration/state';

const ids = { disableBackups: 'a', start: 'b', restoreBackups: 'c' };

describe('source health', () => {
  it('starts from the plan and records each change with its time', () => {
    const state = initialState('2026-12-01T00:00:00.000Z', ids);
    state.plan = {
      service: 's',
      ok: true,
      findings: [
        { check: 'cdc.binlogFormat', level: 'ok', message: 'ROW' },
        { check: 'cdc.gtid', level: 'warning', message: 'MariaDB' },
        { check: 'service.state', level: 'ok', message: 'ACTIVE' },
      ],
      overridden: [],
      blocking: [],
    };
    const first = applyHealth(state, {
      checkedAt: '2026-12-01T01:00:00.000Z',
      findings: [
        { check: 'cdc.binlogFormat', level: 'ok', message: 'ROW' },
        { check: 'cdc.gtid', level: 'warning', message: 'MariaDB' },
        { check: 'hive.schemaUnchanged', level: 'ok', message: 'still 3.1.0' },
      ],
    });
    assert.deepEqual(first, [], 'as in the plan, and a new check that is ok, is no change');
    assert.equal(state.sourceHealth?.status, 'WARN');
    const drift = applyHealth(state, {
      checkedAt: '2026-12-01T02:00:00.000Z',
      findings: [
        { check: 'cdc.binlogFormat', level: 'error', message: 'binlog_format is STATEMENT' },
        { check: 'cdc.gtid', level: 'warning', message: 'MariaDB' },
        { check: 'hive.schemaUnchanged', level: 'ok', message: 'still 3.1.0' },
      ],
    });
    assert.deepEqual(drift, [
      {
        check: 'cdc.binlogFormat',
        from: 'ok',
        to: 'error',
        at: '2026-12-01T02:00:00.000Z',
        message: 'binlog_format is STATEMENT',
      },
    ]);
    assert.equal(state.sourceHealth?.status, 'ERROR');
    assert.equal(state.sourceHealth?.changes.length, 1);
  });

  it('is ERROR on an error, WARN on a warning or a skipped check, else OK', () => {
    assert.equal(healthStatus([{ check: 'a', level: 'ok', message: '' }]), 'OK');
    assert.equal(healthStatus([{ check: 'a', level: 'skipped', message: '' }]), 'WARN');
    assert.equal(
      healthStatus([
        { check: 'a', level: 'warning', message: '' },
        { check: 'b', level: 'error', message: '' },
      ]),
      'ERROR',
    );
  });
});
