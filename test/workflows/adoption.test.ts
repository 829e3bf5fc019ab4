// Adoption on a real Temporal dev server with the emulator: a run started with `adopt` takes over the service's
// migration execution already running — one left by a terminated run, or one started outside (gcloud) — and goes
// on as any run; with none running it is refused and changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FailureType } from '../../src/migration/failure-types';
import { WORKFLOW_TYPE } from '../../src/migration/names';
import type { Adopt } from '../../src/schemas';
import type { managedMigration } from '../../src/workflows/managed-migration';
import { requestCancelUpdate } from '../../src/workflows/messages';
import { admin, startMigration, waitForState } from '../helpers/emulator';
import { workflowFailure } from '../helpers/failures';
import {
  FAST_OPTIONS,
  ORIGINAL_BACKUP,
  migrationExecutionRequest,
  plaintextMigrationExecution,
  SOURCE_NOT_REACHED,
  waitFor,
} from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;

before(async () => {
  h = await createHarness();
});
after(async () => {
  await h?.close();
});

/** Calls of `method` on `service` (or its executions) the emulator received since `since` (epoch ms). */
async function received(method: string, service: string, since: number): Promise<number> {
  const { requests } = await admin<{ requests: { resource: string }[] }>(
    h.emulator,
    `requests?since=${since}&method=${method}&resourcePrefix=${service}`,
  );
  return requests.length;
}

/** Cancel is sent once the adopted execution, found STARTING maybe, replicates. */
function untilReplicating(service: string) {
  return waitFor('the execution replicating', async () => {
    const status = await h.status(service);
    return status.execution?.state === 'RUNNING' && status.execution.phase === 'REPLICATION';
  });
}

async function scheduledBackupOf(service: string) {
  return (await h.metastore.getService(service)).scheduledBackup;
}

