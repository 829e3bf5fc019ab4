// The Web UI's summary and current details of a migration, in words a person reads at a glance.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialState } from '../../src/migration/state';
import { migrationDetails, migrationSummary, planSummary, verifySummary } from '../../src/migration/summary';

const service = 'projects/my-project/locations/us-central1/services/orders';

function replicating() {
  const state = initialState('2026-12-01T09:00:00Z', { disableBackups: 'a', start: 'b', restoreBackups: 'c' });
  state.stage = 'REPLICATION';
  state.stageHistory.push({ stage: 'REPLICATION', at: '2026-12-01T09:05:12Z' });
  state.execution = { name: `${service}/migrationExecutions/m1`, state: 'RUNNING', phase: 'REPLICATION' };
  return state;
}

describe('summary and current details', () => {
  it('names the service first, and a plan as a plan', () => {
    assert.equal(migrationSummary(service), 'DPMS migration · orders (my-project, us-central1)');
    assert.match(planSummary(service), /^plan \(prechecks only, changes nothing\) · orders/);
    assert.match(verifySummary(service), /^verify \(DPMS against the source, changes nothing\) · orders/);
    assert.match(
      verifySummary(service, true),
      /^verify \(DPMS against the Lakehouse catalogs, changes nothing\) · orders/,
    );
  });

  it('names the outgoing kind, and in its rollback window until when a rollback is possible', () => {
    assert.equal(migrationSummary(service, true), 'DPMS → Lakehouse migration · orders (my-project, us-central1)');
    const state = replicating();
    state.kind = 'biglakeMetastoreMigrationConfig';
    state.stage = 'ROLLBACK_WINDOW';
    state.stageHistory.push({ stage: 'ROLLBACK_WINDOW', at: '2026-12-01T10:00:00Z' });
    state.execution = { name: `${service}/migrationExecutions/m1`, state: 'SUCCEEDED', backfill: 'SUCCEEDED' };
    state.rollbackWindowEndsAt = '2026-12-04T10:00:00Z';
    assert.equal(
      migrationDetails(state),
      'DPMS → Lakehouse migration · ROLLBACK_WINDOW since 2026-12-01 10:00 UTC · execution SUCCEEDED\n\n' +
        'Rollback possible until 2026-12-04 10:00 UTC (`requestRollback`).',
    );
  });

  it('says the stage, since when, and the execution', () => {
    assert.equal(
      migrationDetails(replicating()),
      'DPMS migration · REPLICATION since 2026-12-01 09:05 UTC · execution RUNNING in REPLICATION',
    );
    const fresh = initialState('2026-12-01T09:00:00Z', { disableBackups: 'a', start: 'b', restoreBackups: 'c' });
    assert.equal(migrationDetails(fresh), 'DPMS migration · PRECHECK since 2026-12-01 09:00 UTC · no execution yet');
  });

  it('says how it ended, and when a person is needed, without the error message', () => {
    const state = replicating();
    state.lastError = { type: 'PERMISSION_DENIED', message: 'secret detail', at: '2026-12-02T10:00:00Z' };
    assert.match(migrationDetails(state), /Needs a person: an API error is unresolved/);
    assert.doesNotMatch(migrationDetails(state), /secret detail/);
    state.outcome = 'CANCELLED';
    state.execution = { ...state.execution!, state: 'CANCELLED' };
    state.stage = 'DONE';
    state.stageHistory.push({ stage: 'DONE', at: '2026-12-03T11:00:00Z' });
    state.backupsDisabled = true;
    assert.equal(
      migrationDetails(state).split('\n')[0],
      'DPMS migration · CANCELLED · ended 2026-12-03 11:00 UTC · execution CANCELLED',
    );
    assert.match(migrationDetails(state), /scheduled backups are still off/);
  });
});
