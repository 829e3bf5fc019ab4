// A rollout's members on a real dev server with the emulator and the real activities: each member joins the rollout
// (joinRollout), so it carries RolloutId/RolloutWave — the Web UI and `temporal workflow list --query` list a
// rollout's members — and its status says so; a second rollout may not take a member while the first still runs
// (that member fails in the second rollout with the reason), and may once the first has ended.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { workflowIdFor } from '../../src/migration/names';
import { migrationDetails } from '../../src/migration/summary';
import { formatStatus } from '../../src/cli/format';
import { RolloutIdKey, RolloutWaveKey, joinRolloutSignal, joinRolloutUpdate } from '../../src/workflows/messages';
import { ROLLOUT_WORKFLOW_TYPE, rolloutWorkflowId, statusQuery } from '../../src/workflows/rollout/messages';
import type { RolloutStatus } from '../../src/workflows/rollout/messages';
import type { RolloutInputArg } from '../../src/schemas/rollout';
import type { rollout } from '../../src/workflows/rollout/workflow';
import { FAST_OPTIONS, migrationExecutionRequest, waitFor, RUN_TOKEN } from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;

before(async () => {
  h = await createHarness({ operationDelayMs: 100 });
});
after(async () => {
  await h?.close();
});

/** A start's template: every member's request, once (each member's own config merges over it). */
const TEMPLATE = { kind: 'incoming', migrationExecution: migrationExecutionRequest(), options: FAST_OPTIONS } as const;

function member(service: string) {
  return { service };
}

function startRollout(taskQueue: string, input: RolloutInputArg) {
  return h.env.client.workflow.start<typeof rollout>(ROLLOUT_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: rolloutWorkflowId(input.name),
    args: [{ rollout: { reconcileSeconds: 0.2, ...(input.action === 'start' && { template: TEMPLATE }), ...input } }],
  });
}

function waitForStatus(handle: WorkflowHandle, what: string, done: (s: RolloutStatus) => boolean) {
  return waitFor(what, async () => {
    const status: RolloutStatus = await handle.query(statusQuery);
    return done(status) ? status : undefined;
  });
}

/** The migrations visibility lists for `query`, by workflow id, with their rollout attributes. */
async function listed(query: string): Promise<Map<string, { rollout?: string; wave?: number }>> {
  const found = new Map<string, { rollout?: string; wave?: number }>();
  for await (const info of h.env.client.workflow.list({ query })) {
    found.set(info.workflowId, {
      rollout: info.typedSearchAttributes.get(RolloutIdKey),
      wave: info.typedSearchAttributes.get(RolloutWaveKey),
    });
  }
  return found;
}

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => assert.fail('the update was accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
  assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
  return err.cause;
}

