// bulkDecision on a real dev server with the emulator and the real activities: each member is asked through its own
// requestComplete, so its own validator and cutover gate decide; the report classifies every answer (accepted,
// refused by the validator or by the gate with the member's reason, already done, not found); per-project pacing is read from the bulk's own history
// (when each member's activity was scheduled and when it closed), never from wall-clock sleeps; bad input is refused
// with field paths before any member is asked.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { DECISION_UPDATES } from '../../src/activities/decision-update';
import { FailureType } from '../../src/migration/failure-types';
import { workflowIdFor } from '../../src/migration/names';
import type { BulkDecisionRequestInput } from '../../src/schemas/bulk-decision';
import { type bulkDecision, reportQuery } from '../../src/workflows/bulk-decision';
import { requestCancelUpdate, requestCompleteUpdate, requestRollbackUpdate } from '../../src/workflows/messages';
import { ROLLOUT_WORKFLOW_TYPE, rolloutWorkflowId, statusQuery } from '../../src/workflows/rollout/messages';
import type { rollout } from '../../src/workflows/rollout/workflow';
import { admin } from '../helpers/emulator';
import { COMPLETE_UNREACHED, RUN_TOKEN, SOURCE_NOT_REACHED, serviceSeed, waitFor } from '../helpers/migration';
import { createHarness, type Harness } from '../helpers/workflow-harness';

let h: Harness;

before(async () => {
  h = await createHarness();
});
after(async () => {
  await h?.close();
});

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Every event of every run of the chain that begins with `runId`, following continue-as-new. */
async function chainHistory(workflowId: string, runId: string): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  for (let run: string | undefined = runId; run;) {
    const history: temporal.api.history.v1.IHistory = await h.env.client.workflow
      .getHandle(workflowId, run)
      .fetchHistory();
    const events: HistoryEvent[] = history.events ?? [];
    runs.push(events);
    run = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

const millis = (event: HistoryEvent) =>
  Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);

/** Each member activity's scheduled and closed times, by the workflowId it asked, across the runs. */
function memberActivities(runs: HistoryEvent[][]): { workflowId: string; scheduled: number; closed: number }[] {
  const out: { workflowId: string; scheduled: number; closed: number }[] = [];
  for (const events of runs) {
    const scheduled = new Map<string, { workflowId: string; at: number }>();
    for (const event of events) {
      const attrs = event.activityTaskScheduledEventAttributes;
      if (attrs?.activityType?.name === 'requestMemberDecision') {
        const input = JSON.parse(Buffer.from(attrs.input!.payloads![0]!.data!).toString()) as { workflowId: string };
        scheduled.set(String(event.eventId), { workflowId: input.workflowId, at: millis(event) });
      }
      const closedOf =
        event.activityTaskCompletedEventAttributes?.scheduledEventId ??
        event.activityTaskFailedEventAttributes?.scheduledEventId ??
        event.activityTaskTimedOutEventAttributes?.scheduledEventId;
      const begun = closedOf === undefined || closedOf === null ? undefined : scheduled.get(String(closedOf));
      if (begun) out.push({ workflowId: begun.workflowId, scheduled: begun.at, closed: millis(event) });
    }
  }
  return out;
}

/** The most activities open at once among `spans`. */
function mostAtOnce(spans: { scheduled: number; closed: number }[]): number {
  return Math.max(
    ...spans.map((s) => spans.filter((o) => o.scheduled <= s.scheduled && o.closed > s.scheduled).length),
  );
}

