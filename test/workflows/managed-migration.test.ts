// The managed-migration workflow on a real Temporal dev server, with the real activities talking HTTP
// to the emulator. Each test uses its own service (so its own workflow id) and task queue.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { admin } from '../helpers/emulator';
import { rejectionOf } from '../helpers/failures';
import {
  ORIGINAL_BACKUP,
  SECRET_ENV,
  migrationExecutionRequest,
  waitFor,
  COMPLETE_UNREACHED,
} from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import { MigrationOutcomeKey } from '../../src/workflows/messages';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;

before(async () => {
  h = await createHarness();
});
after(async () => {
  await h?.close();
});

const failureOf = (promise: Promise<unknown>) => rejectionOf(promise, WorkflowFailedError);

function failureType(err: WorkflowFailedError): string | undefined {
  return err.cause instanceof ApplicationFailure ? (err.cause.type ?? undefined) : undefined;
}

async function scheduledBackupOf(service: string) {
  return (await h.metastore.getService(service)).scheduledBackup;
}

function assertBackupsRestored(backup: Awaited<ReturnType<typeof scheduledBackupOf>>) {
  assert.equal(backup?.enabled, ORIGINAL_BACKUP.enabled);
  assert.equal(backup?.cronSchedule, ORIGINAL_BACKUP.cronSchedule);
  assert.equal(backup?.timeZone, ORIGINAL_BACKUP.timeZone);
  assert.equal(backup?.backupLocation, ORIGINAL_BACKUP.backupLocation);
}

async function stats(): Promise<{ requests: Record<string, number> }> {
  return admin<{ requests: Record<string, number> }>(h.emulator, 'stats');
}

