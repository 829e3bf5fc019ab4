// `status` and `watch` on realistic statuses: one story in the engineer's words — the migration's own last and next
// poll (never the hourly source check's), the source check apart, what runs now without activity type names, and
// no placeholder symbols.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStatus, formatWorkflowList } from '../../src/cli/format';
import type { LiveActivity } from '../../src/cli/live';
import { formatFleet, formatMigrationView, migrationView } from '../../src/cli/watch';
import { initialState, type MigrationStatus } from '../../src/migration/state';

const service = 'projects/p/locations/us-central1/services/orders';
const execution = `${service}/migrationExecutions/m1`;
const now = new Date('2026-12-04T12:00:30Z');

/** A migration replicating since the morning: the source last changed level at 11:00, and the workflow knows it. */
function replicating(): MigrationStatus {
  const state = initialState('2026-12-04T09:00:00Z', { disableBackups: 'a', start: 'b', restoreBackups: 'c' });
  state.stage = 'REPLICATION';
  state.stageHistory.push({ stage: 'REPLICATION', at: '2026-12-04T09:05:00Z' });
  state.serviceState = 'ACTIVE';
  state.execution = { name: execution, state: 'RUNNING', phase: 'REPLICATION' };
  state.lastPollTime = '2026-12-04T11:58:00Z'; // the last read that changed something
  state.sourceHealth = { status: 'OK', checkedAt: '2026-12-04T11:00:00Z', levels: {}, changes: [] };
  return { ...state, service, workflowId: `migration/${service}`, runId: 'r1', historyLength: 120 };
}

/** What describe() shows while it waits: the poll between reads and the hourly source check between runs. */
const waiting: LiveActivity[] = [
  {
    activity: 'watchSourceHealth',
    attempt: 3,
    waitingBetweenPolls: true,
    lastCheck: '2026-12-04T12:00:00Z',
    nextAttemptAt: '2026-12-04T13:00:00Z',
  },
  {
    activity: 'pollMigrationChange',
    attempt: 40,
    waitingBetweenPolls: true,
    lastPoll: { polledAt: '2026-12-04T12:00:05Z', serviceFound: true },
    nextAttemptAt: '2026-12-04T12:00:35Z',
  },
];

const INTERNAL = /pollMigrationChange|watchSourceHealth|checkOperation|polling|running {2}|\?|-\/-|undefined/;

