// Bad input that reaches the workflow without our CLI: a start from the stock Temporal CLI, update and signal
// payloads from anywhere. Each is refused (or, for signals, ignored) before any mutating call reaches the API.
// Real dev server, real activities, the emulator over HTTP.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FailureType } from '../../src/migration/failure-types';
import { WORKFLOW_TYPE } from '../../src/migration/names';
import { requestCancelUpdate, requestCompleteUpdate } from '../../src/workflows/messages';
import { admin } from '../helpers/emulator';
import { updateRefusal, workflowFailure } from '../helpers/failures';
import { FAST_OPTIONS, migrationExecutionRequest, waitFor, COMPLETE_UNREACHED } from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(async () => {
  await h?.close();
});

const MUTATING = [
  'services.patch',
  'services.startMigration',
  'services.completeMigration',
  'services.cancelMigration',
  'services.migrationExecutions.delete',
] as const;
const PLAINTEXT = 'Plaintext-Workflow-Input-7e3b';

async function requestCounts(): Promise<Record<string, number>> {
  return (await admin<{ requests: Record<string, number> }>(h.emulator, 'stats')).requests;
}

function assertNoMutatingCall(before: Record<string, number>, after: Record<string, number>): void {
  for (const method of MUTATING) assert.equal(after[method] ?? 0, before[method] ?? 0, `${method} was called`);
}

/** A valid request as plain JSON: what a stock-CLI user would paste, and then break. */
function goodRequest(service: string): Record<string, unknown> {
  return structuredClone({ service, migrationExecution: migrationExecutionRequest(), options: FAST_OPTIONS });
}

type Breaker = (request: Record<string, unknown>) => unknown;
const cdcConfig = (request: Record<string, unknown>) =>
  (request['migrationExecution'] as { cloudSqlMigrationConfig: { cdcConfig: Record<string, unknown> } })
    .cloudSqlMigrationConfig.cdcConfig;

/** name → how the request is broken → the issue path the failure must name. */
const BAD_STARTS: Array<[string, Breaker, string, RegExp]> = [
  [
    'a service id of one character',
    (r) => ({ ...r, service: 'projects/test-project/locations/us-central1/services/x' }),
    'request.service',
    /service id/,
  ],
  [
    // Longer than Temporal's 255-character ID limit allows for verify/<service>/<uuid> (SQL visibility).
    'a service name of 212 characters',
    (r) => ({ ...r, service: `projects/${'d'.repeat(145)}.com:test-project/locations/us-central1/services/long-name` }),
    'request.service',
    /is 212 characters; at most 211/,
  ],
  [
    'a service that is not a resource name',
    (r) => ({ ...r, service: 'my-metastore' }),
    'request.service',
    /projects\//,
  ],
  [
    'pollIntervalSeconds 0',
    (r) => ({ ...r, options: { pollIntervalSeconds: 0 } }),
    'request.options.pollIntervalSeconds',
    /seconds from 0\.1 to 3600/,
  ],
  [
    'maxHistoryEvents out of range',
    (r) => ({ ...r, options: { maxHistoryEvents: 10 } }),
    'request.options.maxHistoryEvents',
    /from 50 to 40000/,
  ],
  [
    'an unknown option',
    (r) => ({ ...r, options: { pollInterval: 5 } }),
    'request.options',
    /unknown field "pollInterval" \(did you mean "pollIntervalSeconds"\?\)/,
  ],
  [
    'a plaintext password',
    (r) => {
      cdcConfig(r)['password'] = PLAINTEXT;
      return r;
    },
    'request.migrationExecution.cloudSqlMigrationConfig.cdcConfig.password',
    /plaintext passwords are refused/,
  ],
  [
    'a subnetIpRange of /30',
    (r) => {
      cdcConfig(r)['subnetIpRange'] = '10.0.0.0/30';
      return r;
    },
    'request.migrationExecution.cloudSqlMigrationConfig.cdcConfig.subnetIpRange',
    /at least \/29/,
  ],
  [
    'a bad migrationExecutionId',
    (r) => ({ ...r, migrationExecutionId: 'Hms_Migration' }),
    'request.migrationExecutionId',
    /2-63 characters/,
  ],
  [
    'a requestId next to the request',
    (r) => ({ ...r, requestId: randomUUID() }),
    'request',
    /unknown field "requestId"/,
  ],
  [
    'no migrationExecution',
    (r) => ({ ...r, migrationExecution: undefined }),
    'request.migrationExecution',
    /^is required/,
  ],
  [
    'a string instead of the request',
    () => 'start the migration',
    'request',
    /must be a migration request.*not a string/,
  ],
];