describe('managed migration workflow', () => {
  it('runs precheck → start → REPLICATION → complete to SUCCEEDED and restores backups', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      const waiting = await h.waitForStage(service, 'REPLICATION');
      assert.equal(waiting.execution?.state, 'RUNNING');
      assert.equal(waiting.execution?.phase, 'REPLICATION');
      assert.equal(waiting.serviceState, 'MIGRATING');
      assert.deepEqual(waiting.savedScheduledBackup, ORIGINAL_BACKUP);
      assert.equal((await scheduledBackupOf(service))?.enabled, false, 'backups are off while migrating');
      assert.ok(waiting.lastPollTime, 'status shows the time of the last poll');

      await handle.signal('complete', { ...COMPLETE_UNREACHED, by: 'alice', reason: 'all clusters moved' });
      const result = await handle.result();
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.equal(result.execution?.state, 'SUCCEEDED');
      assert.equal(result.serviceState, 'ACTIVE');
      assert.equal(result.backupsRestored, true);

      const execution = await h.metastore.getMigrationExecution(result.execution!.name);
      assert.equal(execution.state, 'SUCCEEDED');
      assert.equal(execution.phase, 'CUTOVER');
      assert.equal((await h.metastore.getService(service)).state, 'ACTIVE');
      assertBackupsRestored(await scheduledBackupOf(service));

      const status = await h.status(service);
      assert.equal(status.stage, 'DONE');
      assert.deepEqual(
        status.stageHistory.map((s) => s.stage),
        ['PRECHECK', 'DISABLING_BACKUPS', 'STARTING', 'REPLICATION', 'COMPLETING', 'RESTORING_BACKUPS', 'DONE'],
      );
      assert.equal(status.requests.length, 1);
      assert.equal(status.requests[0]?.by, 'alice');
      assert.equal(status.requests[0]?.reason, 'all clusters moved');
      assert.equal(status.requests[0]?.accepted, true);
    });
  });

  it('accepts complete and cancel signals sent with no argument', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      await handle.signal('cancel');
      const result = await handle.result();
      assert.equal(result.outcome, 'CANCELLED');
      assert.equal((await h.status(service)).requests[0]?.by, undefined);
    });
  });

  it('cancels while waiting in REPLICATION: execution CANCELLED, service ACTIVE, backups restored', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      await handle.signal('cancel', { by: 'bob', reason: 'rollback drill' });
      const result = await handle.result();
      assert.equal(result.outcome, 'CANCELLED');
      assert.equal(result.execution?.state, 'CANCELLED');
      assert.equal((await h.metastore.getService(service)).state, 'ACTIVE');
      assertBackupsRestored(await scheduledBackupOf(service));
      // A complete after the end is recorded as refused, and changes nothing.
      const status = await h.status(service);
      assert.equal(status.outcome, 'CANCELLED');
      // The Web UI's list: the workflow completed, the migration was cancelled; its details say the same.
      const described = await handle.describe();
      assert.equal(described.status.name, 'COMPLETED');
      assert.equal(described.typedSearchAttributes.get(MigrationOutcomeKey), 'CANCELLED');
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      assert.match(
        metadata.currentDetails ?? '',
        /^DPMS migration · CANCELLED · ended \S+ \S+ UTC · execution CANCELLED$/,
      );
    });
  });

  it('refuses a complete that arrives after cancel, and keeps who asked', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      await handle.signal('cancel', { by: 'bob' });
      await handle.signal('complete', { ...COMPLETE_UNREACHED, by: 'alice' });
      const result = await handle.result();
      assert.equal(result.outcome, 'CANCELLED');
      const requests = (await h.status(service)).requests;
      assert.deepEqual(
        requests.map((r) => [r.action, r.by, r.accepted]),
        [
          ['cancel', 'bob', true],
          ['complete', 'alice', false],
        ],
      );
    });
  });

  it('fails with MigrationFailed when the execution turns FAILED while waiting, and restores backups', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      const waiting = await h.waitForStage(service, 'REPLICATION');
      await admin(h.emulator, 'executions:fail', {
        name: waiting.execution!.name,
        stateMessage: 'Datastream lost binlog position',
      });
      const err = await failureOf(handle.result());
      assert.equal(failureType(err), 'MigrationFailed');
      assert.match(err.cause?.message ?? '', /Datastream lost binlog position/);
      const status = await h.status(service);
      assert.equal(status.outcome, 'FAILED');
      assert.equal(status.execution?.state, 'FAILED');
      assert.equal(status.backupsRestored, true);
      assertBackupsRestored(await scheduledBackupOf(service));
    });
  });

  it('ends CANCELLED when someone cancels the migration outside the workflow', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      const waiting = await h.waitForStage(service, 'REPLICATION');
      await admin(h.emulator, 'executions:cancel', { name: waiting.execution!.name });
      const result = await handle.result();
      assert.equal(result.outcome, 'CANCELLED');
      assert.match(result.message ?? '', /outside this workflow/);
      assertBackupsRestored(await scheduledBackupOf(service));
    });
  });

  it('fails with ServiceGone when the service disappears while waiting', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      await admin(h.emulator, 'services:remove', { name: service });
      const err = await failureOf(handle.result());
      assert.equal(failureType(err), 'ServiceGone');
      assert.equal((await h.status(service)).outcome, 'SERVICE_GONE');
    });
  });

  it('creates no second execution when the start call times out after the API accepted it', async () => {
    const service = await h.seedService();
    // The API applies the first start, then answers only after the activity's 2 s timeout: a retry follows.
    await admin(h.emulator, 'faults', { method: 'services.startMigration', delayResponseMs: 4000, count: 1 });
    const startsBefore = (await stats()).requests['services.startMigration'] ?? 0;
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue, { apiTimeoutSeconds: 2 });
      await h.waitForStage(service, 'REPLICATION');
      await handle.signal('complete', COMPLETE_UNREACHED);
      assert.equal((await handle.result()).outcome, 'SUCCEEDED');
    });
    const startsAfter = (await stats()).requests['services.startMigration'] ?? 0;
    assert.ok(startsAfter - startsBefore >= 2, `the start was retried (${startsAfter - startsBefore} calls)`);
    const executions = await h.metastore.listAllMigrationExecutions(service);
    assert.equal(executions.length, 1, 'exactly one migration execution exists');
    assert.equal(executions[0]?.state, 'SUCCEEDED');
  });

  it('refuses a second workflow for the same service while one runs', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      await assert.rejects(h.start(service, taskQueue), WorkflowExecutionAlreadyStartedError);
      await handle.signal('cancel');
      assert.equal((await handle.result()).outcome, 'CANCELLED');
    });
  });

  it('fails the precheck without any mutating call when a migration is already in flight', async () => {
    const service = await h.seedService();
    const started = await h.metastore.startMigration(service, {
      migrationExecution: { cloudSqlMigrationConfig: resolvedConfig() },
      requestId: '5f0c6c1e-9d0a-4b8e-8f43-1c2d3e4f5a6b',
    });
    await h.metastore.awaitOperation(started.name, { pollIntervalMs: 20 });
    const before = await stats();
    await h.withWorker(async (taskQueue) => {
      const err = await failureOf((await h.start(service, taskQueue)).result());
      assert.equal(failureType(err), 'PrecheckFailed');
      assert.match(err.cause?.message ?? '', /already in flight/);
    });
    const afterStats = await stats();
    for (const method of ['services.patch', 'services.startMigration', 'services.cancelMigration']) {
      assert.equal(afterStats.requests[method] ?? 0, before.requests[method] ?? 0, `${method} was not called`);
    }
    assert.equal((await scheduledBackupOf(service))?.enabled, true);
  });

  it('fails the precheck for a MYSQL service and leaves it untouched', async () => {
    const service = await h.seedService({ databaseType: 'MYSQL' });
    await h.withWorker(async (taskQueue) => {
      const err = await failureOf((await h.start(service, taskQueue)).result());
      assert.equal(failureType(err), 'PrecheckFailed');
      assert.match(err.cause?.message ?? '', /SPANNER/);
    });
    assertBackupsRestored(await scheduledBackupOf(service));
    assert.equal((await h.metastore.listAllMigrationExecutions(service)).length, 0);
  });

  it('fails the precheck naming the unresolvable secret before any change when the worker lacks a password', async () => {
    const service = await h.seedService();
    await h.withWorker(
      async (taskQueue) => {
        const err = await failureOf((await h.start(service, taskQueue)).result());
        assert.equal(failureType(err), 'PrecheckFailed');
        assert.match(err.cause?.message ?? '', /secrets: SecretUnresolved: .*env:CDC_PASSWORD/);
      },
      { HIVE_DB_PASSWORD: SECRET_ENV.HIVE_DB_PASSWORD },
    );
    assert.equal((await scheduledBackupOf(service))?.enabled, true);
    assert.equal((await h.metastore.listAllMigrationExecutions(service)).length, 0);
  });

  it('restores backups and cancels the migration when the workflow itself is cancelled', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      const waiting = await h.waitForStage(service, 'REPLICATION');
      await handle.cancel();
      const err = await failureOf(handle.result());
      assert.ok(err.cause instanceof CancelledFailure, 'the workflow ends cancelled');
      const execution = await h.metastore.getMigrationExecution(waiting.execution!.name);
      assert.equal(execution.state, 'CANCELLED');
      assertBackupsRestored(await scheduledBackupOf(service));
    });
  });

  it('leaves scheduled backups alone when they were disabled to begin with', async () => {
    const service = await h.seedService({ scheduledBackup: { enabled: false, cronSchedule: '0 1 * * *' } });
    const before = await stats();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      await handle.signal('complete', COMPLETE_UNREACHED);
      assert.equal((await handle.result()).outcome, 'SUCCEEDED');
    });
    assert.equal((await stats()).requests['services.patch'] ?? 0, before.requests['services.patch'] ?? 0);
    assert.equal((await scheduledBackupOf(service))?.enabled, false);
  });

  it('never writes a password into workflow history', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      await handle.signal('complete', COMPLETE_UNREACHED);
      await handle.result();
      const history = historyText(await handle.fetchHistory());
      assert.ok(history.includes('env:HIVE_DB_PASSWORD'), 'history holds the reference');
      for (const secret of Object.values(SECRET_ENV)) assert.ok(!history.includes(secret), 'history holds no password');
    });
  });
});

