// Once a migration runs, no answer of the API ends it: a refused or unreadable read is an incident shown in status
// while the polls go on, a refused complete is set aside and the engineer asks again, and a run that must end while
// its execution is still active leaves scheduled backups off and says so. Real dev server, real activities, the
// emulator's faults over HTTP.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { FailureType } from '../../src/migration/failure-types';
import { MAX_REQUESTS } from '../../src/migration/state';
import { MigrationAttentionKey, requestCompleteUpdate } from '../../src/workflows/messages';
import { workflowIdFor } from '../../src/migration/names';
import { admin } from '../helpers/emulator';
import { updateRefusal, workflowFailure } from '../helpers/failures';
import { waitFor, COMPLETE_UNREACHED } from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(async () => {
  await h?.close();
});
afterEach(async () => {
  await clearFaults();
  await admin(h.emulator, 'newer-api', undefined, 'DELETE');
});

const clearFaults = () => admin(h.emulator, 'faults', undefined, 'DELETE');

/** How many reads of an execution the emulator has refused so far. */
async function refusedReads(): Promise<number> {
  const stats = await admin<{ faults: Record<string, number> }>(h.emulator, 'stats');
  return stats.faults['services.migrationExecutions.get'] ?? 0;
}

/** The MigrationAttention search attribute, as the Web UI filters on it. */
async function attention(service: string): Promise<string | undefined> {
  const described = await h.env.client.workflow.getHandle(workflowIdFor(service)).describe();
  return described.typedSearchAttributes.get(MigrationAttentionKey);
}

async function backupsEnabled(service: string): Promise<boolean | undefined> {
  return (await h.metastore.getService(service)).scheduledBackup?.enabled;
}

describe('a refused or unreadable read while replicating', () => {
  it('is an incident: PERMISSION_DENIED on every read keeps the run waiting, backups off, then complete succeeds', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      // An IAM change: every read of the execution and the service is refused, for several polls.
      for (const method of ['services.migrationExecutions.get', 'services.get']) {
        await admin(h.emulator, 'faults', { method, rate: 1, error: { status: 'PERMISSION_DENIED' } });
      }
      await waitFor('a PERMISSION_DENIED incident', async () => {
        const e = (await h.status(service)).lastError;
        return e?.type === 'PERMISSION_DENIED' && !e.resolvedAt;
      });
      await waitFor('three more refused reads', async () => (await refusedReads()) >= 4);
      const failing = await h.status(service);
      assert.equal(failing.stage, 'REPLICATION', 'a refused read does not end the run');
      assert.equal(failing.outcome, undefined);
      assert.equal(failing.lastError?.type, 'PERMISSION_DENIED');
      assert.equal(failing.lastError?.resolvedAt, undefined);
      assert.ok(failing.lastError?.since && failing.lastError.since <= failing.lastError.at);
      assert.equal(await attention(service), 'INCIDENT', 'the Web UI and the fleet gauge see that a person is needed');
      // The role is granted back: the next read works and the incident is resolved.
      await clearFaults();
      assert.equal(await backupsEnabled(service), false, 'backups stayed off through the incident');
      await waitFor('the incident resolved', async () => (await h.status(service)).lastError?.resolvedAt);
      await waitFor('MigrationAttention NONE again', async () => (await attention(service)) === 'NONE');
      await handle.executeUpdate(requestCompleteUpdate, { args: [{ ...COMPLETE_UNREACHED, by: 'alice' }] });
      const result = await handle.result();
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.equal(result.backupsRestored, true);
    });
  });

  it('is an incident: a 200 whose body breaks the contract keeps the run waiting', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      const replicating = await h.waitForStage(service, 'REPLICATION');
      const execution = replicating.execution!.name;
      // The execution's name comes back as a number: the response does not parse.
      await admin(h.emulator, 'newer-api', { name: execution, fields: { name: 42 } });
      const failing = await waitFor('a ContractViolation incident', async () => {
        const status = await h.status(service);
        return status.lastError?.type === FailureType.ContractViolation && !status.lastError.resolvedAt
          ? status
          : undefined;
      });
      assert.equal(failing.stage, 'REPLICATION');
      assert.equal(failing.execution?.state, 'RUNNING', 'the last good read is kept');
      await admin(h.emulator, 'newer-api', { name: execution, fields: {} });
      await waitFor('the incident resolved', async () => (await h.status(service)).lastError?.resolvedAt);
      await handle.executeUpdate(requestCompleteUpdate, { args: [COMPLETE_UNREACHED] });
      assert.equal((await handle.result()).outcome, 'SUCCEEDED');
    });
  });
});

