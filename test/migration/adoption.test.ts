import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adoptedBackups, executionToAdopt, snapshotRefusal, sourceMismatches } from '../../src/migration/adoption';
import type { ServiceFacts } from '../../src/migration/service';
import type { MigrationSnapshot } from '../../src/migration/snapshot';
import { MigrationRequestSchema, formatIssues } from '../../src/schemas';
import { migrationExecutionRequest } from '../helpers/migration';

const SERVICE = 'projects/p/locations/l/services/svc-1';
const EXECUTION = `${SERVICE}/migrationExecutions/e1`;
const SCHEDULE = { cronSchedule: '0 3 * * *', timeZone: 'UTC', backupLocation: 'gs://b/hms' };

function facts(overrides: Partial<ServiceFacts> = {}): ServiceFacts {
  return {
    name: SERVICE,
    state: 'MIGRATING',
    databaseType: 'SPANNER',
    scheduledBackup: { enabled: false, ...SCHEDULE },
    activeExecutions: [EXECUTION],
    ...overrides,
  };
}

function refusalOf(result: object): string {
  assert.ok('refusal' in result, `expected a refusal, got ${JSON.stringify(result)}`);
  return String(result.refusal);
}

describe('executionToAdopt', () => {
  it('takes the one active execution of a MIGRATING service (the named one, when named)', () => {
    assert.deepEqual(executionToAdopt(SERVICE, facts()), { execution: EXECUTION });
    assert.deepEqual(executionToAdopt(SERVICE, facts(), 'e1'), { execution: EXECUTION });
  });

  it('refuses when nothing is active, another one is named, the service is not MIGRATING, or it is not its own', () => {
    assert.match(refusalOf(executionToAdopt(SERVICE, facts({ activeExecutions: [] }))), /nothing to adopt/);
    assert.match(refusalOf(executionToAdopt(SERVICE, facts(), 'e2')), /is .*e1, not e2/);
    assert.match(refusalOf(executionToAdopt(SERVICE, facts({ state: 'ACTIVE' }))), /ACTIVE, not MIGRATING/);
    const foreign = 'projects/p/locations/l/services/other/migrationExecutions/e1';
    assert.match(refusalOf(executionToAdopt(SERVICE, facts({ activeExecutions: [foreign] }))), /nothing to adopt/);
    assert.match(refusalOf(executionToAdopt(SERVICE, facts({ name: `${SERVICE}x` }))), /answered for/);
    const two = facts({ activeExecutions: [EXECUTION, `${SERVICE}/migrationExecutions/e2`] });
    assert.match(refusalOf(executionToAdopt(SERVICE, two)), /more than one/);
  });
});

describe('snapshotRefusal', () => {
  const read = (overrides: Partial<MigrationSnapshot> = {}): MigrationSnapshot => ({
    polledAt: '2026-01-01T00:00:00Z',
    serviceFound: true,
    serviceState: 'MIGRATING',
    execution: { name: EXECUTION, state: 'RUNNING', phase: 'REPLICATION' },
    ...overrides,
  });

  it('accepts an execution in flight, waiting for the user included', () => {
    assert.equal(snapshotRefusal(EXECUTION, read()), undefined);
    const awaiting = read({ execution: { name: EXECUTION, state: 'AWAITING_USER_ACTION' } });
    assert.equal(snapshotRefusal(EXECUTION, awaiting), undefined);
  });

  it('refuses one being cancelled or ended, a failed read, a service gone', () => {
    assert.match(
      snapshotRefusal(EXECUTION, read({ execution: { name: EXECUTION, state: 'CANCELLING' } }))!,
      /CANCELLING/,
    );
    assert.match(
      snapshotRefusal(EXECUTION, read({ execution: { name: EXECUTION, state: 'SUCCEEDED' } }))!,
      /SUCCEEDED/,
    );
    const denied = read({ error: { type: 'PERMISSION_DENIED', message: 'no' } });
    assert.match(snapshotRefusal(EXECUTION, denied)!, /PERMISSION_DENIED/);
    assert.match(snapshotRefusal(EXECUTION, read({ serviceFound: false }))!, /no longer exists/);
  });
});

describe('adoptedBackups', () => {
  it('disables backups found on and restores them as they were', () => {
    const on = { enabled: true, ...SCHEDULE };
    assert.deepEqual(adoptedBackups(on, false), { backups: 'disabled-at-adoption', restore: on });
  });

  it("turns backups found off on at the end only when asked, with the service's own setting", () => {
    assert.deepEqual(adoptedBackups({ enabled: false, ...SCHEDULE }, false), { backups: 'left-off' });
    assert.deepEqual(adoptedBackups({ enabled: false, ...SCHEDULE }, true), {
      backups: 'restore-at-end',
      restore: { enabled: true, ...SCHEDULE },
    });
    assert.match(refusalOf(adoptedBackups({ enabled: false }, true)), /no cronSchedule and backupLocation/);
  });
});

describe('sourceMismatches', () => {
  const config = migrationExecutionRequest().cloudSqlMigrationConfig!;

  it('compares the source fields the API reports, never passwords', () => {
    const running = {
      cloudSqlConnectionConfig: { ...config.cloudSqlConnectionConfig, password: undefined },
      cdcConfig: { username: 'datastream' },
    };
    assert.deepEqual(sourceMismatches(config, running), []);
    assert.deepEqual(sourceMismatches(config, {}), [], 'nothing reported, nothing compared');
  });

  it('names every field that differs', () => {
    const running = {
      cloudSqlConnectionConfig: { ...config.cloudSqlConnectionConfig, hiveDatabaseName: 'hive2' },
      cdcConfig: { username: 'other' },
    };
    assert.deepEqual(sourceMismatches(config, running), [
      'cloudSqlConnectionConfig.hiveDatabaseName is hive2 in the execution, hive in the config',
      'cdcConfig.username is other in the execution, datastream in the config',
    ]);
  });
});

describe('the adopt field of a request', () => {
  const service = 'projects/test-project/locations/us-central1/services/svc-1';
  const request = (adopt: unknown) => ({ service, migrationExecution: migrationExecutionRequest(), adopt });

  it('defaults restoreBackups to false and keeps who and why', () => {
    const parsed = MigrationRequestSchema.parse(request({ by: 'bob', reason: 'terminated run' }));
    assert.deepEqual(parsed.adopt, { restoreBackups: false, by: 'bob', reason: 'terminated run' });
  });

  it('is strict: unknown fields and wrong types are refused, naming the field', () => {
    const unknown = MigrationRequestSchema.safeParse(request({ backupLocation: 'gs://elsewhere' }));
    assert.ok(!unknown.success);
    assert.match(formatIssues(unknown.error), /^adopt: /m);
    const wrong = MigrationRequestSchema.safeParse(request({ restoreBackups: 'yes' }));
    assert.ok(!wrong.success);
    assert.match(formatIssues(wrong.error), /^adopt\.restoreBackups: must be true or false/m);
  });
});
