// The rollout workflow on a real dev server with the emulator and the real activities: waves of members that are
// the services' own migration workflows (never children), the approval gate, the failure budget with retry, skip
// and resume, advance guarded by the wave number, abort that leaves members running, bad input, continue-as-new.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { RolloutInputArg } from '../../src/schemas/rollout';
import { workflowIdFor } from '../../src/migration/names';
import { migrationSummary } from '../../src/migration/summary';
import type { NotificationEvent } from '../../src/migration/notifications';
import type { DecisionRecord } from '../../src/migration/state';
import { requestCancelUpdate } from '../../src/workflows/messages';
import {
  ROLLOUT_WORKFLOW_TYPE,
  abortUpdate,
  advanceUpdate,
  approveUpdate,
  pauseUpdate,
  resumeUpdate,
  retryUpdate,
  rolloutWorkflowId,
  skipUpdate,
  statusQuery,
} from '../../src/workflows/rollout/messages';
import type { RolloutStatus } from '../../src/workflows/rollout/messages';
import type { rollout } from '../../src/workflows/rollout/workflow';
import { admin } from '../helpers/emulator';
import { FAST_OPTIONS, SOURCE_NOT_REACHED, migrationExecutionRequest, waitFor, RUN_TOKEN } from '../helpers/migration';
import { startReceiver } from '../helpers/receiver';
import type { Receiver } from '../helpers/receiver';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;
let receiver: Receiver;

before(async () => {
  [h, receiver] = await Promise.all([createHarness({ operationDelayMs: 100 }), startReceiver()]);
});
after(async () => {
  await Promise.allSettled([h?.close(), receiver?.close()]);
});

let rollouts = 0;
const ASKED = { by: 'alice', reason: 'rollout test' };

/** A start's template: every member's request, once (each member's own config merges over it). */
const TEMPLATE = { kind: 'incoming', migrationExecution: migrationExecutionRequest(), options: FAST_OPTIONS } as const;

function member(service: string) {
  return { service };
}

async function seed(count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, () => h.seedService()));
}

function startRollout(taskQueue: string, input: Omit<RolloutInputArg, 'name'> & { name?: string }) {
  const name = input.name ?? `r${RUN_TOKEN}-${++rollouts}`;
  return h.env.client.workflow.start<typeof rollout>(ROLLOUT_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: rolloutWorkflowId(name),
    args: [
      { rollout: { reconcileSeconds: 0.2, ...(input.action === 'start' && { template: TEMPLATE }), ...input, name } },
    ],
  });
}

function statusOf(handle: WorkflowHandle): Promise<RolloutStatus> {
  return handle.query(statusQuery);
}

async function waitForStatus(
  handle: WorkflowHandle,
  what: string,
  done: (status: RolloutStatus) => boolean,
): Promise<RolloutStatus> {
  return waitFor(what, async () => {
    const status = await statusOf(handle);
    return done(status) ? status : undefined;
  });
}

/** The refusal of an update: its validator's ApplicationFailure (type and message). */
async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => assert.fail('the update was accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
  assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
  return err.cause;
}

async function memberRunning(service: string): Promise<boolean> {
  const description = await h.env.client.workflow.getHandle(workflowIdFor(service)).describe();
  return description.status.name === 'RUNNING';
}

async function memberExists(service: string): Promise<boolean> {
  return h.env.client.workflow
    .getHandle(workflowIdFor(service))
    .describe()
    .then(
      () => true,
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      },
    );
}

async function terminateMembers(services: readonly string[]): Promise<void> {
  await Promise.allSettled(
    services.map((service) => h.env.client.workflow.getHandle(workflowIdFor(service)).terminate('test finished')),
  );
}

/** The notifications the receiver got from one rollout. */
function notificationsOf(name: string): NotificationEvent[] {
  return (receiver.accepted() as NotificationEvent[]).filter((event) => event.migration === rolloutWorkflowId(name));
}

