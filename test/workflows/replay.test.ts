// Replays every recorded history (test/fixtures/histories) against the current workflow code. A change that
// would make a running migration non-deterministic fails here: guard it with patched() (see README).
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';

const dir = join(__dirname, '..', 'fixtures', 'histories');

describe('replay of recorded histories', async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const files = (await readdir(dir)).filter((file) => file.endsWith('.binpb')).sort();
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: new DefaultLogger('WARN'),
  });

  it('has fixtures for the representative endings, recorded on each generation of the wait', () => {
    for (const prefix of ['v1-', 'v2-', 'v3-', 'v4-', 'v5-', '']) {
      for (const name of ['happy-path', 'cancel-signal', 'external-failure', 'workflow-cancelled']) {
        assert.ok(files.includes(`${prefix}${name}.binpb`), `missing fixture ${prefix}${name}.binpb`);
      }
    }
  });

  it('covers the old watcher (v1-, v2-) and retry-as-poll (current) paths', async () => {
    const activityTypes = async (file: string) => {
      const history = temporal.api.history.v1.History.decode(await readFile(join(dir, file)));
      return new Set(history.events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name));
    };
    assert.ok((await activityTypes('v2-happy-path.binpb')).has('watchMigration'));
    assert.ok((await activityTypes('happy-path.binpb')).has('pollMigrationChange'));
    assert.ok(!(await activityTypes('happy-path.binpb')).has('watchMigration'));
    // A run with notification targets posts beside the migration; one without schedules no notify at all.
    assert.ok((await activityTypes('notified.binpb')).has('notify'));
    assert.ok(!(await activityTypes('happy-path.binpb')).has('notify'));
    // The cutover gate, the source health watch and the reconciliation (recorded with them); earlier runs (v5-) have
    // none. A happy path of the current generation runs the baseline, the cutover checks and the reconciliation.
    const cutover = await activityTypes('cutover-checked.binpb');
    const current = await activityTypes('happy-path.binpb');
    for (const activity of ['readSourceBaseline', 'checkCutoverReadiness', 'recordSourceInventory', 'verifyMigration'])
      assert.ok(current.has(activity), activity);
    const gated = [
      'readSourceBaseline',
      'watchSourceHealth',
      'checkCutoverReadiness',
      'recordSourceInventory',
      'verifyMigration',
    ];
    for (const activity of gated) {
      assert.ok(cutover.has(activity), activity);
      assert.ok(!(await activityTypes('v5-happy-path.binpb')).has(activity), activity);
    }
  });

  it('covers sequential (v3-) and concurrent (current) prechecks', async () => {
    // Concurrent: checkService, checkPermissions and checkSecrets scheduled by one workflow task.
    const firstTaskActivities = async (file: string) => {
      const { events } = temporal.api.history.v1.History.decode(await readFile(join(dir, file)));
      const completed = events.findIndex((e) => e.workflowTaskCompletedEventAttributes);
      const next = events.findIndex((e, i) => i > completed && e.workflowTaskScheduledEventAttributes);
      return events.slice(completed, next).filter((e) => e.activityTaskScheduledEventAttributes).length;
    };
    assert.equal(await firstTaskActivities('v3-happy-path.binpb'), 1);
    assert.equal(await firstTaskActivities('v4-happy-path.binpb'), 3);
  });

  it('covers the request checked in the workflow (v4-) and by the checkRequest activity (current)', async () => {
    const firstActivity = async (file: string) => {
      const { events } = temporal.api.history.v1.History.decode(await readFile(join(dir, file)));
      return events.find((e) => e.activityTaskScheduledEventAttributes)?.activityTaskScheduledEventAttributes
        ?.activityType?.name;
    };
    for (const name of ['happy-path', 'continued-as-new-run2']) {
      assert.notEqual(await firstActivity(`v4-${name}.binpb`), 'checkRequest');
      assert.equal(await firstActivity(`${name}.binpb`), 'checkRequest');
    }
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const history = temporal.api.history.v1.History.decode(await readFile(join(dir, file)));
      await Worker.runReplayHistory({ workflowBundle }, history, `replay-${file}`);
    });
  }
});
