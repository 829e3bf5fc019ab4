// Replays every recorded history (test/fixtures/histories) against the current workflow code. A change that
// would make a running migration non-deterministic fails here: guard it with patched() (see CONTRIBUTING.md).
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';

import { ENCODING_FAILURE_CONVERTER_PATH } from '../../src/codec';
import { workflowBundleOptions } from '../../src/runtime/workflow-bundle';
import { APPLIED_UNDER_LEAN_START, PATCHES } from '../../src/workflows/patches';
import type { Patch } from '../../src/workflows/patches';

const dir = join(__dirname, '..', 'fixtures', 'histories');
const workflowsDir = join(__dirname, '..', '..', 'src', 'workflows');

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
    // An adoption (start --adopt): no start prechecks and no start; the baseline, the gate and the restore as any run.
    const adopted = await activityTypes('adopted.binpb');
    for (const activity of ['checkAdoptedSource', 'readSourceBaseline', 'completeMigration', 'restoreScheduledBackups'])
      assert.ok(adopted.has(activity), activity);
    for (const activity of ['startMigration', 'checkPermissions', 'checkSource', 'disableScheduledBackups'])
      assert.ok(!adopted.has(activity), activity);
    // The outgoing kind: its catalogs and dry run, its own start, the backfill's outcome, report and verification,
    // and the rollback; backups untouched.
    const outgoing = await activityTypes('outgoing-rolled-back.binpb');
    for (const activity of [
      'checkTargetCatalogs',
      'awaitDryRun',
      'startBiglakeMigration',
      'readBackfillOutcome',
      'readBackfillReport',
      'verifyBackfill',
      'rollbackMigration',
    ])
      assert.ok(outgoing.has(activity), activity);
    for (const activity of ['startMigration', 'disableScheduledBackups', 'restoreScheduledBackups', 'checkSecrets'])
      assert.ok(!outgoing.has(activity), activity);
  });

  it('covers a workflow cancelled mid-rollback before rollback-finishes (left, SUCCEEDED) and after (ROLLED_BACK)', async () => {
    const read = async (name: string) => {
      const { events } = temporal.api.history.v1.History.decode(await readFile(join(dir, `${name}.binpb`)));
      const rollback = events.findIndex(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'rollbackMigration',
      );
      const cancelled = events.findIndex((e) => e.workflowExecutionCancelRequestedEventAttributes);
      const outcomes = events.flatMap((e) => {
        const field =
          e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.MigrationOutcome;
        return field ? [defaultPayloadConverter.fromPayload(field) as string] : [];
      });
      const readsAfter = events
        .slice(cancelled)
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'pollMigration').length;
      return { rollback, cancelled, outcome: outcomes.at(-1), readsAfter };
    };
    // Both were cancelled while the rollback's operation ran; the old run left it, the new one waited it out.
    const before = await read('outgoing-rollback-abandoned');
    assert.ok(before.rollback >= 0 && before.cancelled > before.rollback, JSON.stringify(before));
    assert.equal(before.outcome, 'SUCCEEDED');
    assert.equal(before.readsAfter, 0);
    const after = await read('outgoing-rollback-cancelled');
    assert.ok(after.rollback >= 0 && after.cancelled > after.rollback, JSON.stringify(after));
    assert.equal(after.outcome, 'ROLLED_BACK');
    assert.ok(after.readsAfter > 0, 'the execution is read until ROLLED_BACK');
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

  it('has every patched() id in src/workflows/patches.ts, each proven on both sides by the fixtures it names', async () => {
    const patchesIn = async (name: string) => {
      const { events } = temporal.api.history.v1.History.decode(await readFile(join(dir, `${name}.binpb`)));
      const ids = new Set<string>();
      for (const e of events) {
        const marker = e.markerRecordedEventAttributes;
        const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0] : undefined;
        if (data) ids.add((defaultPayloadConverter.fromPayload(data) as { id: string }).id);
      }
      return ids;
    };
    const registered = Object.values(PATCHES).map((patch: Patch) => patch.id);
    // Every id the workflow code passes to patched() is registered (none written by hand elsewhere).
    const source = (await readdir(workflowsDir)).filter((f) => f.endsWith('.ts'));
    for (const file of source) {
      const text = await readFile(join(workflowsDir, file), 'utf8');
      assert.doesNotMatch(text, /patched\('/, `${file} passes a literal to patched(): use PATCHES`);
    }
    const seen = new Set<string>();
    for (const file of files) for (const id of await patchesIn(file.replace(/\.binpb$/, ''))) seen.add(id);
    for (const id of seen) assert.ok(registered.includes(id), `fixture marker ${id} is not in PATCHES`);
    for (const patch of Object.values(PATCHES) as Patch[]) {
      for (const name of patch.marked) assert.ok((await patchesIn(name)).has(patch.id), `${name} lacks ${patch.id}`);
      for (const name of patch.before) assert.ok(!(await patchesIn(name)).has(patch.id), `${name} has ${patch.id}`);
      assert.ok(patch.before.length > 0, `${patch.id}: no fixture replays the old path`);
      assert.ok(patch.marked.length > 0 || patch.unmarkedBecause, `${patch.id}: no fixture takes the new path`);
    }
  });

  it('takes as applied under lean-start only the patches registered before it, and not the rollout workflow’s', () => {
    const ids = Object.values(PATCHES).map((patch: Patch) => patch.id);
    const lean = ids.indexOf(PATCHES.leanStart.id);
    for (const id of APPLIED_UNDER_LEAN_START) {
      const at = ids.indexOf(id);
      assert.ok(at >= 0 && at < lean, `${id} is not a patch registered before lean-start`);
    }
    // A later patch must be recorded by runs marked lean-start: none after it is implied.
    for (const id of ids.slice(lean)) assert.ok(!APPLIED_UNDER_LEAN_START.has(id), id);
    assert.ok(!APPLIED_UNDER_LEAN_START.has(PATCHES.rolloutOutgoingBackfill.id));
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const history = temporal.api.history.v1.History.decode(await readFile(join(dir, file)));
      // The run's own workflow id where the history records it: an adopting run checks that it is the service's.
      const recordedId = history.events[0]?.workflowExecutionStartedEventAttributes?.workflowId;
      await Worker.runReplayHistory({ workflowBundle }, history, recordedId || `replay-${file}`);
    });
  }

  // An encrypting worker's bundle converts failures with encodeCommonAttributes (src/codec/failure-converter.ts);
  // histories written with plain failure messages replay under it unchanged.
  it('replays the histories holding failures with the failure converter of an encrypting worker', async () => {
    const encodingBundle = await bundleWorkflowCode({
      ...workflowBundleOptions(ENCODING_FAILURE_CONVERTER_PATH),
      logger: new DefaultLogger('WARN'),
    });
    const dataConverter = { failureConverterPath: ENCODING_FAILURE_CONVERTER_PATH };
    let replayed = 0;
    for (const file of files) {
      const history = temporal.api.history.v1.History.decode(await readFile(join(dir, file)));
      const hasFailure = history.events.some(
        (e) => e.activityTaskFailedEventAttributes || e.workflowExecutionFailedEventAttributes,
      );
      if (!hasFailure) continue;
      await Worker.runReplayHistory({ workflowBundle: encodingBundle, dataConverter }, history, `encoded-${file}`);
      replayed++;
    }
    assert.ok(replayed >= 5, `only ${replayed} fixtures hold a failure`);
  });
});