describe('adopting a running migration execution', () => {
  it('a run terminated mid-REPLICATION, then adopt with restoreBackups: the new run finishes the same execution; backups restored once, at the end', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const first = await h.start(service, taskQueue);
      const waiting = await h.waitForStage(service, 'REPLICATION');
      const execution = waiting.execution?.name;
      assert.ok(execution);
      await first.terminate('the worker fleet moves; the migration must not');
      // Terminated: orchestration stopped, the migration and the backup setting stay as they were.
      const left = await scheduledBackupOf(service);
      assert.equal(left?.enabled, false, 'the terminated run left backups off');
      assert.equal(left?.cronSchedule, ORIGINAL_BACKUP.cronSchedule, 'disabling kept the schedule');

      const adoptedAt = Date.now();
      const handle = await h.adopt(service, taskQueue, {
        restoreBackups: true,
        by: 'bob',
        reason: 'the first run was terminated',
      });
      const adopted = await h.waitForStage(service, 'REPLICATION');
      assert.equal(adopted.adoption?.execution, execution);
      assert.equal(adopted.adoption?.found.state, 'RUNNING');
      assert.equal(adopted.adoption?.found.phase, 'REPLICATION');
      assert.equal(adopted.adoption?.by, 'bob');
      assert.equal(adopted.adoption?.backups, 'restore-at-end');
      assert.equal(adopted.execution?.name, execution);
      assert.deepEqual(
        adopted.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'REPLICATION'],
        'no start: from the adoption straight to REPLICATION',
      );
      assert.equal(adopted.sourceBaseline?.takenAt, 'adoption', 'the baseline says it was taken at adoption');
      assert.deepEqual(adopted.savedScheduledBackup, ORIGINAL_BACKUP, "the service's own setting, turned on");
      assert.equal(await received('services.startMigration', service, adoptedAt), 0, 'nothing started');
      assert.equal(await received('services.patch', service, adoptedAt), 0, 'backups untouched while replicating');

      await handle.signal('complete', { by: 'bob', override: SOURCE_NOT_REACHED });
      const result = await handle.result();
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.equal(result.execution?.name, execution, 'the same execution finished');
      assert.equal(result.execution?.state, 'SUCCEEDED');
      assert.equal(result.adoption?.execution, execution, 'the adoption is in the result');
      assert.equal(result.backupsRestored, true);
      assert.deepEqual(await scheduledBackupOf(service), ORIGINAL_BACKUP);
      assert.equal(await received('services.patch', service, adoptedAt), 1, 'backups restored exactly once');
      assert.equal(await received('services.startMigration', service, adoptedAt), 0);
      const completes = await received('services.completeMigration', service, adoptedAt);
      assert.equal(completes, 1);
    });
  });

  it('adopts an execution started outside with backups on: disables them, and a cancel restores them as they were', async () => {
    const service = await h.seedService();
    // As gcloud would: the API called directly (plaintext passwords), the service's backups left on.
    const started = await startMigration(h.emulator, service, { migrationExecution: plaintextMigrationExecution() });
    assert.equal(started.status, 200, started.text);
    await waitForState(h.emulator, service, 'MIGRATING');
    await h.withWorker(async (taskQueue) => {
      const handle = await h.adopt(service, taskQueue, {});
      const adopted = await h.waitForStage(service, 'REPLICATION');
      assert.equal(adopted.adoption?.backups, 'disabled-at-adoption');
      assert.deepEqual(
        adopted.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'DISABLING_BACKUPS', 'REPLICATION'],
      );
      assert.equal((await scheduledBackupOf(service))?.enabled, false, 'off while the adopted migration runs');
      await untilReplicating(service);
      await handle.executeUpdate(requestCancelUpdate, { args: [{ by: 'carol' }] });
      const result = await handle.result();
      assert.equal(result.outcome, 'CANCELLED');
      assert.equal(result.execution?.state, 'CANCELLED');
      assert.equal(result.backupsRestored, true);
      assert.deepEqual(await scheduledBackupOf(service), ORIGINAL_BACKUP);
    });
  });

  it('leaves backups found off as they are without restoreBackups, and says so', async () => {
    const service = await h.seedService({ scheduledBackup: { ...ORIGINAL_BACKUP, enabled: false } });
    const started = await startMigration(h.emulator, service, { migrationExecution: plaintextMigrationExecution() });
    assert.equal(started.status, 200, started.text);
    await waitForState(h.emulator, service, 'MIGRATING');
    const since = Date.now();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.adopt(service, taskQueue, {});
      const adopted = await h.waitForStage(service, 'REPLICATION');
      assert.equal(adopted.adoption?.backups, 'left-off');
      assert.equal(adopted.savedScheduledBackup, undefined, 'nothing to write back');
      await untilReplicating(service);
      await handle.executeUpdate(requestCancelUpdate, { args: [{ by: 'carol' }] });
      const result = await handle.result();
      assert.equal(result.outcome, 'CANCELLED');
      assert.equal(result.backupsRestored, false);
    });
    assert.equal(await received('services.patch', service, since), 0, 'the backup setting was never written');
    assert.deepEqual(await scheduledBackupOf(service), { ...ORIGINAL_BACKUP, enabled: false });
  });

  /** Starts an adopting run that must be refused; asserts its reason and that nothing was changed. */
  async function assertRefused(service: string, adopt: Partial<Adopt>, reason: RegExp, request = {}) {
    const since = Date.now();
    const backupBefore = await scheduledBackupOf(service);
    await h.withWorker(async (taskQueue) => {
      const handle = await h.adopt(service, taskQueue, adopt, request);
      const failure = await workflowFailure(handle.result());
      assert.equal(failure.type, FailureType.AdoptionRefused);
      assert.match(failure.message, reason);
    });
    for (const method of ['services.patch', 'services.startMigration', 'services.cancelMigration']) {
      assert.equal(await received(method, service, since), 0, `no ${method}`);
    }
    assert.deepEqual(await scheduledBackupOf(service), backupBefore);
  }

  it('is refused with AdoptionRefused, changing nothing, when no execution is active', async () => {
    await assertRefused(await h.seedService(), { restoreBackups: true }, /no migration execution is active/);
  });

  it('is refused when the config names another source, another execution id, or backups it cannot turn on', async () => {
    const service = await h.seedService({ scheduledBackup: { enabled: false } });
    const started = await startMigration(h.emulator, service, { migrationExecution: plaintextMigrationExecution() });
    assert.equal(started.status, 200, started.text);
    await waitForState(h.emulator, service, 'MIGRATING');
    const elsewhere = migrationExecutionRequest({
      port: 3307,
      database: 'hive',
      hiveUser: 'hive',
      cdcUser: 'datastream',
    });
    await assertRefused(service, {}, /cloudSqlConnectionConfig\.port is 1 in the execution, 3307 in the config/, {
      migrationExecution: elsewhere,
    });
    await assertRefused(service, {}, /not other-id/, { migrationExecutionId: 'other-id' });
    await assertRefused(service, { restoreBackups: true }, /no cronSchedule and backupLocation of its own/);
  });

  it('is refused under another workflow id: a second workflow cannot take over the execution a run drives', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const owner = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      const request = { service, migrationExecution: migrationExecutionRequest(), adopt: {}, options: FAST_OPTIONS };
      const intruder = await h.env.client.workflow.start<typeof managedMigration>(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `intruder/${service}`,
        args: [{ request }],
      });
      const failure = await workflowFailure(intruder.result());
      assert.equal(failure.type, FailureType.AdoptionRefused);
      assert.match(failure.message, /must have the workflow id migration\//);
      assert.equal((await h.status(service)).stage, 'REPLICATION', 'the owner drives on');
      await owner.executeUpdate(requestCancelUpdate, { args: [{ by: 'test' }] });
      assert.equal((await owner.result()).outcome, 'CANCELLED');
    });
  });
});
