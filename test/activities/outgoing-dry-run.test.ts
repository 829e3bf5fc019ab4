// The outgoing kind's precheck dry run as the worker registers it (createActivities): awaitDryRun reads the dry run's
// report from the emulator's Cloud Storage through the worker's own storage client, so the plan carries the API's
// reasons, field diffs and failing table names; a report it cannot read leaves the summary's plan and a
// `dryRun.report` warning, and Cloud Storage not answering is a retryable failure.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { type Activities, createActivities } from '../../src/activities';
import { createLakehouseAccess } from '../../src/lakehouse/access';
import { FailureType } from '../../src/migration/failure-types';
import { NO_SECRETS, createSecretResolver } from '../../src/secrets/resolver';
import { NO_MIN_INTERVALS } from '../../scripts/lib/min-intervals';
import { type Emulator, admin, call, seedSpannerService, startEmulator, waitForState } from '../helpers/emulator';
import { backfill, clientsFor } from '../helpers/lakehouse';
import { createCatalog, hiveTable, seedMetastore } from '../helpers/outgoing';

const HIVE = 'projects/test-project/catalogs/dry-hive';

function run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment().run<A, R, typeof fn>(fn, ...args);
}

describe('awaitDryRun with the report', () => {
  let emulator: Emulator;
  let activities: Activities;
  let dryRuns = 0;

  /**
   * A service whose dry run plans: `fresh` ERROR (its table `bad` outside the catalog's locations, so `good` is
   * DEPENDENCY_FAILURE), `kept` UPDATE (its `orders` differs from the target's under OVERWRITE), `ghost` ERROR
   * (not in the source). Returns the dry run's execution once it has ended.
   */
  async function dryRun(): Promise<string> {
    const service = await seedSpannerService(emulator);
    await seedMetastore(emulator, service, {
      fresh: {
        good: hiveTable({ location: 'gs://warehouse/ok/good' }),
        bad: hiveTable({ location: 'gs://other/bad' }),
      },
      kept: { orders: hiveTable({ location: 'gs://warehouse/ok/kept/orders' }) },
    });
    dryRuns += 1;
    const started = await run(activities.startBiglakeMigration, {
      service,
      config: {
        mode: 'BACKFILL',
        dryRun: true,
        conflictPolicy: 'OVERWRITE',
        hiveConfig: { catalog: HIVE, databases: ['fresh', 'kept', 'ghost'] },
      },
      migrationExecutionId: `dry-${process.pid}-${dryRuns}`,
      requestId: `00000000-0000-4000-8000-${String(dryRuns).padStart(12, '0')}`,
    });
    assert.ok('migrationExecution' in started && started.migrationExecution);
    await waitForState(emulator, started.migrationExecution, 'SUCCEEDED');
    return started.migrationExecution;
  }

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
    await createCatalog(emulator, HIVE, 'HIVE', ['gs://warehouse/ok']);
    // The target already holds kept.orders, with fewer columns and no location: the dry run's UPDATE and its diffs.
    const earlier = await seedSpannerService(emulator);
    await seedMetastore(emulator, earlier, { kept: { orders: hiveTable({ columns: ['id bigint'] }) } });
    await backfill(emulator, earlier, { hiveConfig: { catalog: HIVE, databases: ['kept'] } });
  });
  after(() => emulator.close());

  it("the plan carries the report's reasons, diffs and failing tables; dryRun.report is ok", async () => {
    const execution = await dryRun();
    const result = await run(activities.awaitDryRun, { execution, pollIntervalMs: 50 });
    assert.equal(result.plan.reportRead, true);
    const byName = Object.fromEntries(result.plan.databases.map((db) => [db.database, db]));
    assert.deepEqual(Object.keys(byName).sort(), ['fresh', 'ghost', 'kept']);

    const fresh = byName['fresh']!;
    assert.equal(fresh.action, 'ERROR');
    assert.match(fresh.reason ?? '', /1 table\(s\) cannot be registered/);
    assert.deepEqual(
      fresh.failingTables.map((t) => [t.table, t.action]),
      [
        ['bad', 'ERROR'],
        ['good', 'DEPENDENCY_FAILURE'],
      ],
    );
    assert.match(fresh.failingTables[0]!.reason ?? '', /do not cover gs:\/\/other\/bad/);
    assert.match(fresh.failingTables[1]!.reason ?? '', /fresh is new in the target .*\(bad cannot\)/);

    assert.match(byName['ghost']!.reason ?? '', /ghost does not exist in the service's metastore/);

    const kept = byName['kept']!;
    assert.equal(kept.action, 'UPDATE');
    assert.match(kept.reason ?? '', /1 table\(s\) differ .*OVERWRITE/);
    assert.deepEqual(kept.failingTables, []);
    const [orders] = kept.updatedTables ?? [];
    assert.equal(orders?.table, 'orders');
    const diffs = Object.fromEntries(orders!.diffs.map((d) => [d.field, [d.targetValue, d.sourceValue]]));
    assert.deepEqual(diffs['columns'], ['id bigint', 'id bigint, name string']);
    assert.deepEqual(diffs['location'], ['', 'gs://warehouse/ok/kept/orders']);

    const findings = Object.fromEntries(result.findings.map((f) => [f.check, f]));
    assert.equal(findings['dryRun.report']?.level, 'ok');
    assert.match(findings['dryRun.report']!.message, /^read the report at gs:\/\/\S+\/migration-reports\/dry-/);
    assert.equal(findings['dryRun.errors']?.level, 'error');
    assert.match(findings['dryRun.errors']!.message, /fresh\.bad \(The catalog's locations/);
    assert.match(findings['dryRun.dependencyFailures']!.message, /fresh\.good \(Not migrated/);
    assert.match(findings['dryRun.updates']!.message, /database kept \(1 tables: orders\)/);
  });

  it('a report that is gone: the plan from the summary, and a dryRun.report warning saying why', async () => {
    const execution = await dryRun();
    const { body: read } = await call(emulator, 'GET', `/v1/${execution}`);
    const reportPath: string = read.biglakeMetastoreMigrationConfig.backfillStatus.reportPath;
    await admin(emulator, 'buckets:remove', { name: /^gs:\/\/([^/]+)\//.exec(reportPath)?.[1] });

    const result = await run(activities.awaitDryRun, { execution, pollIntervalMs: 50 });
    assert.equal(result.plan.reportRead, false);
    assert.deepEqual(
      result.plan.databases.map((db) => [db.database, db.action, db.tables]),
      [
        ['fresh', 'ERROR', { ERROR: 1, DEPENDENCY_FAILURE: 1 }],
        ['kept', 'UPDATE', { UPDATE: 1 }],
        ['ghost', 'ERROR', {}],
      ],
    );
    assert.ok(result.plan.databases.every((db) => db.reason === undefined && db.failingTables.length === 0));
    const finding = result.findings.find((f) => f.check === 'dryRun.report');
    assert.equal(finding?.level, 'warning');
    assert.match(finding!.message, /^the report was not read \(no report at gs:\/\/.*\): the plan has the summary/);
    // The summary alone still blocks on what it counts.
    assert.equal(result.findings.find((f) => f.check === 'dryRun.errors')?.level, 'error');
  });

  it('Cloud Storage not answering is ReportUnavailable and retryable; a worker without it warns', async () => {
    const execution = await dryRun();
    const { metastore } = clientsFor(emulator);
    const deps = {
      metastore,
      secrets: createSecretResolver({}, undefined, NO_SECRETS),
      minIntervals: NO_MIN_INTERVALS,
    };
    // Port 1 on loopback: nothing listens there.
    const unreachable = createActivities({
      ...deps,
      lakehouse: await createLakehouseAccess({ emulatorHost: '127.0.0.1:1', timeoutMs: 2000 }),
    });
    await assert.rejects(run(unreachable.awaitDryRun, { execution, pollIntervalMs: 50 }), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure, String(err));
      assert.deepEqual([err.type, err.nonRetryable], [FailureType.ReportUnavailable, false]);
      return true;
    });
    const none = await run(createActivities(deps).awaitDryRun, { execution, pollIntervalMs: 50 });
    assert.equal(none.plan.reportRead, false);
    const finding = none.findings.find((f) => f.check === 'dryRun.report');
    assert.deepEqual(
      [finding?.level, finding?.message],
      [
        'warning',
        "the report was not read (this worker was built without Cloud Storage access): the plan has the summary's counts only",
      ],
    );
  });
});
