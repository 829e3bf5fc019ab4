// The run's error boundary: only a failed activity or a deliberate ending may end a migration. A bug in workflow
// code fails the workflow task instead — the server retries it until a fixed build runs — so the migration, its
// execution and its disabled backups stay as they are, and the fixed build carries on. Malformed input, which no
// build can fix, fails the run at once. Real dev server, real activities, the emulator over HTTP.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { FailureType } from '../../src/migration/failure-types';
import { WORKFLOW_TYPE } from '../../src/migration/names';
import { workflowBundleOptions } from '../../src/runtime/workflow-bundle';
import { MigrationStageKey } from '../../src/workflows/messages';
import { admin } from '../helpers/emulator';
import { workflowFailure } from '../helpers/failures';
import {
  FAST_OPTIONS,
  ORIGINAL_BACKUP,
  migrationExecutionRequest,
  waitFor,
  COMPLETE_UNREACHED,
} from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;
let buggyBuild: { code: string };
before(async () => {
  [h, buggyBuild] = await Promise.all([
    createHarness(),
    bundleWorkflowCode({
      ...workflowBundleOptions(),
      workflowInterceptorModules: [require.resolve('./builds/bug-at-cutover')],
      logger: new DefaultLogger('WARN'),
    }),
  ]);
});
after(async () => {
  await h?.close();
});

async function requestCounts(): Promise<Record<string, number>> {
  return (await admin<{ requests: Record<string, number> }>(h.emulator, 'stats')).requests;
}

describe('a bug in workflow code', () => {
  it('fails the workflow task mid-REPLICATION, keeps backups disabled, and a fixed build completes the migration', async () => {
    const service = await h.seedService();
    const taskQueue = `bug-${randomUUID()}`;
    const handle = await h.withWorker(
      async () => {
        const started = await h.start(service, taskQueue);
        await h.waitForStage(service, 'REPLICATION');
        return started;
      },
      undefined,
      { taskQueue },
    );

    // The buggy build takes over; the engineer's complete makes it schedule the cutover checks, and it throws.
    const completesBefore = (await requestCounts())['services.completeMigration'] ?? 0;
    const failedTask = await h.withWorker(
      async () => {
        await handle.signal('complete', { ...COMPLETE_UNREACHED, by: 'alice', reason: 'cutover window' });
        return waitFor('a failed workflow task', async () => {
          const events = (await handle.fetchHistory()).events ?? [];
          return events.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes;
        });
      },
      undefined,
      { taskQueue, workflowBundle: buggyBuild },
    );
    assert.match(failedTask?.failure?.message ?? '', /Cannot read properties of undefined/);

    // The run stays open and untouched: no ending, no complete sent, backups still off, the execution replicating.
    const description = await handle.describe();
    assert.equal(description.status.name, 'RUNNING');
    assert.equal((await requestCounts())['services.completeMigration'] ?? 0, completesBefore);
    const found = await h.metastore.getService(service);
    assert.equal(found.scheduledBackup?.enabled, false, 'scheduled backups stay disabled while the run waits');
    // (No query: it would need a worker that can run this workflow, and the only build at hand has the bug.)
    assert.equal(description.typedSearchAttributes.get(MigrationStageKey), 'REPLICATION');
    const executions = await h.metastore.listAllMigrationExecutions(service);
    assert.deepEqual(
      executions.map((e) => e.state),
      ['RUNNING'],
    );

    // A fixed build (today's) retries the task from history and carries on: the complete goes through.
    const result = await h.withWorker(() => handle.result(), undefined, { taskQueue });
    assert.equal(result.outcome, 'SUCCEEDED');
    assert.equal(result.backupsRestored, true);
    assert.deepEqual(
      result.requests.map((r) => [r.action, r.by, r.accepted]),
      [['complete', 'alice', true]],
    );
    assert.deepEqual((await h.metastore.getService(service)).scheduledBackup?.enabled, ORIGINAL_BACKUP.enabled);
  });
});

/** Inputs the stock CLI can send that are not even `{ request: {…} }`. */
const MALFORMED_INPUTS: Array<[string, unknown[], RegExp]> = [
  ['no argument at all', [], /^\(input\): must be an object \{ request \}, not absent$/m],
  ['null', [null], /^\(input\): must be an object \{ request \}, not null$/m],
  ['a list', [['projects/p/locations/l/services/s']], /^\(input\): must be an object \{ request \}, not a list$/m],
  ['an object without request', [{}], /^request: is required: a migration request/m],
  ['request null', [{ request: null }], /^request: must be a migration request.*, not null$/m],
];

