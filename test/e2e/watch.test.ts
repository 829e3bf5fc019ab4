// `watch` and `status --all` as an engineer runs them: the CLI on a pipe follows a migration to its end, one JSON
// line per change, and the fleet table lists what runs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { WORKFLOW_TYPE, workflowIdFor } from '../../src/migration/names';
import type { MigrationView } from '../../src/cli/watch';
import { SOURCE_NOT_REACHED_FLAGS, uniqueServiceName, waitFor } from '../helpers/migration';
import { type E2e, startE2e } from '../helpers/e2e';
import type { Stack } from '../helpers/stack';

let e2e: E2e;
let stack: Stack;

before(async () => {
  e2e = await startE2e('watch');
  stack = e2e.stack;
  await stack.startWorker();
});

after(() => e2e?.close());

describe('watch and status --all', () => {
  it('follows a migration to its end, one JSON line per change; status --all lists it while it runs', async () => {
    const service = await stack.seedService();
    assert.equal((await e2e.start(service)).code, 0);
    const watching = stack.cli('watch', '--service', service, '--json', '--interval', '0.2');
    await waitFor('REPLICATION', async () => {
      const status = await stack.cli('status', '--service', service, '--json');
      return (JSON.parse(status.stdout) as { stage: string }).stage === 'REPLICATION';
    });
    const all = await stack.cli('status', '--all');
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^SERVICE\s+STAGE\s+EXECUTION\s+STARTED\s+RUNNING FOR$/m);
    assert.match(all.stdout, new RegExp(`${service.replace(/\//g, '\\/')}\\s+REPLICATION\\s+RUNNING`));
    // status in words: the migration's own polls, no activity type names.
    const status = await stack.cli('status', '--service', service);
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout,
      /^polls {6}(last \S+ \([^)]+\)|not read yet), (next ~\S+ \([^)]+\)|reading now|next after .+)$/m,
    );
    assert.doesNotMatch(status.stdout, /pollMigrationChange|watchSourceHealth|checkOperation|^polling|^running/m);
    assert.equal(
      (await stack.cli('complete', '--service', service, ...SOURCE_NOT_REACHED_FLAGS, '--by', 'carol')).code,
      0,
    );

    const watched = await watching; // ends by itself when the workflow has
    assert.equal(watched.code, 0, watched.stderr);
    const views = watched.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as MigrationView);
    for (let i = 1; i < views.length; i++) assert.notDeepEqual(views[i], views[i - 1], 'a line per change only');
    const stages = [...new Set(views.map((v) => v.stage))];
    assert.deepEqual(
      stages.slice(stages.indexOf('REPLICATION')),
      ['REPLICATION', 'COMPLETING', 'RESTORING_BACKUPS', 'DONE'].filter((s) => stages.includes(s)),
    );
    const last = views.at(-1)!;
    assert.equal(last.ended, true);
    assert.equal(last.outcome, 'SUCCEEDED');
    assert.deepEqual(last.timeline.map((t) => t.stage).slice(0, 2), ['PRECHECK', 'DISABLING_BACKUPS']);
    assert.ok(
      last.decisions.some((d) => d.startsWith('complete by carol')),
      last.decisions.join('\n'),
    );
    assert.ok(views.some((v) => v.executionState === 'RUNNING' && v.phase === 'REPLICATION' && v.lastPoll));
    // What it does is said in words, and the next poll is the migration's, never the source check's.
    const doing = views.flatMap((v) => v.doing);
    assert.ok(doing.includes('watching the migration'), doing.join('\n'));
    for (const words of doing) assert.doesNotMatch(words, /\b[a-z]+[A-Z]\w*\b/, 'an activity type name');
    // Both may be running at once ('now'); a time shown as the next poll must be the poll's own.
    const timed = (at?: string) => at !== undefined && at !== 'now';
    for (const v of views.filter((view) => timed(view.nextPoll) && timed(view.sourceCheck?.next)))
      assert.notEqual(v.nextPoll, v.sourceCheck!.next, 'the next poll is the source check');

    const fleet = await stack.cli('watch', '--json');
    assert.equal(fleet.code, 0);
    assert.deepEqual(JSON.parse(fleet.stdout.trim()), [], 'nothing runs any more: one line, and done');
  });

  it('status --all, watch and list-workflows list the migrations of their own task queue, not the namespace', async () => {
    // Another deployment's migration in the same namespace: on a queue of its own, with no worker, so it stays put.
    const otherQueue = `other-deployment-${randomUUID()}`;
    const service = uniqueServiceName('elsewhere');
    const connection = await Connection.connect({ address: e2e.temporal.address });
    const client = new Client({ connection, namespace: e2e.temporal.namespace });
    const handle = await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: otherQueue,
      workflowId: workflowIdFor(service),
      args: [{}],
    });
    try {
      const other = { TEMPORAL_TASK_QUEUE: otherQueue };
      const listed = (run: { stdout: string }) =>
        (JSON.parse(run.stdout) as { workflows: { workflowId: string }[] }).workflows.map((w) => w.workflowId);
      // Visibility is eventually consistent: once the other deployment's CLI lists it, ours could too.
      const theirs = await waitFor('the other deployment lists its migration', async () => {
        const run = await stack.cliWithEnv(other, 'list-workflows', '--json');
        return run.code === 0 && listed(run).includes(handle.workflowId) ? listed(run) : undefined;
      });
      assert.deepEqual(theirs, [handle.workflowId]);
      assert.match((await stack.cliWithEnv(other, 'status', '--all')).stdout, new RegExp(`elsewhere-\\S+`));
      assert.deepEqual(listed(await stack.cli('list-workflows', '--json')), []);
      assert.deepEqual(listed(await stack.cli('status', '--all', '--json')), []);
      const fleet = await stack.cli('watch', '--json');
      assert.deepEqual(JSON.parse(fleet.stdout.trim()), [], 'ours is done although theirs runs');
    } finally {
      await handle.terminate('end of test');
      await connection.close();
    }
  });
});
