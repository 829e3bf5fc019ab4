// The rollout's reconciliation reads its members in bulk: one paged listing of `RolloutId="R"` gives every running
// member's stage and health, and only the members the listing does not show running (not visible yet, ended, an
// earlier run) are described one by one. A fake client counts the calls; the real listing is in
// test/workflows/rollout-members.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowNotFoundError, defineSearchAttributeKey } from '@temporalio/common';
import { membersQuery, observeMembers } from '../../src/activities/rollout';
import { workflowIdFor } from '../../src/migration/names';

const StageKey = defineSearchAttributeKey('MigrationStage', 'KEYWORD');
const HealthKey = defineSearchAttributeKey('SourceHealth', 'KEYWORD');

interface Listed {
  service: string;
  status: string;
  stage: string;
  startedAt: number;
}

/** A client whose listing answers `listed` (in pages of pageSize) and which counts every call. */
function fakeClient(listed: readonly Listed[], described: Record<string, { status: string; stage: string }>) {
  const calls = {
    list: [] as { query?: string; pageSize?: number }[],
    describe: [] as string[],
    result: [] as string[],
  };
  const workflow = {
    list(options: { query?: string; pageSize?: number }) {
      calls.list.push(options);
      return (async function* () {
        for (const each of listed) {
          yield {
            workflowId: workflowIdFor(each.service),
            status: { name: each.status },
            startTime: new Date(each.startedAt),
            typedSearchAttributes: new TypedSearchAttributes([
              { key: StageKey, value: each.stage },
              { key: HealthKey, value: 'OK' },
            ]),
          };
        }
      })();
    },
    getHandle(workflowId: string) {
      const service = workflowId.slice('migration/'.length);
      return {
        async describe() {
          calls.describe.push(service);
          const known = described[service];
          if (!known) throw new WorkflowNotFoundError('not found', workflowId, undefined);
          return {
            status: { name: known.status },
            typedSearchAttributes: new TypedSearchAttributes([{ key: StageKey, value: known.stage }]),
          };
        },
        async result() {
          calls.result.push(service);
          return { outcome: 'CANCELLED', backupsRestored: true, requests: [] };
        },
      };
    },
  };
  return { client: { workflow } as unknown as Client, calls };
}

const service = (i: number) => `projects/p/locations/l/services/s${i}`;

describe('observeMembers', () => {
  it('reads N running members with one listing and describes only those it does not show running', async () => {
    const count = 2000;
    const services = Array.from({ length: count }, (_, i) => service(i));
    const listed: Listed[] = services
      .slice(0, count - 2)
      .map((each) => ({ service: each, status: 'RUNNING', stage: 'REPLICATION', startedAt: 2 }));
    // An earlier, failed run of the first member is listed too: the newest run counts.
    listed.push({ service: services[0]!, status: 'FAILED', stage: 'STARTING', startedAt: 1 });
    // Another rollout's member in the listing but not asked about: ignored.
    listed.push({ service: 'projects/p/locations/l/services/elsewhere', status: 'RUNNING', stage: 'X', startedAt: 2 });
    const [notVisibleYet, ended] = [services[count - 2]!, services[count - 1]!];
    const { client, calls } = fakeClient(listed, {
      [notVisibleYet]: { status: 'RUNNING', stage: 'STARTING' },
      [ended]: { status: 'COMPLETED', stage: 'DONE' },
    });

    const seen = await observeMembers(client, services, 'wave-r');

    assert.equal(calls.list.length, 1);
    assert.equal(calls.list[0]!.query, 'RolloutId="wave-r"');
    assert.deepEqual(calls.describe.sort(), [ended, notVisibleYet].sort());
    assert.deepEqual(calls.result, [ended]);
    assert.equal(seen.length, count);
    assert.deepEqual(
      seen.map((o) => o.service),
      services,
    );
    assert.deepEqual(seen[0], { service: services[0], status: 'RUNNING', stage: 'REPLICATION', sourceHealth: 'OK' });
    assert.deepEqual(seen[count - 2], { service: notVisibleYet, status: 'RUNNING', stage: 'STARTING' });
    assert.equal(seen[count - 1]!.outcome, 'CANCELLED');
  });

  it('describes each member when there is no rollout to list by (a rollout from before the listing)', async () => {
    const services = [service(1), service(2)];
    const { client, calls } = fakeClient([], { [service(1)]: { status: 'RUNNING', stage: 'REPLICATION' } });
    const seen = await observeMembers(client, services);
    assert.equal(calls.list.length, 0);
    assert.deepEqual(calls.describe.sort(), services);
    assert.deepEqual(seen[1], { service: service(2), status: 'NOT_FOUND' });
  });

  it('quotes the rollout name in the query', () => {
    assert.equal(membersQuery('a"b\\c'), 'RolloutId="a\\"b\\\\c"');
  });
});
