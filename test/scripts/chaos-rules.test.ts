// The chaos run's plan and verdict rules (scripts/chaos): a seed gives one plan, and a migration counts as
// arrived only when the emulator's state matches its fate; an accepted decision that did not take is a loss.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawPlan, fateQuota } from '../../scripts/chaos/plan';
import { judge, pollingAgainSeconds } from '../../scripts/chaos/verdict';
import type { MigrationFacts } from '../../scripts/chaos/verdict';

const ORIGINAL = { enabled: true, cronSchedule: '0 3 * * *', timeZone: 'Europe/Berlin', backupLocation: 'gs://b/x' };
const planOptions = {
  seed: 7,
  migrations: 100,
  decisionFromSeconds: 40,
  decisionWindowSeconds: 90,
  killEverySeconds: [10, 30] as const,
  servicesPerProject: 10,
};

function completed(overrides: Partial<MigrationFacts> = {}): MigrationFacts {
  return {
    service: 'projects/p/locations/us-central1/services/s',
    fate: 'complete',
    decision: { accepted: true, attempts: 1, sentWhileNoWorker: false },
    workflow: { status: 'COMPLETED', outcome: 'SUCCEEDED' },
    executions: [{ name: 'e1', state: 'SUCCEEDED' }],
    serviceState: 'ACTIVE',
    scheduledBackup: { ...ORIGINAL },
    ...overrides,
  };
}

describe('chaos plan', () => {
  it('is the same for the same seed and different for another', () => {
    assert.deepEqual(drawPlan(planOptions), drawPlan(planOptions));
    assert.notDeepEqual(drawPlan(planOptions).migrations, drawPlan({ ...planOptions, seed: 8 }).migrations);
  });

  it('gives every fate its share, decisions inside the window and deaths inside the kill range', () => {
    const plan = drawPlan(planOptions);
    const count = (fate: string) => plan.migrations.filter((m) => m.fate === fate).length;
    assert.deepEqual(
      {
        complete: count('complete'),
        cancel: count('cancel'),
        fail: count('external-fail'),
        out: count('external-cancel'),
      },
      { complete: 65, cancel: 15, fail: 10, out: 10 },
    );
    assert.ok(plan.migrations.every((m) => m.actAtSeconds >= 40 && m.actAtSeconds <= 130));
    assert.ok(plan.deaths.every((d) => d.afterSeconds >= 10 && d.afterSeconds <= 30));
    assert.ok(plan.deaths.some((d) => d.downSeconds > 0) && plan.deaths.some((d) => d.downSeconds === 0));
    assert.equal(new Set(plan.migrations.map((m) => m.service.split('/services/')[0])).size, 10, 'ten projects');
  });

  it('keeps at least one of each fate in a small run', () => {
    assert.deepEqual(fateQuota(10), { 'external-fail': 1, 'external-cancel': 1, cancel: 2, complete: 6 });
  });
});

describe('chaos verdict', () => {
  it('counts a migration whose emulator state matches its fate as arrived', () => {
    const verdict = judge([completed()], ORIGINAL);
    assert.equal(verdict.reachedExpectedEnd, 1);
    assert.equal(verdict.acceptedDecisionsLost, 0);
    assert.deepEqual(verdict.problems, []);
  });

  it('calls an accepted complete that ended CANCELLED a lost decision', () => {
    const verdict = judge(
      [
        completed({
          workflow: { status: 'COMPLETED', outcome: 'CANCELLED' },
          executions: [{ name: 'e', state: 'CANCELLED' }],
        }),
      ],
      ORIGINAL,
    );
    assert.equal(verdict.reachedExpectedEnd, 0);
    assert.equal(verdict.acceptedDecisionsLost, 1);
    assert.match(verdict.problems[0]!, /outcome CANCELLED, expected SUCCEEDED/);
  });

  it('counts duplicate executions and unrestored backups, without calling the decision lost', () => {
    const verdict = judge(
      [
        completed({
          executions: [
            { name: 'e1', state: 'CANCELLED' },
            { name: 'e2', state: 'SUCCEEDED' },
          ],
          scheduledBackup: { ...ORIGINAL, enabled: false },
        }),
      ],
      ORIGINAL,
    );
    assert.equal(verdict.duplicateExecutions, 1);
    assert.equal(verdict.backupsRestored, 0);
    assert.equal(verdict.acceptedDecisionsLost, 0);
    assert.match(verdict.problems[0]!, /2 migration executions.*scheduled backups not restored/);
  });

  it('takes a cancel that left no execution (accepted during the prechecks) as its right end, but not a complete', () => {
    const cancelledEarly = completed({
      fate: 'cancel',
      workflow: { status: 'COMPLETED', outcome: 'CANCELLED' },
      executions: [],
    });
    const verdict = judge([cancelledEarly], ORIGINAL);
    assert.equal(verdict.reachedExpectedEnd, 1);
    assert.deepEqual(verdict.problems, []);
    const completeWithout = judge([completed({ executions: [] })], ORIGINAL);
    assert.equal(completeWithout.acceptedDecisionsLost, 1);
    assert.match(completeWithout.problems[0]!, /0 migration executions; execution none, expected SUCCEEDED/);
    const cancelledAfterStart = judge([{ ...cancelledEarly, executions: [{ name: 'e', state: 'RUNNING' }] }], ORIGINAL);
    assert.match(cancelledAfterStart.problems[0]!, /execution RUNNING, expected CANCELLED/);
  });

  it('expects a workflow failed with MigrationFailed for an execution failed from outside', () => {
    const failed = completed({
      fate: 'external-fail',
      decision: undefined,
      outsideActionTaken: true,
      workflow: { status: 'FAILED', failureType: 'MigrationFailed' },
      executions: [{ name: 'e', state: 'FAILED' }],
    });
    assert.equal(judge([failed], ORIGINAL).reachedExpectedEnd, 1);
    const stillRunning = { ...failed, workflow: { status: 'RUNNING' } };
    assert.match(judge([stillRunning], ORIGINAL).problems[0]!, /workflow RUNNING, expected FAILED/);
  });

  it('measures from each restart to the last migration that polls again, ignoring ones that stopped polling', () => {
    const polls = [
      { at: 1_000, service: 'a' },
      { at: 1_500, service: 'b' },
      { at: 2_000, service: 'c' }, // c never polls again: finished
      { at: 10_500, service: 'a' },
      { at: 14_000, service: 'b' },
    ];
    assert.deepEqual(pollingAgainSeconds([10_000], polls), [4]);
  });
});