describe('rollout members', () => {
  it('carry RolloutId and RolloutWave, say so in status, and belong to one running rollout at a time', async () => {
    const services = await Promise.all([h.seedService(), h.seedService()]);
    const [canary, second] = services as [string, string];
    const first = `members-${RUN_TOKEN}`;
    const other = `members-other-${RUN_TOKEN}`;
    await h.withWorker(async (taskQueue) => {
      const handle = await startRollout(taskQueue, {
        name: first,
        action: 'start',
        waves: [
          { name: 'canary', canary: true, members: [member(canary)], maxParallel: 1 },
          { name: 'main', members: [member(second)], maxParallel: 1, gate: { advance: 'approval' } },
        ],
      } as RolloutInputArg);
      const handles: WorkflowHandle[] = [handle];
      try {
        // The canary reached REPLICATION and waits at its approval gate: the first rollout is still running.
        await waitForStatus(handle, 'wave 1 at its approval gate', (s) => s.gate === 'approval');

        // Visibility lists the rollout's members by its name, with their wave (an Int: compared as one).
        const members = await waitFor('the canary listed as a member', async () => {
          const found = await listed(`RolloutId="${first}" AND RolloutWave = 1`);
          return found.has(workflowIdFor(canary)) ? found : undefined;
        });
        assert.deepEqual([...members.entries()], [[workflowIdFor(canary), { rollout: first, wave: 1 }]]);
        assert.equal((await listed(`RolloutId="${first}" AND RolloutWave > 1`)).size, 0);

        // The member knows its rollout: status, the CLI's status text and the Web UI's current details.
        const status = await h.status(canary);
        assert.equal(status.rollout?.rollout, first);
        assert.equal(status.rollout?.wave, 1);
        assert.equal(status.rollout?.by, `rollout ${first} wave 1`);
        assert.match(formatStatus(status), new RegExp(`rollout +member of rollout ${first}, wave 1`));
        assert.match(migrationDetails(status), new RegExp(`Member of rollout ${first}, wave 1\\.`));

        // The same rollout joining again changes nothing (idempotent): same membership, same time.
        const memberHandle = h.env.client.workflow.getHandle(workflowIdFor(canary));
        const again = await memberHandle.executeUpdate(joinRolloutUpdate, {
          args: [{ rollout: first, wave: 1, by: 'rerun' }],
        });
        assert.equal(again.joinedAt, status.rollout?.joinedAt);
        assert.equal(again.rollout, first);
        // A value that cannot be a search attribute is refused before anything is written.
        const tooLong = await refusal(
          memberHandle.executeUpdate(joinRolloutUpdate, { args: [{ rollout: 'r'.repeat(256), wave: 1 }] }),
        );
        assert.equal(tooLong.type, 'INVALID_ARGUMENT');
        assert.match(tooLong.message, /at most 255 characters/);

        // A second rollout trying to take the member while the first runs: refused, the member failed there.
        const otherHandle = await startRollout(taskQueue, {
          name: other,
          action: 'start',
          waves: [{ name: 'only', members: [member(canary)], maxParallel: 1, failureBudget: { count: 1, percent: 0 } }],
        } as RolloutInputArg);
        handles.push(otherHandle);
        const refused = await waitForStatus(otherHandle, 'the member failed', (s) => s.waves[0]!.counts.failed === 1);
        assert.equal(refused.waves[0]!.failed[0]!.service, canary);
        assert.match(
          refused.waves[0]!.failed[0]!.reason,
          new RegExp(`refused: already in rollout ${first} \\(wave 1\\)`),
        );
        const kept = await h.status(canary);
        assert.equal(kept.rollout?.rollout, first, 'still the first rollout’s member');
        assert.equal(kept.rollout?.refused?.rollout, other);
        assert.equal((await memberHandle.describe()).typedSearchAttributes.get(RolloutIdKey), first);

        // Once the first rollout has ended, another may take the member.
        await handle.terminate('test: the first rollout ends');
        const taken = await memberHandle.executeUpdate(joinRolloutUpdate, { args: [{ rollout: other, wave: 1 }] });
        assert.equal(taken.rollout, other);
        const moved = await waitFor('the member listed under the other rollout', async () => {
          const found = await listed(`RolloutId="${other}"`);
          return found.has(workflowIdFor(canary)) ? found : undefined;
        });
        assert.deepEqual(moved.get(workflowIdFor(canary)), { rollout: other, wave: 1 });
      } finally {
        await Promise.allSettled(handles.map((each) => each.terminate('test finished')));
        await Promise.allSettled(
          services.map((service) => h.env.client.workflow.getHandle(workflowIdFor(service)).terminate('test finished')),
        );
      }
    });
  });
  it('keeps the membership across continue-as-new; a signalled join by another rollout is refused into status', async () => {
    const service = await h.seedService();
    const name = `members-can-${RUN_TOKEN}`;
    await h.withWorker(async (taskQueue) => {
      // A migration that continues as new often, already running when the rollout reuses it.
      const migration = await h.start(service, taskQueue, { maxQuietSeconds: 0.05, maxHistoryEvents: 80 });
      await h.waitForStage(service, 'REPLICATION');
      const handle = await startRollout(taskQueue, {
        name,
        action: 'start',
        waves: [{ name: 'only', members: [member(service)], maxParallel: 1, gate: { advance: 'approval' } }],
      } as RolloutInputArg);
      const latest = h.env.client.workflow.getHandle(migration.workflowId);
      try {
        await waitForStatus(handle, 'the approval gate', (s) => s.gate === 'approval');
        const joined = await h.status(service);
        assert.equal(joined.rollout?.rollout, name);

        // The signal form cannot answer: the refusal is kept in status, the membership stays.
        await latest.signal(joinRolloutSignal, { rollout: `${name}-other`, wave: 1, by: 'someone' });
        const refused = await waitFor('the signalled join refused', async () => {
          const status = await h.status(service);
          return status.rollout?.refused ? status : undefined;
        });
        assert.equal(refused.rollout?.rollout, name);
        assert.equal(refused.rollout?.refused?.rollout, `${name}-other`);
        assert.match(refused.rollout?.refused?.reason ?? '', new RegExp(`already in rollout ${name} \\(wave 1\\)`));

        const carried = await waitFor('a run continued after the join', async () => {
          const status = await h.status(service);
          return status.runId !== joined.runId && status.continuedAsNew > joined.continuedAsNew ? status : undefined;
        });
        assert.equal(carried.rollout?.rollout, name);
        assert.equal(carried.rollout?.joinedAt, joined.rollout?.joinedAt);
        const described = await latest.describe();
        assert.equal(described.runId, carried.runId);
        assert.equal(described.typedSearchAttributes.get(RolloutIdKey), name);
        assert.equal(described.typedSearchAttributes.get(RolloutWaveKey), 1);
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
        await latest.terminate('test finished').catch(() => undefined);
      }
    });
  });
});
