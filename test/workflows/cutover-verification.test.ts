// The reconciliation around cutover, with a real MariaDB source (a generated Hive 3.1 metastore), the emulator's
// Thrift endpoint and a real worker: recorded before completeMigration, compared after SUCCEEDED, on demand.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { PRESETS, generateMetastore } from '../../scripts/lib/hive-generator';
import type { Verification } from '../../src/migration/verification';
import { requestCompleteUpdate } from '../../src/workflows/messages';
import type { verifyMigration } from '../../src/workflows/verify-migration';
import { admin } from '../helpers/emulator';
import { CDC_PASSWORD, HIVE_PASSWORD, createHiveSource, type HiveSource } from '../helpers/hive-source';
import { GOOD_CDC_SERVER_ARGS, startMariaDb, type MariaDb } from '../helpers/mariadb';
import { migrationExecutionRequest } from '../helpers/migration';
import { createHarness, type Harness } from '../helpers/workflow-harness';

const SOURCE_SECRETS = { HIVE_DB_PASSWORD: HIVE_PASSWORD, CDC_PASSWORD };

let h: Harness;
let db: MariaDb;
let source: HiveSource;

before(async () => {
  [h, db] = await Promise.all([createHarness(), startMariaDb({ serverArgs: GOOD_CDC_SERVER_ARGS })]);
  source = await createHiveSource(db, { database: 'hive_verify' });
  const { host, port, user, password } = source.hive;
  const sql = await createConnection({ host, port, user, password, database: source.database });
  await generateMetastore(sql, PRESETS.small, 3);
  await sql.end();
});
after(async () => {
  await Promise.allSettled([h?.close(), db?.close()]);
});

const config = () =>
  migrationExecutionRequest({
    port: source.hive.port,
    database: source.database,
    hiveUser: source.hive.user,
    cdcUser: source.cdc.user,
  });

/** Starts a migration from the MariaDB source, waits for REPLICATION, runs `during`, completes, returns the result. */
async function migrate(during: (service: string, taskQueue: string) => Promise<void> = async () => {}) {
  const service = await h.seedService();
  return h.withWorker(async (q) => {
    const handle = await h.start(service, q, {}, config());
    await h.waitForStage(service, 'REPLICATION');
    await during(service, q);
    await handle.executeUpdate(requestCompleteUpdate, { args: [{ by: 'test' }] });
    return { service, result: await handle.result(), status: await h.status(service) };
  }, SOURCE_SECRETS);
}

describe('verification after cutover', () => {
  it('reports a clean cutover as verified, counts equal, against the inventory recorded before it', async () => {
    const { result, status } = await migrate();
    assert.equal(result.outcome, 'SUCCEEDED');
    const v = result.verification;
    assert.equal(v?.status, 'ok', JSON.stringify(v));
    assert.equal(v?.sourceFrom, 'cutover');
    assert.deepEqual(v?.report?.dpms, v?.report?.source);
    assert.equal(v?.report?.source.tables, PRESETS.small.tables + 1);
    assert.equal(v?.report?.source.partitions, PRESETS.small.partitions + 1);
    const recorded = status.cutoverInventory;
    assert.ok(recorded && 'key' in recorded, JSON.stringify(recorded));
    assert.deepEqual(recorded.counts, v?.report?.source);
    assert.ok(!JSON.stringify(status).includes(HIVE_PASSWORD));
  });

  it('names the partition and the table the cutover lost, and keeps the outcome SUCCEEDED', async () => {
    const { result } = await migrate(async (service) => {
      await admin(h.emulator, 'copy-faults', { service, drop: ['sales.orders/ds=2024-01-01', 'db_001.t_00001'] });
    });
    assert.equal(result.outcome, 'SUCCEEDED');
    const v = result.verification as Verification;
    assert.equal(v.status, 'mismatch');
    assert.equal(v.ok, false);
    const missing = v.report?.differences.filter((d) => d.problem === 'missing').map((d) => `${d.kind} ${d.name}`);
    assert.ok(missing?.includes('partition sales.orders/ds=2024-01-01'), JSON.stringify(missing));
    assert.ok(missing?.includes('table db_001.t_00001'), JSON.stringify(missing));
    assert.equal(v.report?.totals.extra, 0);
    assert.equal(v.report?.dpms.tables, (v.report?.source.tables ?? 0) - 1);
  });

  it('verifies on demand before cutover: DPMS serves the source while replicating', async () => {
    const { result } = await migrate(async (service, q) => {
      const v = await h.env.client.workflow.execute<typeof verifyMigration>('verifyMigration', {
        taskQueue: q,
        workflowId: `verify/${service}/${randomUUID()}`,
        args: [{ service, migrationExecution: config() }],
      });
      assert.equal(v.status, 'ok', JSON.stringify(v));
      assert.equal(v.sourceFrom, 'now');
      assert.match(v.endpoint ?? '', /^thrift:\/\/127\.0\.0\.1:\d+$/);
    });
    assert.equal(result.verification?.status, 'ok');
  });
});
