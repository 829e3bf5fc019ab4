import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Action,
  type MigrationState,
  type Stage,
  enterStage,
  externalEnding,
  initialState,
  recordDecision,
} from '../../src/migration/state';
import { type ExecutionSnapshot, type MigrationSnapshot, snapshotChanged } from '../../src/migration/snapshot';
import { type ServiceFacts, sameScheduledBackup } from '../../src/migration/service';
import { serviceProblems as precheckProblems } from '../../src/migration/kinds';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T00:01:00.000Z';
const EXECUTION = 'projects/p/locations/l/services/s/migrationExecutions/e1';

function facts(overrides: Partial<ServiceFacts> = {}): ServiceFacts {
  return {
    name: 'projects/p/locations/l/services/s',
    state: 'ACTIVE',
    databaseType: 'SPANNER',
    hiveVersion: '3.1.2',
    scheduledBackup: { enabled: true, cronSchedule: '0 3 * * *' },
    activeExecutions: [],
    ...overrides,
  };
}

function stateAt(stage: Stage): MigrationState {
  const state = initialState(T0, { disableBackups: 'a', start: 'b', restoreBackups: 'c' });
  enterStage(state, stage, T0);
  return state;
}

const ask = (state: MigrationState, action: Action, at = T1) => recordDecision(state, { action, at, via: 'signal' });

function snapshot(
  execution?: Partial<ExecutionSnapshot>,
  overrides: Partial<MigrationSnapshot> = {},
): MigrationSnapshot {
  return {
    polledAt: T0,
    serviceFound: true,
    serviceState: 'MIGRATING',
    execution: execution && { name: EXECUTION, state: 'RUNNING', phase: 'REPLICATION', ...execution },
    ...overrides,
  };
}

describe('precheckProblems', () => {
  it('finds none for an ACTIVE SPANNER service with no migration in flight', () => {
    assert.deepEqual(precheckProblems(facts()), []);
  });

  it('reports a service that is not ACTIVE, including an unknown state', () => {
    assert.equal(precheckProblems(facts({ state: 'MIGRATING' })).length, 1);
    assert.equal(precheckProblems(facts({ state: undefined })).length, 1);
  });

  it('reports a database type other than SPANNER, including an unset one', () => {
    assert.equal(precheckProblems(facts({ databaseType: 'MYSQL' })).length, 1);
    assert.equal(precheckProblems(facts({ databaseType: undefined })).length, 1);
  });

  it('reports executions already in flight, by name', () => {
    const problems = precheckProblems(facts({ activeExecutions: [EXECUTION] }));
    assert.equal(problems.length, 1);
    assert.ok(problems[0]?.includes(EXECUTION));
  });

  it('reports every problem at once', () => {
    const all = facts({ state: 'UPDATING', databaseType: 'MYSQL', activeExecutions: [EXECUTION] });
    assert.equal(precheckProblems(all).length, 3);
  });
});

describe('recordDecision', () => {
  it('accepts a first complete or cancel while replicating and records who asked', () => {
    for (const action of ['complete', 'cancel'] as const) {
      const state = stateAt('REPLICATION');
      const record = recordDecision(state, { action, by: 'alice', reason: 'ready', at: T1, via: 'signal' });
      assert.equal(record.accepted, true);
      assert.equal(record.note, undefined);
      assert.deepEqual(state.decision, record);
      assert.deepEqual(state.requests, [record]);
      assert.equal(state.updatedAt, T1);
    }
  });

  it('accepts a cancel before the migration has started replicating', () => {
    for (const stage of ['PRECHECK', 'DISABLING_BACKUPS', 'STARTING'] as const) {
      assert.equal(ask(stateAt(stage), 'cancel').accepted, true, stage);
    }
  });

  it('lets a cancel override a complete that has not been sent yet', () => {
    const state = stateAt('REPLICATION');
    ask(state, 'complete');
    const cancel = ask(state, 'cancel');
    assert.equal(cancel.accepted, true);
    assert.equal(state.decision?.action, 'cancel');
    assert.equal(state.requests.length, 2);
  });

  it('refuses a complete after a cancel and keeps the cancel', () => {
    const state = stateAt('REPLICATION');
    ask(state, 'cancel');
    const complete = ask(state, 'complete');
    assert.equal(complete.accepted, false);
    assert.ok(complete.note);
    assert.equal(state.decision?.action, 'cancel');
    assert.deepEqual(
      state.requests.map((r) => [r.action, r.accepted]),
      [
        ['cancel', true],
        ['complete', false],
      ],
    );
  });

  it('refuses a duplicate of the pending decision', () => {
    for (const action of ['complete', 'cancel'] as const) {
      const state = stateAt('REPLICATION');
      const first = ask(state, action);
      const again = ask(state, action, '2025-01-01T00:02:00.000Z');
      assert.equal(again.accepted, false);
      assert.ok(again.note);
      assert.equal(state.decision, first, 'the first request stays the decision');
      assert.equal(state.updatedAt, '2025-01-01T00:02:00.000Z', 'the refusal is recorded too');
    }
  });

  it('accepts nothing once cutover or cancellation is under way', () => {
    for (const stage of ['COMPLETING', 'CANCELLING'] as const) {
      for (const action of ['complete', 'cancel'] as const) {
        const state = stateAt(stage);
        const record = ask(state, action);
        assert.equal(record.accepted, false, `${action} in ${stage}`);
        assert.equal(state.decision, undefined);
        assert.deepEqual(state.requests, [record]);
      }
    }
  });

  it('accepts nothing after the migration has ended', () => {
    const ended: MigrationState[] = [stateAt('RESTORING_BACKUPS'), stateAt('DONE')];
    const withOutcome = stateAt('REPLICATION');
    withOutcome.outcome = 'FAILED';
    ended.push(withOutcome);
    for (const state of ended) {
      for (const action of ['complete', 'cancel'] as const) {
        assert.equal(ask(state, action).accepted, false, `${action} in ${state.stage}/${state.outcome}`);
      }
      assert.equal(state.decision, undefined);
    }
  });
});