describe('cancel during start', () => {
  let slow: Harness;
  before(async () => {
    // Operations take 3 s here, so the cancel lands while the start operation is still running.
    slow = await createHarness({ operationDelayMs: 3000 });
  });
  after(async () => {
    await slow?.close();
  });

  it('cancels a migration whose start operation is still running, and restores backups', async () => {
    const service = await slow.seedService({ scheduledBackup: undefined });
    await slow.withWorker(async (taskQueue) => {
      const handle = await slow.start(service, taskQueue);
      await waitFor('the execution to exist in STARTING', async () => {
        const executions = await slow.metastore.listAllMigrationExecutions(service);
        return executions[0]?.state === 'STARTING';
      });
      await handle.signal('cancel', { reason: 'wrong subnet' });
      const result = await handle.result();
      assert.equal(result.outcome, 'CANCELLED');
      const status = await slow.status(service);
      assert.ok(!status.stageHistory.some((s) => s.stage === 'REPLICATION'), 'never reached REPLICATION');
      const executions = await slow.metastore.listAllMigrationExecutions(service);
      assert.equal(executions.length, 1);
      assert.equal(executions[0]?.state, 'CANCELLED');
      assert.equal((await slow.metastore.getService(service)).state, 'ACTIVE');
    });
  });
});

function resolvedConfig() {
  const config = migrationExecutionRequest().cloudSqlMigrationConfig!;
  return {
    cloudSqlConnectionConfig: { ...config.cloudSqlConnectionConfig, password: SECRET_ENV.HIVE_DB_PASSWORD },
    cdcConfig: { ...config.cdcConfig, password: SECRET_ENV.CDC_PASSWORD },
  };
}

/** The history as text with every payload's bytes decoded, so a search sees what the Web UI would show. */
function historyText(history: unknown): string {
  const decode = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (Array.isArray(value)) return value.map(decode);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, decode(inner)]));
    }
    return value;
  };
  return JSON.stringify(decode(history));
}