describe('malformed workflow input', () => {
  for (const [name, args, message] of MALFORMED_INPUTS) {
    it(`fails the run at once with INVALID_ARGUMENT for ${name}, before any API call`, async () => {
      const before = await requestCounts();
      const failure = await h.withWorker(async (taskQueue) => {
        const handle = await h.env.client.workflow.start(WORKFLOW_TYPE, {
          taskQueue,
          workflowId: `bad-input/${randomUUID()}`,
          args,
        });
        const failed = await workflowFailure(handle.result());
        // Failed by the run's first workflow task: no task failed and was retried.
        const events = (await handle.fetchHistory()).events ?? [];
        assert.equal(events.filter((e) => e.workflowTaskFailedEventAttributes).length, 0);
        return failed;
      });
      assert.equal(failure.type, FailureType.InvalidArgument);
      assert.equal(failure.nonRetryable, true);
      assert.match(failure.message, message);
      assert.deepEqual(await requestCounts(), before, 'no API call at all');
    });
  }
});

describe('a start that tries to skip the rules', () => {
  /** A valid request as plain JSON, as a stock-CLI user would paste it. */
  const requestFor = (service: string) =>
    structuredClone({ service, migrationExecution: migrationExecutionRequest(), options: FAST_OPTIONS });

  it('refuses carried state on a fresh start (a forged DONE with backups to restore elsewhere), before any API call', async () => {
    const service = await h.seedService();
    const before = await requestCounts();
    const forged = {
      stage: 'DONE',
      stageHistory: [],
      requestIds: { disableBackups: randomUUID(), start: randomUUID(), restoreBackups: randomUUID() },
      backupsDisabled: true,
      backupsRestored: false,
      savedScheduledBackup: { enabled: true, cronSchedule: '0 * * * *', backupLocation: 'gs://attacker-bucket/x' },
      requests: [],
    };
    const failure = await h.withWorker(async (taskQueue) => {
      const handle = await h.env.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `forged/${randomUUID()}`,
        args: [{ request: requestFor(service), state: forged }],
      });
      return workflowFailure(handle.result());
    });
    assert.equal(failure.type, FailureType.InvalidArgument);
    assert.match(failure.message, /^state: is carried only by this workflow's own continue-as-new/m);
    assert.deepEqual(await requestCounts(), before, 'no API call at all');
    assert.deepEqual((await h.metastore.getService(service)).scheduledBackup, ORIGINAL_BACKUP);
  });

  it('refuses a workflow retry policy', async () => {
    const service = await h.seedService();
    const before = await requestCounts();
    const failure = await h.withWorker(async (taskQueue) => {
      const handle = await h.env.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `retried/${randomUUID()}`,
        args: [{ request: requestFor(service) }],
        retry: { maximumAttempts: 3 },
      });
      return workflowFailure(handle.result());
    });
    assert.equal(failure.type, FailureType.InvalidArgument);
    assert.match(failure.message, /^retryPolicy: /m);
    assert.deepEqual(await requestCounts(), before, 'no API call at all');
  });

  it('refuses a cron schedule in every run, before any API call', async () => {
    const service = await h.seedService();
    const before = await requestCounts();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.env.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `cron/${randomUUID()}`,
        args: [{ request: requestFor(service) }],
        cronSchedule: '@every 1s',
      });
      try {
        // Cron runs follow one another (the latest one always waiting for its time): read the first run's history.
        const firstRun = h.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
        const failed = await waitFor('the first cron run to fail', async () => {
          const events = (await firstRun.fetchHistory()).events ?? [];
          return events.find((e) => e.workflowExecutionFailedEventAttributes)?.workflowExecutionFailedEventAttributes;
        });
        assert.equal(failed?.failure?.applicationFailureInfo?.type, FailureType.InvalidArgument);
        assert.match(failed?.failure?.message ?? '', /^cronSchedule: /m);
      } finally {
        await handle.terminate('test over');
      }
    });
    assert.deepEqual(await requestCounts(), before, 'no API call at all');
  });
});