describe('bulkDecision', () => {
  it('holds the update names the CLI and the bulk decision send to those the migration defines', () => {
    assert.deepEqual(DECISION_UPDATES, {
      complete: requestCompleteUpdate.name,
      cancel: requestCancelUpdate.name,
      rollback: requestRollbackUpdate.name,
    });
  });

  it('reports accepted, refused (validator and gate), already done and not found, paced per project, across runs', async () => {
    const [a, b, refusing, blocked, ended] = (await Promise.all([1, 2, 3, 4, 5].map(() => h.seedService()))) as [
      string,
      string,
      string,
      string,
      string,
    ];
    // Another project's lane: services with no migration workflow (one exists on the API, the others not at all).
    const otherProject = `other-${randomUUID().slice(0, 8)}`;
    const elsewhere = [1, 2, 3, 4].map((i) => `projects/${otherProject}/locations/europe-west1/services/gone-${i}`);
    await admin(h.emulator, 'services', serviceSeed(elsewhere[0]!));
    await h.withWorker(async (taskQueue) => {
      const members = [a, b, refusing, blocked, ended];
      const handles = await Promise.all(members.map((service) => h.start(service, taskQueue)));
      await Promise.all(members.map((service) => h.waitForStage(service, 'REPLICATION')));
      // Already done: its cutover taken and its workflow closed.
      await handles[4]!.executeUpdate(requestCompleteUpdate, { args: [{ ...COMPLETE_UNREACHED, by: 'earlier' }] });
      assert.equal((await handles[4]!.result()).outcome, 'SUCCEEDED');
      // Blocked by its cutover gate: its reads break the API's contract, an unresolved error (api.errors).
      const blockedExecution = (await h.status(blocked)).execution!.name;
      await admin(h.emulator, 'newer-api', { name: blockedExecution, fields: { name: 42 } });
      await waitFor('a ContractViolation incident', async () => {
        const error = (await h.status(blocked)).lastError;
        return error?.type === FailureType.ContractViolation && !error.resolvedAt;
      });
      // Refused by its gate: the execution awaits user action, so it is not RUNNING in REPLICATION.
      const execution = (await h.status(refusing)).execution!.name;
      await admin(h.emulator, 'executions:awaitUserAction', {
        name: execution,
        stateMessage: 'grant REPLICATION CLIENT',
      });
      await waitFor('AWAITING_USER_ACTION seen', async () => {
        return (await h.status(refusing)).execution?.state === 'AWAITING_USER_ACTION';
      });

      const services = [a, b, refusing, blocked, ...elsewhere, ended];
      const request: BulkDecisionRequestInput = {
        action: 'complete',
        who: 'alice',
        why: 'wave 2 cutover',
        changeReference: 'CHG-42',
        override: [...COMPLETE_UNREACHED.override],
        members: services.map((service) => ({ service, workflowId: workflowIdFor(service) })),
        pacing: { requestsPerSecond: 1, maxInFlight: 2 },
        // Low, so that this handful of members spans more than one run.
        maxHistoryEvents: 50,
      };
      const bulkId = `bulk/test/${randomUUID()}`;
      const bulk = await h.env.client.workflow.start<typeof bulkDecision>('bulkDecision', {
        taskQueue,
        workflowId: bulkId,
        args: [{ request }],
      });
      const early = await bulk.query(reportQuery);
      assert.equal(early.counts.pending + early.members.length, services.length);
      const report = await bulk.result();

      const byService = new Map(report.members.map((member) => [member.service, member]));
      assert.deepEqual(
        services.map((service) => byService.get(service)?.result),
        ['accepted', 'accepted', 'refused', 'refused', 'notFound', 'notFound', 'notFound', 'notFound', 'alreadyDone'],
      );
      assert.deepEqual(report.counts, { accepted: 2, refused: 2, alreadyDone: 1, notFound: 4, failed: 0, pending: 0 });
      assert.equal(byService.get(refusing)?.type, FailureType.Refused);
      assert.match(byService.get(refusing)?.reason ?? '', /AWAITING_USER_ACTION/);
      assert.equal(byService.get(blocked)?.type, FailureType.CutoverBlocked);
      assert.match(byService.get(blocked)?.reason ?? '', /api\.errors/);
      assert.match(byService.get(ended)?.reason ?? '', /ended \(COMPLETED, SUCCEEDED\)/);
      const chain = await chainHistory(bulkId, bulk.firstExecutionRunId);
      assert.ok(
        chain.length >= 2 && report.runs === chain.length,
        `continued as new: ${report.runs} runs; ${chain.map((r) => r.length).join(',')} events`,
      );

      // The accepted members cut over with the bulk's who and why; the refused one still replicates, undecided.
      for (const [index, service] of [a, b].entries()) {
        const result = await handles[index]!.result();
        assert.equal(result.outcome, 'SUCCEEDED');
        const decided = result.requests.find((r) => r.action === 'complete' && r.accepted !== false);
        assert.equal(decided?.by, 'alice', service);
        assert.match(
          decided?.reason ?? '',
          new RegExp(`^wave 2 cutover \\(change CHG-42\\); bulk decision ${bulkId}$`),
        );
      }
      for (const service of [refusing, blocked]) {
        const still = await h.status(service);
        assert.equal(still.stage, 'REPLICATION', service);
        assert.equal(still.decision, undefined, service);
      }

      // Pacing, from the history: per project, begun at least 1 s apart and never more than 2 awaiting an answer.
      const activities = memberActivities(chain);
      assert.deepEqual(activities.map((x) => x.workflowId).sort(), services.map(workflowIdFor).sort());
      const lanes = ['/test-project/', `/${otherProject}/`].map((project) =>
        activities.filter((x) => x.workflowId.includes(project)),
      );
      assert.deepEqual(
        lanes.map((lane) => lane.length),
        [5, 4],
      );
      const starts = lanes.map((lane) => lane.map((x) => x.scheduled).sort((x, y) => x - y));
      for (const lane of starts) {
        for (let i = 1; i < lane.length; i++)
          // The workflow spaces them by its own clock; the events are stamped as its task completes (a few ms on).
          assert.ok(lane[i]! - lane[i - 1]! >= 900, `begun ${lane[i]! - lane[i - 1]!} ms apart`);
      }
      for (const lane of lanes) assert.ok(mostAtOnce(lane) <= 2, `${mostAtOnce(lane)} at once`);
      // The lanes run side by side: the other project does not wait behind this one's pacing.
      const [first, second] = starts.map((lane) => lane[0]!);
      assert.ok(Math.abs(first! - second!) < 1000, `the lanes began ${Math.abs(first! - second!)} ms apart`);
      await Promise.allSettled(handles.map((handle) => handle.terminate('test over')));
    });
  });

  it("asks each member's gate to accept the decision's overrides and its own (its manifest wave's)", async () => {
    const [own, none] = (await Promise.all([1, 2].map(() => h.seedService()))) as [string, string];
    await h.withWorker(async (taskQueue) => {
      const handles = await Promise.all([own, none].map((service) => h.start(service, taskQueue)));
      await Promise.all([own, none].map((service) => h.waitForStage(service, 'REPLICATION')));
      // The source is unreachable: its must-run checks block complete unless all are overridden. The decision
      // names the first; only `own` names the rest itself.
      const [first, ...rest] = SOURCE_NOT_REACHED;
      const report = await h.env.client.workflow.execute<typeof bulkDecision>('bulkDecision', {
        taskQueue,
        workflowId: `bulk/test/${randomUUID()}`,
        args: [
          {
            request: {
              action: 'complete',
              who: 'alice',
              why: 'per-member overrides',
              override: [first!],
              members: [
                { service: own, workflowId: workflowIdFor(own), override: rest },
                { service: none, workflowId: workflowIdFor(none) },
              ],
            },
          },
        ],
      });
      const byService = new Map(report.members.map((member) => [member.service, member]));
      assert.equal(byService.get(own)?.result, 'accepted', JSON.stringify(byService.get(own)));
      const decided = (await handles[0]!.result()).requests.find((r) => r.action === 'complete' && r.accepted);
      assert.deepEqual(decided?.override, SOURCE_NOT_REACHED);
      assert.equal(byService.get(none)?.result, 'refused');
      assert.equal(byService.get(none)?.type, FailureType.CutoverBlocked);
      for (const check of rest) assert.match(byService.get(none)?.reason ?? '', new RegExp(check.replace('.', '\\.')));
      await handles[1]!.terminate('test over');
    });
  });

  it('refuses bad input with field paths and asks no member', async () => {
    const service = await h.seedService();
    await h.withWorker(async (taskQueue) => {
      const handle = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      const bulk = await h.env.client.workflow.start('bulkDecision', {
        taskQueue,
        workflowId: `bulk/test/${randomUUID()}`,
        args: [
          {
            request: {
              action: 'complete',
              who: 'mallory',
              why: 'x',
              members: [
                { service, workflowId: workflowIdFor(service) },
                { service: 'projects/p/locations/l/services/s', workflowId: 'rollout/not-a-migration' },
              ],
              pacing: { requestsPerSecond: 50 },
            },
          },
        ],
      });
      const failure = await bulk.result().then(
        () => assert.fail('bad input was accepted'),
        (err: unknown) => {
          assert.ok(err instanceof WorkflowFailedError, String(err));
          return err.cause as { type?: string; message: string };
        },
      );
      assert.equal(failure.type, FailureType.InvalidArgument);
      assert.match(failure.message, /^request\.members\.1\.workflowId: must be the migration workflow/m);
      assert.match(failure.message, /^request\.pacing\.requestsPerSecond: must be at most 3/m);
      const history = await bulk.fetchHistory();
      assert.equal(
        history.events?.filter((event) => event.activityTaskScheduledEventAttributes).length,
        0,
        'no member was asked',
      );
      const status = await h.status(service);
      assert.equal(status.decision, undefined);
      assert.deepEqual(status.requests, []);
      await handle.terminate('test over');
    });
  });
});

