// `npm run histories:record`: runs representative migrations on a dev server against the emulator and
// saves their histories as replay fixtures (test/fixtures/histories). The replay test runs every fixture
// against the current workflow code, so a change that would break running migrations fails CI.
// Record again only for a deliberate, patched() change — and keep the old fixtures alongside.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import type { MigrationExecutionRequest } from '../src/schemas';
import {
  checkCutoverUpdate,
  requestCancelUpdate,
  requestCompleteUpdate,
  requestRollbackUpdate,
  statusQuery,
} from '../src/workflows/messages';
import { admin } from '../test/helpers/emulator';
import { waitFor, COMPLETE_UNREACHED } from '../test/helpers/migration';
import { createCatalog, hiveTable, icebergTable, seedMetastore } from '../test/helpers/outgoing';
import { startReceiver } from '../test/helpers/receiver';
import { createHarness } from '../test/helpers/workflow-harness';
import type { Harness } from '../test/helpers/workflow-harness';

const out = join(__dirname, '..', 'test', 'fixtures', 'histories');

type Scenario = (h: Harness, taskQueue: string) => Promise<WorkflowHandle[]>;

const settle = (promise: Promise<unknown>) => promise.catch(() => undefined);

const scenarios: Record<string, Scenario> = {
  async 'happy-path'(h, taskQueue) {
    const service = await h.seedService();
    const handle = await h.start(service, taskQueue);
    await h.waitForStage(service, 'REPLICATION');
    await handle.executeUpdate(requestCompleteUpdate, {
      args: [{ ...COMPLETE_UNREACHED, by: 'recorder', reason: 'fixture' }],
    });
    await handle.result();
    return [handle];
  },
  /** A start whose prechecks ran as one activity (the precheck-batch marker), cancelled in REPLICATION. */
  async 'prechecks-batched'(h, taskQueue) {
    const service = await h.seedService();
    const handle = await h.start(service, taskQueue);
    await h.waitForStage(service, 'REPLICATION');
    await handle.signal('cancel', { by: 'recorder' });
    await handle.result();
    return [handle];
  },
  async 'cancel-signal'(h, taskQueue) {
    const service = await h.seedService();
    const handle = await h.start(service, taskQueue);
    await h.waitForStage(service, 'REPLICATION');
    await handle.signal('cancel', { by: 'recorder' });
    await handle.result();
    return [handle];
  },
  /** A cancel ending that holds the outcome-attribute marker (MigrationOutcome CANCELLED upserted). */
  async 'outcome-cancelled'(h, taskQueue) {
    const service = await h.seedService();
    const handle = await h.start(service, taskQueue);
    await h.waitForStage(service, 'REPLICATION');
    await handle.executeUpdate(requestCancelUpdate, { args: [{ by: 'recorder', reason: 'fixture' }] });
    await handle.result();
    return [handle];
  },
  async 'external-failure'(h, taskQueue) {
    const service = await h.seedService();
    const handle = await h.start(service, taskQueue);
    const status = await h.waitForStage(service, 'REPLICATION');
    await admin(h.emulator, 'executions:fail', { name: status.execution!.name, stateMessage: 'fixture failure' });
    await settle(handle.result());
    return [handle];
  },
  async 'workflow-cancelled'(h, taskQueue) {
    const service = await h.seedService();
    const handle = await h.start(service, taskQueue);
    await h.waitForStage(service, 'REPLICATION');
    await handle.cancel();
    await settle(handle.result());
    return [handle];
  },
  async notified(h, taskQueue) {
    // Notifications to a receiver on loopback: the path with notify activities beside the migration.
    const receiver = await startReceiver();
    try {
      const service = await h.seedService();
      const handle = await h.start(service, taskQueue, { notify: [`${receiver.url}/hook`] });
      await h.waitForStage(service, 'REPLICATION');
      await handle.executeUpdate(requestCompleteUpdate, {
        args: [{ ...COMPLETE_UNREACHED, by: 'recorder', reason: 'fixture' }],
      });
      await handle.result();
      return [handle];
    } finally {
      await receiver.close();
    }
  },
  async 'cutover-checked'(h, taskQueue) {
    // The source baseline, the health watch, a dry run, a signalled complete through the gate, the inventory
    // recorded before cutover and the verification after it (the source is unreachable, so those are skipped).
    const service = await h.seedService();
    const handle = await h.start(service, taskQueue, { sourceCheckIntervalSeconds: 0.2 });
    await h.waitForStage(service, 'REPLICATION');
    await waitFor('a source health read', async () => (await handle.query(statusQuery)).sourceHealth !== undefined);
    await handle.executeUpdate(checkCutoverUpdate, { args: [{}] });
    await handle.signal('complete', { ...COMPLETE_UNREACHED, by: 'recorder' });
    await handle.result();
    return [handle];
  },
  async adopted(h, taskQueue) {
    // start --adopt --restore-backups after a run terminated mid-REPLICATION: the adoption with its baseline,
    // REPLICATION and its health watch, a complete through the gate, the backups turned on at the end.
    const service = await h.seedService();
    const first = await h.start(service, taskQueue);
    await h.waitForStage(service, 'REPLICATION');
    await first.terminate('fixture: the run is replaced by an adopting one');
    const handle = await h.adopt(service, taskQueue, { restoreBackups: true, by: 'recorder' });
    await h.waitForStage(service, 'REPLICATION');
    const override = ['workloads.moved', 'hive.schemaUnchanged', 'hive.reachable'];
    await handle.signal('complete', { by: 'recorder', override });
    await handle.result();
    return [handle];
  },
  async 'outgoing-rolled-back'(h, taskQueue) {
    // The outgoing kind (DPMS → Lakehouse): the prechecks' dry run, the start, BACKFILL to SUCCEEDED with the
    // service in PROXY, the rollback window and a rollback by update (ROLLED_BACK).
    const hive = `projects/test-project/catalogs/fixture-hive-${Date.now()}`;
    const iceberg = `projects/test-project/catalogs/fixture-iceberg-${Date.now()}`;
    await createCatalog(h.emulator, hive, 'HIVE');
    await createCatalog(h.emulator, iceberg, 'ICEBERG');
    const service = await h.seedService();
    await seedMetastore(h.emulator, service, {
      sales: { orders: hiveTable({ partitions: ['dt=1'] }), events: icebergTable('gs://wh/sales/events') },
    });
    const config = {
      biglakeMetastoreMigrationConfig: {
        mode: 'BACKFILL',
        hiveConfig: { catalog: hive, databases: ['*'] },
        icebergConfig: { catalog: iceberg, namespaces: ['*'] },
      },
    } as MigrationExecutionRequest;
    const handle = await h.start(service, taskQueue, {}, config);
    await h.waitForStage(service, 'ROLLBACK_WINDOW');
    await handle.executeUpdate(requestRollbackUpdate, { args: [{ by: 'recorder', reason: 'fixture' }] });
    await handle.result();
    return [handle];
  },
  async 'continued-as-new'(h, taskQueue) {
    const service = await h.seedService();
    const first = await h.start(service, taskQueue, { maxQuietSeconds: 0.05, maxHistoryEvents: 60 });
    await waitFor('a continued run', async () => (await first.query(statusQuery)).continuedAsNew >= 1);
    const latest = h.env.client.workflow.getHandle(first.workflowId);
    await latest.executeUpdate(requestCancelUpdate, { args: [{ by: 'recorder' }] });
    await latest.result();
    const lastRunId = (await latest.describe()).runId;
    return [
      h.env.client.workflow.getHandle(first.workflowId, first.firstExecutionRunId),
      h.env.client.workflow.getHandle(first.workflowId, lastRunId),
    ];
  },
};

/** `npm run histories:record [-- NAME…]`: every scenario, or only those named (a new one beside the others). */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const h = await createHarness();
  try {
    for (const [name, scenario] of Object.entries(scenarios)) {
      if (only.length > 0 && !only.includes(name)) continue;
      const handles = await h.withWorker((taskQueue) => scenario(h, taskQueue));
      for (const [index, handle] of handles.entries()) {
        const history = await handle.fetchHistory();
        // Binary protobuf: the SDK's proto-JSON helpers trip over two copies of protobufjs in this tree.
        const file = join(out, `${name}${handles.length > 1 ? `-run${index + 1}` : ''}.binpb`);
        const { History } = temporal.api.history.v1;
        await writeFile(file, History.encode(History.fromObject(history)).finish());
        console.log(`recorded ${file} (${history.events?.length ?? 0} events)`);
      }
    }
  } finally {
    await h.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