describe('status and watch tell one story', () => {
  it('status: the migration poll last and next, the source check apart, what runs now in words', () => {
    const text = formatStatus(replicating(), waiting, now);
    assert.match(text, /^polls {6}last 12:00:05 \(25 s ago\), next ~12:00:35 \(in 5 s\)$/m);
    assert.match(text, /^source {5}OK, checked 12:00:00 \(30 s ago\), next ~13:00:00 \(in 59 min 30 s\)$/m);
    assert.match(text, /^now {8}checking the source; watching the migration$/m);
    assert.equal(text.match(/last/g)?.length, 1, `one "last poll" only:\n${text}`);
    assert.doesNotMatch(text, INTERNAL, text);
  });

  it('watch: the same poll and source check as status, not the hourly check as the next poll', () => {
    const view = migrationView(replicating(), waiting, false);
    assert.equal(view.lastPoll, '2026-12-04T12:00:05Z');
    assert.equal(view.nextPoll, '2026-12-04T12:00:35Z');
    assert.deepEqual(view.sourceCheck, { status: 'OK', last: '2026-12-04T12:00:00Z', next: '2026-12-04T13:00:00Z' });
    const text = formatMigrationView(view, now);
    assert.match(text, /^execution {2}RUNNING in REPLICATION$/m);
    assert.match(text, /^polls {6}last 12:00:05 \(25 s ago\), next ~12:00:35 \(in 5 s\)$/m);
    assert.match(text, /^source {5}OK, checked 12:00:00 \(30 s ago\), next ~13:00:00 \(in 59 min 30 s\)$/m);
    assert.match(text, /^timeline {3}PRECHECK 09:00:00 → REPLICATION 09:05:00$/m);
    assert.doesNotMatch(text, INTERNAL, text);
  });

  it('during cutover: waiting for the operation, its retries in words; no poll is waiting', () => {
    const status = replicating();
    status.stage = 'COMPLETING';
    const live: LiveActivity[] = [
      {
        activity: 'checkOperation',
        attempt: 4,
        waitingBetweenPolls: true,
        nextAttemptAt: '2026-12-04T12:00:40Z',
      },
      {
        activity: 'recordSourceInventory',
        attempt: 2,
        waitingBetweenPolls: false,
        lastFailure: 'connect ETIMEDOUT',
        nextAttemptAt: '2026-12-04T12:01:00Z',
      },
    ];
    const text = formatStatus(status, live, now);
    assert.match(
      text,
      /^polls {6}last 11:58:00 \(2 min 30 s ago\), next after waiting for Google's operation and recording/m,
    );
    assert.match(
      text,
      /^now {8}waiting for Google's operation; recording the source before cutover \(attempt 2: connect ETIMEDOUT, next try 12:01:00\)$/m,
    );
    assert.doesNotMatch(text, INTERNAL, text);
  });

  it('a migration just started: nothing read yet is said so, not with symbols', () => {
    const state = initialState('2026-12-03T23:59:00Z', { disableBackups: 'a', start: 'b', restoreBackups: 'c' });
    const status: MigrationStatus = {
      ...state,
      service,
      workflowId: `migration/${service}`,
      runId: 'r1',
      historyLength: 5,
    };
    const live: LiveActivity[] = [{ activity: 'checkService', attempt: 1, waitingBetweenPolls: false }];
    const text = formatStatus(status, live, now);
    assert.match(text, /^service {4}\S+ — not read yet$/m);
    assert.match(text, /^execution {2}no execution yet$/m);
    assert.match(text, /^polls {6}not read yet, next after checking the service$/m);
    assert.doesNotMatch(text, /^source/m, 'no source check before REPLICATION');
    assert.doesNotMatch(text, INTERNAL, text);
    const view = formatMigrationView(migrationView(status, live, false), now);
    assert.match(view, /^execution {2}no execution yet$/m);
    assert.match(view, /^timeline {3}PRECHECK 2026-12-03 23:59:00$/m, 'an earlier day is dated');
    assert.doesNotMatch(view, INTERNAL, view);
  });

  it('an ended migration has no next poll and says so', () => {
    const status = replicating();
    status.stage = 'DONE';
    status.outcome = 'CANCELLED';
    status.outcomeMessage = 'cancelled by carol';
    const view = migrationView(status, [], true);
    const text = formatMigrationView(view, now);
    assert.match(text, /^stage {6}DONE — CANCELLED: cancelled by carol$/m);
    assert.match(text, /^polls {6}last 11:58:00 \(2 min 30 s ago\); no more polls \(the workflow has ended\)$/m);
    assert.doesNotMatch(formatStatus(status, [], now), INTERNAL);
  });

  it('an activity a newer worker runs is named as unknown, not as if it were words', () => {
    const text = formatStatus(replicating(), [{ activity: 'futureStep', attempt: 1, waitingBetweenPolls: false }], now);
    assert.match(text, /^now {8}working \(step "futureStep", not known to this tool\)$/m);
  });

  it('the fleet and list-workflows say what is not recorded yet in words', () => {
    const rows = [{ workflowId: `migration/${service}`, startTime: '2026-12-04T09:00:00.000Z' }];
    assert.doesNotMatch(formatFleet(rows), /\?/);
    assert.match(formatFleet(rows), /not recorded yet\s+no execution yet/);
    const list = formatWorkflowList([{ ...rows[0]!, status: 'RUNNING', executionState: 'NONE' }]);
    assert.match(list, /stage not recorded yet {2}execution no execution yet/);
  });
});