describe('a decision the API refuses', () => {
  it('sets a refused complete aside with the reason, keeps waiting, and a second complete succeeds', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      const refusal = { status: 'FAILED_PRECONDITION', message: 'the execution changed state a moment ago' };
      await admin(h.emulator, 'faults', { method: 'services.completeMigration', count: 1, error: refusal });
      await handle.executeUpdate(requestCompleteUpdate, {
        args: [{ ...COMPLETE_UNREACHED, by: 'alice', reason: 'first try' }],
      });
      const waiting = await waitFor('the complete set aside', async () => {
        const status = await h.status(service);
        return status.requests.some((r) => r.action === 'complete' && !r.accepted) && status.stage === 'REPLICATION'
          ? status
          : undefined;
      });
      const [first] = waiting.requests;
      assert.equal(first?.by, 'alice');
      assert.match(first?.note ?? '', /^refused by the API: FAILED_PRECONDITION: .*changed state a moment ago/);
      assert.equal(waiting.decision, undefined, 'nothing is pending: the engineer asks again');
      assert.equal(waiting.outcome, undefined);
      assert.equal(await backupsEnabled(service), false);

      await handle.executeUpdate(requestCompleteUpdate, {
        args: [{ ...COMPLETE_UNREACHED, by: 'alice', reason: 'second try' }],
      });
      const result = await handle.result();
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.deepEqual(
        result.requests.map((r) => [r.reason, r.accepted]),
        [
          ['first try', false],
          ['second try', true],
        ],
      );
    });
  });

  it('leaves backups off when the run must end while the execution still runs, and says so', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      // Cancelling the workflow cancels the migration; the API refuses the cancel every time.
      const refusal = { status: 'PERMISSION_DENIED', message: 'the caller may not cancel' };
      await admin(h.emulator, 'faults', { method: 'services.cancelMigration', rate: 1, error: refusal });
      await handle.cancel();
      const failure = await workflowFailure(handle.result());
      await clearFaults();
      assert.equal(failure.type, FailureType.BackupRestoreFailed);
      assert.match(failure.message, /^scheduled backups left disabled: migration execution .* is still RUNNING/);
      assert.equal(await backupsEnabled(service), false, 'no backups are taken while the migration runs');
      assert.equal(await attention(service), 'BACKUPS_OFF', 'the closed run is marked for someone to turn them on');
      const executions = await h.metastore.listAllMigrationExecutions(service);
      assert.deepEqual(
        executions.map((e) => e.state),
        ['RUNNING'],
      );
    });
  });
});

describe('a flood of decisions', () => {
  it('keeps the newest request records, counts the rest, refuses oversized overrides, and completes', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      const replicating = await h.waitForStage(service, 'REPLICATION');
      const execution = replicating.execution!.name;
      // While the execution awaits user action a complete is held, and every later one is recorded as a repeat.
      await admin(h.emulator, 'executions:awaitUserAction', {
        name: execution,
        stateMessage: 'grant REPLICATION CLIENT',
      });
      await waitFor(
        'AWAITING_USER_ACTION seen',
        async () => (await h.status(service)).execution?.state === 'AWAITING_USER_ACTION',
      );
      const signals = MAX_REQUESTS * 3;
      for (let i = 0; i < signals; i++)
        await handle.signal('complete', { ...COMPLETE_UNREACHED, by: `flood-${i}`, reason: 'x'.repeat(2000) });
      const flooded = await waitFor('every signal recorded', async () => {
        const status = await h.status(service);
        return status.requests.length + (status.requestsDropped ?? 0) === signals ? status : undefined;
      });
      assert.equal(flooded.requests.length, MAX_REQUESTS);
      assert.equal(flooded.requestsDropped, signals - MAX_REQUESTS);
      assert.equal(flooded.requests.at(-1)?.by, `flood-${signals - 1}`, 'the newest are kept');
      assert.equal(flooded.decision?.by, 'flood-0', 'the accepted decision is kept whatever is dropped');
      assert.ok(JSON.stringify(flooded).length < 200_000, 'the state stays small');
      // An override of a megabyte is refused by the validator, naming the field, and records nothing.
      const huge = await updateRefusal(
        handle.executeUpdate(requestCompleteUpdate, {
          args: [{ ...COMPLETE_UNREACHED, override: ['a'.repeat(1_000_000)] }],
        }),
      );
      assert.equal(huge.type, FailureType.InvalidArgument);
      assert.match(huge.message, /^override\.0: must be a check id of at most 100 characters/m);
      await admin(h.emulator, 'executions:resume', { name: execution });
      const result = await handle.result();
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.equal(result.requests.length, MAX_REQUESTS);
    });
  });
});