describe('rollout: a start over waves', () => {
  it('starts a canary, waits at its approval gate, and a stale advance cannot pass a later gate', async () => {
    const services = await seed(4);
    const [canary, ...rest] = services;
    const name = `gates-${RUN_TOKEN}`;
    await h.withWorker(async (taskQueue) => {
      const handle = await startRollout(taskQueue, {
        name,
        action: 'start',
        notify: [receiver.url],
        waves: [
          { name: 'canary', canary: true, members: [member(canary!)], maxParallel: 1 },
          { name: 'main', members: rest.map(member), maxParallel: 2, gate: { advance: 'approval' } },
        ],
      });
      try {
        const atGate = await waitForStatus(handle, 'wave 1 at its approval gate', (s) => s.gate === 'approval');
        assert.equal(atGate.currentWave, 1);
        assert.equal(atGate.waves[0]!.counts.reached, 1);
        assert.equal((await h.status(canary!)).stage, 'REPLICATION');
        // Started as the CLI's `start` starts a migration: its own id and the same Web UI summary.
        const started = await h.env.client.workflow.getHandle(workflowIdFor(canary!)).describe();
        assert.equal(await started.staticSummary(), migrationSummary(canary!));
        // The gate holds the next wave: none of its members has a migration yet.
        for (const service of rest) assert.equal(await memberExists(service), false, service);
        assert.deepEqual(atGate.waves[1]!.counts, { pending: 3, inProgress: 0, reached: 0, failed: 0, skipped: 0 });

        const stale = await refusal(
          handle.executeUpdate(approveUpdate, { args: [{ ...ASKED, wave: 2, changeReference: 'CHG-1' }] }),
        );
        assert.equal(stale.type, 'Refused');
        assert.match(stale.message, /current wave is 1/);
        const noTicket = await refusal(handle.executeUpdate(approveUpdate, { args: [{ ...ASKED, wave: 1 } as never] }));
        assert.equal(noTicket.type, 'INVALID_ARGUMENT');
        assert.match(noTicket.message, /changeReference: is required/);

        const approved = await handle.executeUpdate(approveUpdate, {
          args: [{ ...ASKED, wave: 1, changeReference: 'CHG-1' }],
        });
        assert.equal(approved.accepted, true);

        const second = await waitForStatus(
          handle,
          'wave 2 at its approval gate',
          (s) => s.currentWave === 2 && s.gate === 'approval',
        );
        assert.equal(second.waves[1]!.counts.reached, 3);
        for (const service of rest) assert.equal((await h.status(service)).stage, 'REPLICATION');
        // The first wave's approval survived the continue-as-new between the waves.
        assert.ok(second.continuedAsNew >= 1);
        const approval = second.audit.find((entry) => entry.command === 'approve');
        assert.equal(approval?.changeReference, 'CHG-1');
        assert.equal(approval?.by, 'alice');

        // A double click: the first advance passes wave 2's gate, the repeat names a wave that is no longer
        // current (or a finished rollout) and is refused.
        const staleAdvance = await refusal(handle.executeUpdate(advanceUpdate, { args: [{ ...ASKED, wave: 1 }] }));
        assert.match(staleAdvance.message, /names wave 1, but the current wave is 2/);
        await handle.executeUpdate(advanceUpdate, { args: [{ ...ASKED, wave: 2 }] });
        const repeat = await refusal(handle.executeUpdate(advanceUpdate, { args: [{ ...ASKED, wave: 2 }] }));
        assert.match(repeat.message, /finished|current wave is 3/);

        const result = await handle.result();
        assert.equal(result.outcome, 'FINISHED');
        assert.deepEqual(
          result.waves.map((wave) => wave.counts.reached),
          [1, 3],
        );
        for (const service of services) assert.equal(await memberRunning(service), true, service);

        const events = await waitFor('the finished notification', () => {
          const sent = notificationsOf(name);
          return sent.some((event) => event.kind === 'rollout_finished') ? sent : undefined;
        });
        const kinds = events.map((event) => event.kind).sort();
        assert.deepEqual(kinds, [
          'rollout_approval_waiting',
          'rollout_approval_waiting',
          'rollout_finished',
          'rollout_wave_done',
          'rollout_wave_done',
        ]);
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
        await terminateMembers(services);
      }
    });
  });

  it('pauses itself when the failure budget is spent; skip, retry and resume carry it on', async () => {
    const services = await seed(3);
    const [first, second, third] = services as [string, string, string];
    // The next three starts the API gets are refused: the members' runs fail at STARTING with the API's status.
    await admin(h.emulator, 'faults', {
      method: 'services.startMigration',
      count: 3,
      error: { status: 'FAILED_PRECONDITION', message: 'quota for migrations exhausted in this test' },
    });
    await h.withWorker(async (taskQueue) => {
      const handle = await startRollout(taskQueue, {
        action: 'start',
        waves: [{ name: 'only', members: services.map(member), maxParallel: 1, gate: { advance: 'auto' } }],
      });
      try {
        const paused = await waitForStatus(handle, 'paused by the budget', (s) => s.paused !== undefined);
        assert.equal(paused.paused?.byBudget, true);
        assert.match(paused.paused!.reason, /over its failure budget of 0/);
        assert.match(paused.paused!.reason, /FAILED_PRECONDITION: .*quota for migrations exhausted/);
        assert.deepEqual(
          paused.waves[0]!.failed.map((f) => f.service),
          [first],
        );
        // Paused: nothing further is started.
        assert.equal(paused.waves[0]!.counts.pending, 2);
        assert.equal(await memberExists(second), false);

        // skip takes the failure out of the budget, so the pause lifts by itself; the second member fails too.
        await handle.executeUpdate(skipUpdate, { args: [{ service: first, reason: 'quota ticket open', by: 'bob' }] });
        const again = await waitForStatus(
          handle,
          'paused again',
          (s) => s.paused !== undefined && s.waves[0]!.failed.some((f) => f.service === second),
        );
        assert.equal(again.waves[0]!.counts.skipped, 1);

        // retry starts the second member's migration again (its run failed, so a new run may start); the third
        // fault fails it once more, and the budget pauses the rollout a third time.
        await handle.executeUpdate(retryUpdate, { args: [{ service: second, reason: 'quota raised' }] });
        const thirdPause = await waitForStatus(
          handle,
          'paused after the retry',
          (s) => s.paused !== undefined && s.audit.filter((entry) => entry.command === 'pause').length === 3,
        );
        assert.equal(thirdPause.waves[0]!.counts.failed, 1);
        const retryRefused = await refusal(
          handle.executeUpdate(retryUpdate, { args: [{ service: third, reason: 'not failed' }] }),
        );
        assert.match(retryRefused.message, /has not failed/);

        // resume accepts the failure there is; the third member goes ahead.
        const resumed = await handle.executeUpdate(resumeUpdate, { args: [ASKED] });
        assert.match(resumed.note ?? '', /1 failed member/);
        const result = await handle.result();
        assert.equal(result.outcome, 'FINISHED');
        assert.deepEqual(result.waves[0]!.counts, { pending: 0, inProgress: 0, reached: 1, failed: 1, skipped: 1 });
        assert.equal((await h.status(third)).stage, 'REPLICATION');
      } finally {
        await admin(h.emulator, 'faults', undefined, 'DELETE');
        await handle.terminate('test finished').catch(() => undefined);
        await terminateMembers(services);
      }
    });
  });

  it('abort without cancelMembers ends the rollout and leaves its members running', async () => {
    const services = await seed(2);
    await h.withWorker(async (taskQueue) => {
      const handle = await startRollout(taskQueue, {
        action: 'start',
        waves: [{ name: 'only', members: services.map(member), maxParallel: 2 }],
      });
      try {
        await waitForStatus(handle, 'the approval gate', (s) => s.gate === 'approval');
        const malformed = await refusal(handle.executeUpdate(abortUpdate, { args: [{ ...ASKED } as never] }));
        assert.match(malformed.message, /cancelMembers: is required/);
        const answer = await handle.executeUpdate(abortUpdate, { args: [{ ...ASKED, cancelMembers: false }] });
        assert.equal(answer.toCancel, 0);
        const result = await handle.result();
        assert.equal(result.outcome, 'ABORTED');
        assert.equal(result.gate, 'aborted');
        assert.equal(result.cancelled, undefined);
        // Not children: the rollout has ended, its members go on replicating.
        for (const service of services) {
          assert.equal(await memberRunning(service), true, service);
          assert.equal((await h.status(service)).stage, 'REPLICATION');
        }
      } finally {
        await terminateMembers(services);
      }
    });
  });

  it('abort with cancelMembers asks each started member to cancel through its own update, and reports each', async () => {
    const services = await seed(2);
    const [started, never] = [services[0]!, services[1]!];
    await h.withWorker(async (taskQueue) => {
      const handle = await startRollout(taskQueue, {
        action: 'start',
        waves: [
          { name: 'canary', canary: true, members: [member(started)], maxParallel: 1 },
          { name: 'main', members: [member(never)], maxParallel: 1 },
        ],
      });
      try {
        await waitForStatus(handle, 'the approval gate', (s) => s.gate === 'approval');
        const answer = await handle.executeUpdate(abortUpdate, { args: [{ ...ASKED, cancelMembers: true }] });
        assert.equal(answer.toCancel, 1);
        assert.deepEqual(answer.cutOver, []);
        const result = await handle.result();
        assert.equal(result.outcome, 'ABORTED');
        assert.deepEqual(result.cancelled, [{ service: started, result: 'accepted' }]);
        const outcome = await h.env.client.workflow.getHandle(workflowIdFor(started)).result();
        assert.equal(outcome.outcome, 'CANCELLED');
        // Who asked, in the member's own audit trail.
        assert.match(outcome.requests.at(-1)?.by ?? '', new RegExp(`^rollout ${result.name} wave 1$`));
        assert.equal(await memberExists(never), false);
      } finally {
        await terminateMembers(services);
      }
    });
  });

  it("holds a project to its cap however large the wave's maxParallel, then soaks", async () => {
    const services = await seed(3);
    const project = services[0]!.split('/')[1]!;
    await h.withWorker(async (taskQueue) => {
      const handle = await startRollout(taskQueue, {
        action: 'start',
        waves: [
          {
            name: 'only',
            members: services.map(member),
            maxParallel: 3,
            perProject: { [project]: 1 },
            gate: { advance: 'auto' },
            soakSeconds: 2,
          },
        ],
      });
      try {
        // Once every member has settled, the soak: the rollout ends no earlier than its end.
        const soaking = await waitForStatus(handle, 'the soak', (s) => s.gate === 'soak');
        assert.equal(soaking.waves[0]!.counts.reached, 3);
        const result = await handle.result();
        assert.ok(Date.now() >= Date.parse(soaking.soakUntil!), `finished before the soak's end ${soaking.soakUntil}`);
        assert.equal(result.waves[0]!.counts.reached, 3);
        // One member of the project at a time: three drives of one member each, in the wave's order.
        const drives = result.audit.filter((entry) => entry.command === 'start');
        assert.deepEqual(
          drives.map((entry) => [entry.service, entry.reason]),
          services.map((service) => [service, '1 accepted']),
        );
      } finally {
        await terminateMembers(services);
      }
    });
  });

  it('reads members again at the health gate: one that left REPLICATION during the soak fails it, and the budget pauses', async () => {
    const services = await seed(2);
    const [kept, left] = services as [string, string];
    await h.withWorker(async (taskQueue) => {
      const handle = await startRollout(taskQueue, {
        action: 'start',
        waves: [
          {
            name: 'only',
            members: services.map(member),
            maxParallel: 2,
            soakSeconds: 10,
            gate: { advance: 'auto', health: { stage: 'REPLICATION' } },
          },
        ],
      });
      try {
        const soaking = await waitForStatus(handle, 'the soak', (s) => s.gate === 'soak');
        assert.equal(soaking.waves[0]!.counts.reached, 2);
        // Paused in its soak, the rollout reads nothing: the member's leaving is first seen by the health gate.
        await handle.executeUpdate(pauseUpdate, { args: [{ ...ASKED, reason: 'hold the gate' }] });
        const held = await statusOf(handle);
        assert.equal(held.gate, 'soak', 'paused before the soak ended (else this test proves nothing)');
        await h.env.client.workflow
          .getHandle(workflowIdFor(left))
          .executeUpdate(requestCancelUpdate, { args: [{ by: 'carol', reason: 'no longer migrating' }] });
        const ended = await h.env.client.workflow.getHandle(workflowIdFor(left)).result();
        assert.equal(ended.outcome, 'CANCELLED');
        assert.equal((await statusOf(handle)).waves[0]!.counts.reached, 2, 'still reached as last read');

        await handle.executeUpdate(resumeUpdate, { args: [ASKED] });
        const paused = await waitForStatus(handle, 'paused by the budget', (s) => s.paused?.byBudget === true);
        assert.deepEqual(
          paused.waves[0]!.failed.map((f) => f.service),
          [left],
        );
        assert.match(paused.waves[0]!.failed[0]!.reason, /^ended COMPLETED CANCELLED/);
        assert.equal(paused.waves[0]!.counts.reached, 1);
        assert.equal(paused.gate, 'members', 'back to the members, not past the gate');
        assert.ok(!paused.audit.some((entry) => entry.command === 'advance'));
        assert.equal(await memberRunning(kept), true);
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
        await terminateMembers(services);
      }
    });
  });

  it('completes members through their own cutover gates and reports the ones the gate blocks, and why', async () => {
    const services = await seed(3);
    const [canary, ...rest] = services as [string, string, string];
    await h.withWorker(async (taskQueue) => {
      await Promise.all(services.map((service) => h.start(service, taskQueue)));
      await Promise.all(services.map((service) => h.waitForStage(service, 'REPLICATION')));
      const handle = await startRollout(taskQueue, {
        action: 'complete',
        waves: [
          // The canary's engineer accepts the checks an unreachable source cannot run, as `complete --override`.
          {
            name: 'canary',
            canary: true,
            members: [{ service: canary }],
            maxParallel: 1,
            gate: { advance: 'auto' },
            override: SOURCE_NOT_REACHED,
          },
          {
            name: 'rest',
            members: rest.map((service) => ({ service })),
            maxParallel: 2,
            gate: { advance: 'auto' },
            failureBudget: { count: 2 },
          },
        ],
      });
      try {
        const result = await handle.result();
        assert.equal(result.outcome, 'FINISHED');
        assert.equal(result.waves[0]!.counts.reached, 1);
        const outcome = await h.env.client.workflow.getHandle(workflowIdFor(canary)).result();
        assert.equal(outcome.outcome, 'SUCCEEDED');
        // The others' gates refused: each named with the gate's reason, and each still waits in REPLICATION.
        assert.equal(result.waves[1]!.counts.failed, 2);
        assert.deepEqual(result.waves[1]!.failed.map((f) => f.service).sort(), [...rest].sort());
        for (const { reason } of result.waves[1]!.failed) {
          assert.match(reason, /^refused: CutoverBlocked: /);
          assert.match(reason, /hive\.reachable/);
        }
        for (const service of rest) assert.equal((await h.status(service)).stage, 'REPLICATION');
      } finally {
        await terminateMembers(services);
      }
    });
  });

  it('fails a member whose complete the API refused and it set aside; retry decides again', async () => {
    const [service] = (await seed(1)) as [string];
    await h.withWorker(async (taskQueue) => {
      await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      const refusal = { status: 'FAILED_PRECONDITION', message: 'the execution changed state a moment ago' };
      await admin(h.emulator, 'faults', { method: 'services.completeMigration', count: 1, error: refusal });
      const handle = await startRollout(taskQueue, {
        action: 'complete',
        waves: [
          {
            name: 'only',
            members: [{ service }],
            maxParallel: 1,
            gate: { advance: 'auto' },
            override: SOURCE_NOT_REACHED,
          },
        ],
      });
      try {
        const paused = await waitForStatus(handle, 'paused by the budget', (s) => s.paused !== undefined);
        const [failed] = paused.waves[0]!.failed;
        assert.equal(failed?.service, service);
        assert.match(
          failed!.reason,
          /^set aside: refused by the API: FAILED_PRECONDITION: .*changed state a moment ago/,
        );
        assert.equal((await h.status(service)).stage, 'REPLICATION');
        await handle.executeUpdate(retryUpdate, { args: [{ service, reason: 'the execution is stable again' }] });
        const result = await handle.result();
        assert.equal(result.waves[0]!.counts.reached, 1);
        const outcome = await h.env.client.workflow.getHandle(workflowIdFor(service)).result();
        assert.equal(outcome.outcome, 'SUCCEEDED');
        assert.deepEqual(
          outcome.requests.map((r: DecisionRecord) => [r.by, r.accepted]),
          [
            [`rollout ${result.name} wave 1`, false],
            [`rollout ${result.name} wave 1`, true],
          ],
        );
      } finally {
        await admin(h.emulator, 'faults', undefined, 'DELETE');
        await terminateMembers([service]);
      }
    });
  });

  it('fails a member whose own override makes its request invalid, naming the field; the rest go on', async () => {
    const [good, bad] = (await seed(2)) as [string, string];
    await h.withWorker(async (taskQueue) => {
      const handle = await startRollout(taskQueue, {
        action: 'start',
        waves: [
          {
            name: 'only',
            members: [{ service: good }, { service: bad, config: { options: { pollIntervalSeconds: 'often' } } }],
            maxParallel: 2,
            gate: { advance: 'auto' },
            failureBudget: { count: 1 },
          },
        ],
      });
      try {
        const result = await handle.result();
        assert.equal(result.outcome, 'FINISHED');
        assert.deepEqual(result.waves[0]!.counts, { pending: 0, inProgress: 0, reached: 1, failed: 1, skipped: 0 });
        const [failed] = result.waves[0]!.failed;
        assert.equal(failed?.service, bad);
        assert.match(failed!.reason, /^invalid: config\.options\.pollIntervalSeconds: /);
        // Refused where it was merged: no migration workflow for it; the other member was started.
        assert.equal(await memberExists(bad), false);
        assert.equal(await memberRunning(good), true);
      } finally {
        await terminateMembers([good]);
      }
    });
  });

  it('refuses bad input naming the field, before any member is touched', async () => {
    const [service] = await seed(1);
    await h.withWorker(async (taskQueue) => {
      const handle = await startRollout(taskQueue, {
        action: 'start',
        // No template: a start needs one.
        template: undefined,
        waves: [
          { name: 'one', members: [member(service!)], maxParallel: 0 },
          { name: 'two', canary: true, members: [{ service: service! }], maxParallel: 1 },
        ],
      });
      const err = await handle.result().then(
        () => assert.fail('a bad rollout ran'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, 'INVALID_ARGUMENT');
      assert.match(err.cause.message, /rollout\.waves\.0\.maxParallel: /);
      assert.match(err.cause.message, /rollout\.waves\.1\.canary: only the first wave may be the canary/);
      assert.match(err.cause.message, /rollout\.waves\.1\.members\.0\.service: is already a member of wave 1/);
      assert.match(err.cause.message, /rollout\.template: is required for the start action/);
      assert.equal(await memberExists(service!), false);
    });
  });

  it('continues as new within a wave past its event threshold and keeps its state', async () => {
    const services = await seed(3);
    await h.withWorker(async (taskQueue) => {
      const handle = await startRollout(taskQueue, {
        action: 'start',
        continueAsNewAfterEvents: 20,
        waves: [{ name: 'only', members: services.map(member), maxParallel: 1 }],
      });
      try {
        const atGate = await waitForStatus(handle, 'the approval gate', (s) => s.gate === 'approval');
        assert.ok(atGate.continuedAsNew >= 2, `continued as new ${atGate.continuedAsNew} times`);
        assert.equal(atGate.waves[0]!.counts.reached, 3);
        // Each member was started once, by some run of the chain: the drives' audit entries were carried.
        const driven = atGate.audit.filter((entry) => entry.command === 'start').map((entry) => entry.service);
        assert.deepEqual(driven.sort(), [...services].sort());
        const description = await handle.describe();
        assert.notEqual(description.runId, handle.firstExecutionRunId);
        await handle.executeUpdate(approveUpdate, { args: [{ ...ASKED, wave: 1, changeReference: 'CHG-2' }] });
        assert.equal((await handle.result()).outcome, 'FINISHED');
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
        await terminateMembers(services);
      }
    });
  });
});