describe('externalEnding', () => {
  it('ends FAILED with the execution state message', () => {
    const ending = externalEnding(snapshot({ state: 'FAILED', stateMessage: 'binlog purged' }));
    assert.equal(ending?.outcome, 'FAILED');
    assert.match(ending?.message ?? '', /binlog purged/);
  });

  it('ends CANCELLED and SUCCEEDED when that happened outside the workflow', () => {
    assert.equal(externalEnding(snapshot({ state: 'CANCELLED' }))?.outcome, 'CANCELLED');
    assert.equal(externalEnding(snapshot({ state: 'SUCCEEDED', phase: 'CUTOVER' }))?.outcome, 'SUCCEEDED');
  });

  it('ends SERVICE_GONE when the service no longer exists', () => {
    assert.equal(externalEnding(snapshot(undefined, { serviceFound: false }))?.outcome, 'SERVICE_GONE');
  });

  it('is not an ending while the execution is in flight, CANCELLING included, or unknown', () => {
    for (const state of ['STARTING', 'RUNNING', 'CANCELLING', 'AWAITING_USER_ACTION'] as const) {
      assert.equal(externalEnding(snapshot({ state })), undefined, state);
    }
    assert.equal(externalEnding(snapshot({ phase: 'CUTOVER' })), undefined);
    assert.equal(externalEnding(snapshot(undefined)), undefined);
  });
});

describe('snapshotChanged', () => {
  it('treats the first snapshot as a change', () => {
    assert.equal(snapshotChanged(undefined, snapshot({})), true);
  });

  it('ignores a new poll time alone', () => {
    assert.equal(snapshotChanged(snapshot({}), snapshot({}, { polledAt: T1 })), false);
    assert.equal(snapshotChanged(snapshot({}), snapshot({ createTime: T1 })), false);
  });

  it('reports a change of service presence or state', () => {
    assert.equal(snapshotChanged(snapshot({}), snapshot({}, { serviceFound: false })), true);
    assert.equal(snapshotChanged(snapshot({}), snapshot({}, { serviceState: 'ACTIVE' })), true);
  });

  it('reports a change of execution name, state, phase or message, and an execution appearing', () => {
    const before = snapshot({});
    assert.equal(snapshotChanged(before, snapshot({ name: `${EXECUTION}-2` })), true);
    assert.equal(snapshotChanged(before, snapshot({ state: 'FAILED' })), true);
    assert.equal(snapshotChanged(before, snapshot({ phase: 'CUTOVER' })), true);
    assert.equal(snapshotChanged(before, snapshot({ stateMessage: 'waiting on the network' })), true);
    assert.equal(snapshotChanged(snapshot(undefined), before), true);
  });
});

describe('sameScheduledBackup', () => {
  const saved = { enabled: true, cronSchedule: '0 3 * * *', timeZone: 'UTC', backupLocation: 'gs://b/hms' };

  it('matches an identical setting, and treats unset and empty strings alike', () => {
    assert.equal(sameScheduledBackup(saved, { ...saved }), true);
    assert.equal(sameScheduledBackup({ enabled: false }, { enabled: false, cronSchedule: '', timeZone: '' }), true);
  });

  it('tells apart a difference in any of the four fields', () => {
    assert.equal(sameScheduledBackup(saved, { ...saved, enabled: false }), false);
    assert.equal(sameScheduledBackup(saved, { ...saved, cronSchedule: '0 4 * * *' }), false);
    assert.equal(sameScheduledBackup(saved, { ...saved, timeZone: 'Europe/Berlin' }), false);
    assert.equal(sameScheduledBackup(saved, { ...saved, backupLocation: undefined }), false);
  });
});
