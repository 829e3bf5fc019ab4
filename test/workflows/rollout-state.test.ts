// The rollout's rules over its state, pure: the failure budget, the caps on what is driven next, what an observed
// member means for each action, and the bounded audit trail. The workflow's behaviour is in rollout.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RolloutInputSchema } from '../../src/schemas/rollout';
import type { RolloutInput } from '../../src/schemas/rollout';
import {
  AUDIT_LIMIT,
  applyDrive,
  classify,
  etaOf,
  failureBudget,
  initialRolloutState,
  nextToDrive,
  overBudget,
  record,
} from '../../src/workflows/rollout/state';

const service = (project: string, i: number) => `projects/proj-${project}/locations/us-central1/services/s${i}`;

function rollout(members: string[], wave: Record<string, unknown> = {}, more: Record<string, unknown> = {}) {
  return RolloutInputSchema.parse({
    name: 'unit',
    action: 'complete',
    waves: [{ name: 'w', members: members.map((s) => ({ service: s })), maxParallel: 10, ...wave }],
    ...more,
  }) satisfies RolloutInput;
}

/** A start run's reading since the rollout-outgoing-backfill patch. */
const NEW = { outgoingBackfill: true };

describe('rollout state', () => {
  it('allows the larger of the budget count and its percentage of the wave, rounded down', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => service('p', i));
    assert.equal(failureBudget(rollout(twenty, { failureBudget: { count: 1, percent: 10 } }).waves[0]!), 2);
    assert.equal(failureBudget(rollout(twenty, { failureBudget: { count: 3, percent: 10 } }).waves[0]!), 3);
    assert.equal(failureBudget(rollout(twenty, { failureBudget: { percent: 14 } }).waves[0]!), 2);
    assert.equal(failureBudget(rollout(twenty).waves[0]!), 0);
  });

  it('counts only failures beyond those a resume accepted against the budget', () => {
    const input = rollout([service('p', 0), service('p', 1), service('p', 2)], { failureBudget: { count: 1 } });
    const state = initialRolloutState(input);
    state.members[service('p', 0)] = { p: 'failed', reason: 'x' };
    assert.equal(overBudget(state, input.waves[0]!), false);
    state.members[service('p', 1)] = { p: 'failed', reason: 'y' };
    assert.equal(overBudget(state, input.waves[0]!), true);
    state.acknowledgedFailures = 2;
    assert.equal(overBudget(state, input.waves[0]!), false);
  });

  it("drives pending members in order within the wave's maxParallel and each project's cap", () => {
    const members = [service('a', 0), service('a', 1), service('b', 2), service('a', 3), service('b', 4)];
    const input = rollout(members, { maxParallel: 3, perProject: { 'proj-a': 1 } });
    const state = initialRolloutState(input);
    assert.deepEqual(
      nextToDrive(input, state).map((m) => m.service),
      [service('a', 0), service('b', 2), service('b', 4)],
    );
    state.members[service('a', 0)] = { p: 'inProgress' };
    state.members[service('b', 2)] = { p: 'reached' };
    // a is at its cap with a0 in progress; b has room, but only b4 is left of it.
    assert.deepEqual(
      nextToDrive(input, state).map((m) => m.service),
      [service('b', 4)],
    );
  });

  it("takes a drive's answers, except for a member skipped while it ran", () => {
    const members = [service('p', 0), service('p', 1), service('p', 2)];
    const state = initialRolloutState(rollout(members));
    state.members[service('p', 2)] = { p: 'skipped', reason: 'retired' };
    applyDrive(state, [
      { service: service('p', 0), result: 'accepted' },
      { service: service('p', 1), result: 'refused', reason: 'CutoverBlocked: hive.reachable' },
      { service: service('p', 2), result: 'accepted' },
    ]);
    assert.deepEqual(
      members.map((m) => state.members[m]),
      [
        { p: 'inProgress' },
        { p: 'failed', reason: 'refused: CutoverBlocked: hive.reachable' },
        { p: 'skipped', reason: 'retired' },
      ],
    );
  });

  it("estimates the ends from the current wave's pace: unknown until a member has settled", () => {
    const first = Array.from({ length: 4 }, (_, i) => service('p', i));
    const second = Array.from({ length: 6 }, (_, i) => service('q', i));
    const input = RolloutInputSchema.parse({
      name: 'unit',
      action: 'complete',
      waves: [
        { name: 'a', members: first.map((s) => ({ service: s })), maxParallel: 4, soakSeconds: 600 },
        { name: 'b', members: second.map((s) => ({ service: s })), maxParallel: 6, soakSeconds: 300 },
      ],
    }) satisfies RolloutInput;
    const state = initialRolloutState(input);
    const start = Date.parse('2026-12-05T00:00:00.000Z');
    const at = (minutes: number) => start + minutes * 60_000;
    assert.equal(etaOf(input, state, at(10)), 'unknown', 'the wave has not started');
    state.waveStartedAt = new Date(start).toISOString();
    for (const s of first) state.members[s] = { p: 'inProgress' };
    assert.equal(etaOf(input, state, at(10)), 'unknown', 'no member has settled');
    // 2 settled (one failed counts: it is done) in 10 minutes: 0.2 a minute.
    state.members[first[0]!] = { p: 'reached' };
    state.members[first[1]!] = { p: 'failed', reason: 'x' };
    // Wave a: 2 more at 0.2/min = 10 min, then its 10-minute soak; wave b: 6 at 0.2/min = 30 min, its 5-minute soak.
    assert.deepEqual(etaOf(input, state, at(10)), {
      perMinute: 0.2,
      waveEndsAt: new Date(at(30)).toISOString(),
      rolloutEndsAt: new Date(at(65)).toISOString(),
    });
    // Soaking: what is left of the soak, no members.
    for (const s of first) state.members[s] = { p: 'reached' };
    state.gate = 'soak';
    state.soakUntil = new Date(at(25)).toISOString();
    assert.deepEqual(etaOf(input, state, at(20)), {
      perMinute: 0.2,
      waveEndsAt: new Date(at(25)).toISOString(),
      rolloutEndsAt: new Date(at(60)).toISOString(),
    });
  });

  it('reads an outgoing member of a start as reached once its backfill SUCCEEDED, failed if it lost tables', () => {
    const wave = rollout([service('p', 0)]).waves[0]!;
    const window = { service: service('p', 0), status: 'RUNNING', stage: 'ROLLBACK_WINDOW' };
    const lost = 'backfill SUCCEEDED: 3 tables in 1 databases (2 succeeded, 0 skipped, 1 failed); failed: sales.orders';
    // Before the patch: in progress through the rollback window.
    assert.equal(classify('start', wave, window).p, 'inProgress');
    assert.equal(classify('start', wave, window, NEW).p, 'reached');
    assert.equal(classify('start', wave, { ...window, stage: 'BACKFILL' }, NEW).p, 'inProgress');
    assert.deepEqual(classify('start', wave, { ...window, backfillFailures: lost }, NEW), {
      p: 'failed',
      reason: lost,
    });
    const ended = { service: service('p', 0), status: 'COMPLETED', outcome: 'SUCCEEDED' };
    assert.equal(classify('start', wave, ended, NEW).p, 'reached');
    assert.equal(classify('start', wave, { ...ended, backfillFailures: lost }, NEW).p, 'failed');
    // Only a start's rule: a complete of a member in its window is read by its own (below).
    assert.equal(classify('complete', wave, window, NEW).p, 'inProgress');
  });

  it('reads an outgoing member of a complete as reached in its rollback window (complete no longer applies)', () => {
    const wave = rollout([service('p', 0)]).waves[0]!;
    const window = { service: service('p', 0), status: 'RUNNING', stage: 'ROLLBACK_WINDOW' };
    const rules = { rollbackWindowDone: true };
    // Before the patch: in progress until the window ends.
    assert.equal(classify('complete', wave, window).p, 'inProgress');
    assert.deepEqual(classify('complete', wave, window, rules), {
      p: 'reached',
      reason: 'SUCCEEDED: in its rollback window, where complete no longer applies',
    });
    assert.equal(classify('complete', wave, { ...window, verification: 'mismatch' }, rules).p, 'failed');
    const lenient = rollout([service('p', 0)], { gate: { advance: 'auto', health: { verificationClean: false } } })
      .waves[0]!;
    assert.equal(classify('complete', lenient, { ...window, verification: 'mismatch' }, rules).p, 'reached');
    // Rolling back is not the target; nor is a window for a cancel (its cutover cannot be cancelled).
    assert.equal(classify('complete', wave, { ...window, stage: 'ROLLING_BACK' }, rules).p, 'inProgress');
    assert.equal(classify('cancel', wave, window, rules).p, 'inProgress');
  });

  it('reads an observed member against the action', () => {
    const wave = rollout([service('p', 0)]).waves[0]!;
    const running = { service: service('p', 0), status: 'RUNNING' };
    assert.equal(classify('start', wave, { ...running, stage: 'STARTING' }).p, 'inProgress');
    assert.equal(classify('start', wave, { ...running, stage: 'REPLICATION' }).p, 'reached');
    assert.equal(classify('complete', wave, { ...running, stage: 'REPLICATION' }).p, 'inProgress');
    assert.deepEqual(classify('complete', wave, { ...running, stage: 'REPLICATION', setAside: 'refused by the API' }), {
      p: 'failed',
      reason: 'set aside: refused by the API',
    });
    const ended = { service: service('p', 0), status: 'COMPLETED', outcome: 'SUCCEEDED' };
    assert.equal(classify('complete', wave, { ...ended, verification: 'ok' }).p, 'reached');
    assert.equal(classify('complete', wave, { ...ended, verification: 'mismatch' }).p, 'failed');
    const lenient = rollout([service('p', 0)], { gate: { advance: 'auto', health: { verificationClean: false } } })
      .waves[0]!;
    assert.equal(classify('complete', lenient, { ...ended, verification: 'mismatch' }).p, 'reached');
    assert.equal(classify('cancel', wave, ended).p, 'failed');
    assert.equal(classify('cancel', wave, { ...ended, outcome: 'CANCELLED' }).p, 'reached');
    const failed = classify('start', wave, {
      service: service('p', 0),
      status: 'FAILED',
      reason: 'PrecheckFailed: no',
    });
    assert.deepEqual(failed, { p: 'failed', reason: 'ended FAILED: PrecheckFailed: no' });
    assert.equal(classify('complete', wave, { service: service('p', 0), status: 'NOT_FOUND' }).p, 'failed');
  });

  it('keeps the newest audit records and counts the dropped ones', () => {
    const input = rollout([service('p', 0)]);
    const state = initialRolloutState(input);
    for (let i = 0; i < AUDIT_LIMIT + 5; i++) record(state, { command: 'pause', by: 'a', reason: `r${i}` }, 'now');
    assert.equal(state.audit.length, AUDIT_LIMIT);
    assert.equal(state.auditDropped, 5);
    assert.equal(state.audit[0]!.reason, 'r5');
  });
});