describe('bulkDecision of a rollout', () => {
  it("records itself in its running rollout's audit trail, and says when the rollout is not running", async () => {
    const service = await h.seedService();
    // The rollout's own member has no migration: it fails, and the spent budget keeps the rollout running (paused).
    const absent = `projects/test-project/locations/europe-west1/services/absent-${randomUUID().slice(0, 8)}`;
    const name = `bulk-audit-${RUN_TOKEN}`;
    await h.withWorker(async (taskQueue) => {
      const migration = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      const rolloutHandle = await h.env.client.workflow.start<typeof rollout>(ROLLOUT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: rolloutWorkflowId(name),
        args: [
          {
            rollout: {
              name,
              action: 'complete',
              reconcileSeconds: 0.2,
              waves: [{ name: 'w', members: [{ service: absent }], maxParallel: 1 }],
            },
          },
        ],
      });
      try {
        const startBulk = (rolloutName: string) =>
          h.env.client.workflow.start<typeof bulkDecision>('bulkDecision', {
            taskQueue,
            workflowId: `bulk/${rolloutName}/${randomUUID()}`,
            args: [
              {
                request: {
                  action: 'complete',
                  who: 'alice',
                  why: 'wave w cutover',
                  changeReference: 'CHG-7',
                  rollout: rolloutName,
                  // Not overridden: the unreachable source's checks block the cutover, so its gate refuses.
                  members: [service, absent].map((s) => ({ service: s, workflowId: workflowIdFor(s) })),
                },
              },
            ],
          });
        await waitFor('the rollout paused by its budget', async () => (await rolloutHandle.query(statusQuery)).paused);
        const bulk = await startBulk(name);
        const report = await bulk.result();
        assert.deepEqual(report.counts, {
          accepted: 0,
          refused: 1,
          alreadyDone: 0,
          notFound: 1,
          failed: 0,
          pending: 0,
        });
        assert.deepEqual(report.rollout, { name, recorded: 'recorded' });

        const entry = await waitFor('the bulk decision in the audit trail', async () => {
          const status = await rolloutHandle.query(statusQuery);
          return status.audit.find((record) => record.command === 'bulkDecision');
        });
        assert.equal(entry.by, 'alice');
        assert.equal(entry.reason, 'wave w cutover');
        assert.equal(entry.changeReference, 'CHG-7');
        assert.equal(entry.bulk?.id, bulk.workflowId);
        assert.equal(entry.bulk?.action, 'complete');
        assert.deepEqual(entry.bulk?.counts, { accepted: 0, refused: 1, alreadyDone: 0, notFound: 1, failed: 0 });
        assert.equal(entry.bulk?.refused.length, 1);
        assert.equal(entry.bulk?.refused[0]!.service, service);
        assert.match(entry.bulk?.refused[0]!.reason ?? '', /^CutoverBlocked: .*hive\.reachable/s);
        assert.equal((await rolloutHandle.describe()).status.name, 'RUNNING');

        // No rollout of that name runs: the decision is still made and reported, the record is said not kept.
        const orphan = await (await startBulk(`gone-${RUN_TOKEN}`)).result();
        assert.equal(orphan.counts.refused, 1);
        assert.deepEqual(orphan.rollout, { name: `gone-${RUN_TOKEN}`, recorded: 'rollout not running' });
      } finally {
        await rolloutHandle.terminate('test over').catch(() => undefined);
        await migration.terminate('test over').catch(() => undefined);
      }
    });
  });
});
