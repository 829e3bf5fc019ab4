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
  joinRolloutUpdate,
  requestCancelUpdate,
  requestCompleteUpdate,
  requestRollbackUpdate,
  statusQuery,
} from '../src/workflows/messages';
import { admin } from '../test/helpers/emulator';
import { waitFor, COMPLETE_UNREACHED, FAST_OPTIONS, migrationExecutionRequest } from '../test/helpers/migration';
import { workflowIdFor } from '../src/migration/names';
import {
  ROLLOUT_WORKFLOW_TYPE,
  approveUpdate,
  pauseUpdate,
  resumeUpdate,
  rolloutWorkflowId,
  statusQuery as rolloutStatusQuery,
} from '../src/workflows/rollout/messages';
import type { rollout } from '../src/workflows/rollout/workflow';
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
  /**
   * A start under lean-start (one marker for the patches before it, the memo only when it changes), through the gate
   * to SUCCEEDED with the backups restored.
   */
  async 'lean-start'(h, taskQueue) {
    const service = await h.seedService();
    const handle = await h.start(service, taskQueue);
    await h.waitForStage(service, 'REPLICATION');
    await handle.executeUpdate(requestCompleteUpdate, {
      args: [{ ...COMPLETE_UNREACHED, by: 'recorder', reason: 'fixture' }],
    });
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
  async 'outgoing-rollback-cancelled'(h, taskQueue) {
    // The outgoing kind's rollback (its cancelMigration slowed down) with the workflow cancelled in ROLLING_BACK.
    // Recorded before the rollback-finishes patch this is outgoing-rollback-abandoned.binpb (the run ended at once,
    // SUCCEEDED, not rolled back); after it, the run finishes the rollback first (ROLLED_BACK).
    const iceberg = `projects/test-project/catalogs/fixture-iceberg-${Date.now()}`;
    await createCatalog(h.emulator, iceberg, 'ICEBERG');
    const service = await h.seedService();
    await seedMetastore(h.emulator, service, { web: { clicks: icebergTable('gs://wh/web/clicks') } });
    const config = {
      biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', icebergConfig: { catalog: iceberg, namespaces: ['web'] } },
    } as MigrationExecutionRequest;
    const handle = await h.start(service, taskQueue, {}, config);
    await h.waitForStage(service, 'ROLLBACK_WINDOW');
    await admin(h.emulator, 'durations', { 'services.cancelMigration': 8000 });
    try {
      await handle.executeUpdate(requestRollbackUpdate, { args: [{ by: 'recorder', reason: 'fixture' }] });
      await h.waitForStage(service, 'ROLLING_BACK');
      await handle.cancel();
      await settle(handle.result());
    } finally {
      await admin(h.emulator, 'durations', undefined, 'DELETE');
    }
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
  /**
   * A migration that joins a rollout (joinRollout: RolloutId/RolloutWave upserted, patch rollout-membership), joins
   * it again (idempotent), is taken by another rollout once the first is not running (rolloutRunning), carries the
   * membership across continue-as-new, and is cancelled.
   */
  async 'rollout-member'(h, taskQueue) {
    const service = await h.seedService();
    const first = await h.start(service, taskQueue, { maxQuietSeconds: 0.05, maxHistoryEvents: 80 });
    await h.waitForStage(service, 'REPLICATION');
    const latest = h.env.client.workflow.getHandle(first.workflowId);
    const join = (rollout: string, wave: number) =>
      latest.executeUpdate(joinRolloutUpdate, { args: [{ rollout, wave, by: `rollout ${rollout} wave ${wave}` }] });
    await join('fixture-first', 1);
    await join('fixture-first', 1);
    await join('fixture-second', 2);
    const joinedRun = (await latest.describe()).runId;
    const carried = await waitFor('a run continued after the joins', async () => {
      const status = await latest.query(statusQuery);
      return status.runId !== joinedRun ? status : undefined;
    });
    if (carried.rollout?.rollout !== 'fixture-second') throw new Error('the membership was not carried');
    await latest.executeUpdate(requestCancelUpdate, { args: [{ by: 'recorder' }] });
    await latest.result();
    const lastRunId = (await latest.describe()).runId;
    return [
      h.env.client.workflow.getHandle(first.workflowId, joinedRun),
      h.env.client.workflow.getHandle(first.workflowId, lastRunId),
    ];
  },
  /**
   * A rollout (src/workflows/rollout/): a canary wave held at its approval gate (paused and resumed there, then
   * approved, with notifications), continued as new between the waves, and a second wave of two, one at a time.
   */
  async rollout(h, taskQueue) {
    const services = [await h.seedService(), await h.seedService(), await h.seedService()];
    const member = (service: string) => ({ service });
    const receiver = await startReceiver();
    const name = `fixture-${Date.now()}`;
    try {
      const first = await h.env.client.workflow.start<typeof rollout>(ROLLOUT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: rolloutWorkflowId(name),
        args: [
          {
            rollout: {
              name,
              action: 'start',
              template: { kind: 'incoming', migrationExecution: migrationExecutionRequest(), options: FAST_OPTIONS },
              reconcileSeconds: 0.2,
              notify: [receiver.url],
              waves: [
                { name: 'canary', canary: true, members: [member(services[0]!)], maxParallel: 1 },
                { name: 'rest', members: services.slice(1).map(member), maxParallel: 1, gate: { advance: 'auto' } },
              ],
            },
          },
        ],
      });
      await waitFor('the approval gate', async () => (await first.query(rolloutStatusQuery)).gate === 'approval');
      const asked = { by: 'recorder', reason: 'fixture' };
      await first.executeUpdate(pauseUpdate, { args: [asked] });
      await first.executeUpdate(resumeUpdate, { args: [asked] });
      await first.executeUpdate(approveUpdate, { args: [{ ...asked, wave: 1, changeReference: 'CHG-0' }] });
      const latest = h.env.client.workflow.getHandle(first.workflowId);
      await latest.result();
      const lastRunId = (await latest.describe()).runId;
      return [
        h.env.client.workflow.getHandle(first.workflowId, first.firstExecutionRunId),
        h.env.client.workflow.getHandle(first.workflowId, lastRunId),
      ];
    } finally {
      await Promise.allSettled(
        services.map((service) => h.env.client.workflow.getHandle(workflowIdFor(service)).terminate('fixture')),
      );
      await receiver.close();
    }
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
