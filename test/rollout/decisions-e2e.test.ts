// `rollout complete` as an engineer runs it: a Temporal dev server, the emulator, a worker and the CLI, each a
// process. On a terminal it asks first, saying how many and that a cutover cannot be undone; n starts nothing.
// Two migrations in REPLICATION and a service with no migration are completed with one command: the table
// says accepted, accepted, not found, and the exit code is 1 for the one not found; both accepted members cut over
// with the decision's who and why. Asked again, both are already done, and the exit code is 0; the same --id again
// prints the first decision's report and sends nothing.
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { after, before, describe, it } from 'node:test';
import { workflowIdFor } from '../../src/migration/names';
import type { MigrationResult } from '../../src/migration/state';
import { statusQuery } from '../../src/workflows/messages';
import { type E2e, startE2e } from '../helpers/e2e';
import { cliOnPty } from '../helpers/pty';
import { SOURCE_NOT_REACHED_FLAGS, uniqueServiceName, waitFor } from '../helpers/migration';

let e2e: E2e;
let connection: Connection;

before(async () => {
  e2e = await startE2e('bulk-decisions');
  await e2e.stack.startWorker();
  connection = await Connection.connect({ address: e2e.temporal.address });
});
after(async () => {
  await connection?.close();
  await e2e?.close();
});

describe('rollout complete (CLI, worker, dev server, emulator as processes)', () => {
  it('completes two migrations through their own gates and reports the missing one; again, both already done', async () => {
    const client = new Client({ connection, namespace: e2e.temporal.namespace });
    const [a, b] = [await e2e.stack.seedService(), await e2e.stack.seedService()];
    const missing = uniqueServiceName('e2e-missing');
    for (const service of [a, b]) {
      const started = await e2e.start(service);
      assert.equal(started.code, 0, started.stderr);
    }
    for (const service of [a, b])
      await waitFor(
        `${service} in REPLICATION`,
        async () =>
          (await client.workflow.getHandle(workflowIdFor(service)).query(statusQuery)).stage === 'REPLICATION',
        { timeoutMs: 60_000 },
      );

    const services = [a, b, missing].join(',');
    // On a terminal it says how many and that a cutover cannot be undone; n starts nothing.
    const asked = cliOnPty(e2e.stack.env, ['rollout', 'complete', '--services', services, '--reason', 'x']);
    const shown = await asked.waitForOutput(/Proceed with complete\? \[y\/N\] /);
    assert.match(shown, /complete 3 members \(by name\): .*A cutover cannot be undone\./s);
    asked.type('n\r');
    assert.equal(await asked.exited, 1, asked.output());
    assert.match(asked.output(), /NotConfirmed: complete not confirmed/);
    for (const service of [a, b]) {
      const status = await client.workflow.getHandle(workflowIdFor(service)).query(statusQuery);
      assert.deepEqual(status.requests, [], 'nothing was asked of the members');
    }

    const flags = ['--reason', 'wave 2 cutover', '--by', 'alice', '--change-reference', 'CHG-7', '--yes'];
    const first = [
      'rollout',
      'complete',
      '--services',
      services,
      '--id',
      'wave-2',
      ...flags,
      ...SOURCE_NOT_REACHED_FLAGS,
    ];
    const run = await e2e.stack.cli(...first);
    assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^complete by alice, change CHG-7 \(bulk\/services\/wave-2\)$/m);
    assert.match(run.stdout, new RegExp(`^${a} +accepted$`, 'm'));
    assert.match(run.stdout, new RegExp(`^${b} +accepted$`, 'm'));
    assert.match(run.stdout, new RegExp(`^${missing} +not found +no migration workflow migration/${missing}$`, 'm'));
    assert.match(run.stdout, /^accepted 2, refused 0, already done 0, not found 1$/m);

    for (const service of [a, b]) {
      const result: MigrationResult = await client.workflow.getHandle(workflowIdFor(service)).result();
      assert.equal(result.outcome, 'SUCCEEDED');
      const decided = result.requests.find((request) => request.action === 'complete');
      assert.equal(decided?.by, 'alice');
      assert.match(decided?.reason ?? '', /^wave 2 cutover \(change CHG-7\); bulk decision bulk\/services\//);
    }

    const again = await e2e.stack.cli('rollout', 'complete', '--services', [a, b].join(','), ...flags, '--json');
    assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
    const report = JSON.parse(again.stdout) as {
      workflowId: string;
      counts: Record<string, number>;
      members: { result: string }[];
    };
    assert.deepEqual(
      report.members.map((member) => member.result),
      ['alreadyDone', 'alreadyDone'],
    );
    assert.equal(report.counts.alreadyDone, 2);
    assert.match(report.workflowId, /^bulk\/services\/[0-9a-f-]{36}$/, 'without --id, a new decision');

    // The same --id again sends nothing new: it prints that decision's own report, as it was.
    const repeated = await e2e.stack.cli(...first);
    assert.equal(repeated.code, 1, repeated.stderr);
    assert.equal(repeated.stdout, run.stdout);
  });
});
