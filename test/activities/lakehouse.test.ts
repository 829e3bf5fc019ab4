// The Lakehouse activities as the worker registers them (createActivities): results for the workflow, and failures
// classified as the other activities' are (typed ApplicationFailures, transient ones retryable).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { type Activities, createActivities } from '../../src/activities';
import { createLakehouseAccess } from '../../src/lakehouse/access';
import { FailureType } from '../../src/migration/failure-types';
import { NO_SECRETS, createSecretResolver } from '../../src/secrets/resolver';
import { NO_MIN_INTERVALS } from '../../scripts/lib/min-intervals';
import { type Emulator, admin, seedSpannerService, startEmulator } from '../helpers/emulator';
import { backfill, clientsFor } from '../helpers/lakehouse';
import { createCatalog, hiveTable, icebergTable, seedMetastore } from '../helpers/outgoing';

const HIVE = 'projects/test-project/catalogs/act-hive';
const ICEBERG = 'projects/test-project/catalogs/act-iceberg';

function run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment().run<A, R, typeof fn>(fn, ...args);
}

async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, `not an ApplicationFailure: ${String(err)}`);
    return err;
  }
  assert.fail('expected the activity to fail');
}

describe('Lakehouse activities', () => {
  let emulator: Emulator;
  let activities: Activities;
  let service: string;
  let execution: string;

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 20 });
    await admin(emulator, 'durations', { 'services.startMigration': 20, backfill: 20 });
    const { metastore, lakehouse } = clientsFor(emulator);
    activities = createActivities({
      metastore,
      secrets: createSecretResolver({}, undefined, NO_SECRETS),
      minIntervals: NO_MIN_INTERVALS,
      lakehouse: await lakehouse,
    });
    await createCatalog(emulator, HIVE, 'HIVE');
    await createCatalog(emulator, ICEBERG, 'ICEBERG');
    service = await seedSpannerService(emulator);
    await seedMetastore(emulator, service, {
      sales: { orders: hiveTable({ partitions: ['dt=1', 'dt=2'] }), events: icebergTable('gs://wh/sales/events') },
    });
    const done = await backfill(emulator, service, {
      hiveConfig: { catalog: HIVE, databases: ['sales'] },
      icebergConfig: { catalog: ICEBERG, namespaces: ['sales'] },
    });
    execution = done.name;
  });
  after(() => emulator.close());

  it('checkTargetCatalogs: one finding per target', async () => {
    const findings = await run(activities.checkTargetCatalogs, { hiveCatalog: HIVE, icebergCatalog: ICEBERG });
    assert.deepEqual(
      findings.map((f) => [f.check, f.level]),
      [
        ['targets.hiveCatalog', 'ok'],
        ['targets.icebergCatalog', 'ok'],
      ],
    );
    const [missing] = await run(activities.checkTargetCatalogs, { icebergCatalog: 'projects/test-project/catalogs/x' });
    assert.deepEqual([missing?.check, missing?.level], ['targets.icebergCatalog', 'error']);
  });

  it('readBackfillReport and verifyBackfill on a SUCCEEDED backfill', async () => {
    const summary = await run(activities.readBackfillReport, { execution });
    assert.deepEqual([summary.tables, summary.tablesByResult], [2, { SUCCEEDED: 2 }]);
    assert.deepEqual(summary.partitions, { discovered: 2, succeeded: 2, failed: 0 });
    const verification = await run(activities.verifyBackfill, { service, execution });
    assert.equal(verification.status, 'ok');
    assert.deepEqual(verification.report?.totals, { missing: 0, extra: 0, differing: 0 });
  });

  it('a report that is gone is ReportUnavailable, not retryable; an unknown execution is NOT_FOUND', async () => {
    const other = await seedSpannerService(emulator);
    await seedMetastore(emulator, other, { sales: { orders: hiveTable() } });
    const done = await backfill(emulator, other, { hiveConfig: { catalog: HIVE, databases: ['sales'] } });
    const bucket = /^gs:\/\/([^/]+)\//.exec(done.biglakeMetastoreMigrationConfig.backfillStatus.reportPath)?.[1];
    await admin(emulator, 'buckets:remove', { name: bucket });
    const gone = await failure(run(activities.readBackfillReport, { execution: done.name }));
    assert.equal(gone.type, FailureType.ReportUnavailable);
    assert.equal(gone.nonRetryable, true);
    assert.match(gone.message, /no report at gs:\/\//);
    const unknown = await failure(
      run(activities.readBackfillReport, { execution: `${other}/migrationExecutions/nope` }),
    );
    assert.deepEqual([unknown.type, unknown.nonRetryable], ['NOT_FOUND', true]);
  });

  it('a Lakehouse that does not answer is UNAVAILABLE and retryable; none configured says so', async () => {
    const { metastore } = clientsFor(emulator);
    const deps = {
      metastore,
      secrets: createSecretResolver({}, undefined, NO_SECRETS),
      minIntervals: NO_MIN_INTERVALS,
    };
    // Port 1 on loopback: nothing listens there.
    const unreachable = createActivities({
      ...deps,
      lakehouse: await createLakehouseAccess({ emulatorHost: '127.0.0.1:1' }),
    });
    const down = await failure(run(unreachable.checkTargetCatalogs, { hiveCatalog: HIVE }));
    assert.deepEqual([down.type, down.nonRetryable], ['UNAVAILABLE', false]);
    const none = await failure(run(createActivities(deps).verifyBackfill, { service, execution }));
    assert.deepEqual([none.type, none.nonRetryable], [FailureType.LakehouseNotConfigured, true]);
  });
});