describe('a bad workflow input (as the stock Temporal CLI could send it)', () => {
  for (const [name, breakRequest, path, message] of BAD_STARTS) {
    it(`fails INVALID_ARGUMENT naming ${path} for ${name}, before any API call`, async () => {
      const service = await h.seedService();
      const before = await requestCounts();
      const failure = await h.withWorker(async (taskQueue) => {
        const handle = await h.env.client.workflow.start(WORKFLOW_TYPE, {
          taskQueue,
          workflowId: `bad-input/${randomUUID()}`,
          args: [{ request: breakRequest(goodRequest(service)) }],
        });
        return workflowFailure(handle.result());
      });
      assert.equal(failure.type, FailureType.InvalidArgument);
      assert.equal(failure.nonRetryable, true);
      const line = failure.message.split('\n').find((l) => l.startsWith(`${path}: `));
      assert.ok(line, `no issue for ${path} in:\n${failure.message}`);
      assert.match(line.slice(path.length + 2), message);
      assert.ok(!failure.message.includes(PLAINTEXT), 'the failure does not repeat the password');
      assert.deepEqual(await requestCounts(), before, 'no API call at all');
    });
  }
});

/** payload → the path its refusal must name and what it must say. */
const BAD_UPDATES: Array<[unknown, string, RegExp]> = [
  [{ by: 42 }, 'by', /must be a string of at most 200 characters.*not a number/],
  [{ reason: 5 }, 'reason', /must be a string of at most 2000 characters/],
  [{ by: 'x'.repeat(201) }, 'by', /at most 200 characters/],
  [{ reason: 'x'.repeat(2001) }, 'reason', /at most 2000 characters/],
  [{ by: null }, 'by', /not null/],
  [{ who: 'x' }, '(root)', /unknown field "who"/],
  [{ by: 'alice', reasn: 'typo' }, '(root)', /unknown field "reasn" \(did you mean "reason"\?\)/],
  ['complete now', '(root)', /must be an object \{ by\?, reason\?, override\? \}, not a string/],
  [42, '(root)', /not a number/],
  [['alice'], '(root)', /not a list/],
  [null, '(root)', /not null/],
];

describe('bad update payloads', () => {
  it('refuses each with INVALID_ARGUMENT naming the field, records nothing, and completes on a good update', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      const before = await requestCounts();
      for (const [index, [payload, path, message]] of BAD_UPDATES.entries()) {
        const update = index % 2 === 0 ? requestCompleteUpdate : requestCancelUpdate;
        const shown = JSON.stringify(payload).slice(0, 40);
        const failure = await updateRefusal(handle.executeUpdate(update, { args: [payload as never] }));
        assert.equal(failure.type, FailureType.InvalidArgument, shown);
        const line = failure.message.split('\n').find((l) => l.startsWith(`${path}: `));
        assert.ok(line, `no issue for ${path} for ${shown} in:\n${failure.message}`);
        assert.match(line, message, shown);
      }
      const status = await h.status(service);
      assert.deepEqual(status.requests, [], 'a refused update leaves no record');
      assert.equal(status.stage, 'REPLICATION');
      assertNoMutatingCall(before, await requestCounts());

      const answer = await handle.executeUpdate(requestCompleteUpdate, {
        args: [{ ...COMPLETE_UNREACHED, by: 'alice' }],
      });
      assert.equal(answer.accepted, true);
      assert.equal((await handle.result()).outcome, 'SUCCEEDED');
    });
  });
});

const BAD_SIGNALS: unknown[] = [42, 'now', ['bob'], true, { by: 7 }, { reason: 'x'.repeat(3000) }, { who: 'mallory' }];

describe('bad signal payloads', () => {
  it('ignores cancel signals with malformed arguments: the migration still completes on a later update', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      const before = await requestCounts();
      for (const payload of BAD_SIGNALS) await handle.signal('cancel', payload);
      // Signals have no answer: wait until a workflow task has completed after the last of them.
      await waitFor('the bad signals to be processed', async () => {
        const events = (await handle.fetchHistory()).events ?? [];
        const lastSignal = events.findLastIndex((e) => e.workflowExecutionSignaledEventAttributes);
        const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
        const completedAfter = events.slice(lastSignal).some((e) => e.workflowTaskCompletedEventAttributes);
        return signals === BAD_SIGNALS.length && completedAfter;
      });
      const status = await h.status(service);
      assert.deepEqual(status.requests, [], 'an ignored signal leaves no record');
      assert.equal(status.decision, undefined);
      assert.equal(status.stage, 'REPLICATION');
      assertNoMutatingCall(before, await requestCounts());

      await handle.executeUpdate(requestCompleteUpdate, {
        args: [{ ...COMPLETE_UNREACHED, by: 'alice', reason: 'after the noise' }],
      });
      assert.equal((await handle.result()).outcome, 'SUCCEEDED');
      assert.deepEqual(
        (await h.status(service)).requests.map((r) => [r.action, r.by, r.via]),
        [['complete', 'alice', 'update']],
      );
    });
  });

  it('takes a null argument as a bare signal (as a UI with an empty input may send it)', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      await handle.signal('cancel', null);
      assert.equal((await handle.result()).outcome, 'CANCELLED');
    });
  });
});
