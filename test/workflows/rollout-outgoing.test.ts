// A start rollout whose members are of the outgoing kind (DPMS → Lakehouse), on a real dev server with the emulator
// and the real activities: such a member never waits in REPLICATION — its backfill runs, then it sits in its
// rollback window for days — so it has reached a start's target once its backfill SUCCEEDED, and the wave reaches
// its gate without waiting out the window. A complete rollout counts a member in its rollback window as reached too
// (SUCCEEDED; complete no longer applies there), and does not ask one that is already in it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { workflowIdFor } from '../../src/migration/names';
import { ROLLOUT_WORKFLOW_TYPE, rolloutWorkflowId, statusQuery } from '../../src/workflows/rollout/messages';
import type { RolloutStatus } from '../../src/workflows/rollout/messages';
import type { rollout } from '../../src/workflows/rollout/workflow';
import type { bulkDecision } from '../../src/workflows/bulk-decision';
import type { MigrationExecutionRequest } from '../../src/schemas';
import { FAST_OPTIONS, RUN_TOKEN, SECRET_ENV, waitFor } from '../helpers/migration';
import { createCatalog, hiveTable, icebergTable, seedMetastore } from '../helpers/outgoing';
import { admin } from '../helpers/emulator';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

let h: Harness;

before(async () => {
  h = await createHarness({ operationDelayMs: 100 });
});
after(async () => {
  await h?.close();
});

describe('rollout: a start of outgoing members', () => {
  it('counts members in their rollback window as reached, so the wave reaches its approval gate', async () => {
    const catalog = `projects/test-project/catalogs/rollout-hive-${RUN_TOKEN}`;
    const iceberg = `projects/test-project/catalogs/rollout-iceberg-${RUN_TOKEN}`;
    await createCatalog(h.emulator, catalog, 'HIVE');
    // Iceberg tables too: the service then serves them by proxy (PROXY), and the rollback window opens.
    await createCatalog(h.emulator, iceberg, 'ICEBERG');
    const services = await Promise.all([1, 2].map(() => h.seedService()));
    for (const service of services)
      await seedMetastore(h.emulator, service, {
        sales: { orders: hiveTable(), events: icebergTable('gs://wh/sales/events') },
      });
    const name = `outgoing-${RUN_TOKEN}`;
    await h.withWorker(async (taskQueue) => {
      const handle = await h.env.client.workflow.start<typeof rollout>(ROLLOUT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: rolloutWorkflowId(name),
        args: [
          {
            rollout: {
              name,
              action: 'start',
              reconcileSeconds: 0.2,
              template: {
                kind: 'outgoing',
                migrationExecution: {
                  biglakeMetastoreMigrationConfig: {
                    mode: 'BACKFILL',
                    hiveConfig: { catalog, databases: ['sales'] },
                    icebergConfig: { catalog: iceberg, namespaces: ['*'] },
                  },
                },
                // An hour's window: the members are still in it when the wave reaches its gate.
                options: { ...FAST_OPTIONS, rollbackWindowSeconds: 3600 },
              },
              waves: [{ name: 'only', members: services.map((service) => ({ service })), maxParallel: 2 }],
            },
          },
        ],
      });
      try {
        const status = await waitFor('the approval gate', async () => {
          const s: RolloutStatus = await handle.query(statusQuery);
          return s.gate === 'approval' || s.waves[0]!.counts.failed > 0 ? s : undefined;
        });
        assert.deepEqual(status.waves[0]!.failed, []);
        assert.equal(status.gate, 'approval');
        assert.equal(status.waves[0]!.counts.reached, 2);
        // Reached in the rollback window, not ended: the members still run, and a rollback is still open to them.
        for (const service of services) {
          const member = await h.status(service);
          assert.equal(member.stage, 'ROLLBACK_WINDOW', `${service}: ${JSON.stringify(member.stageHistory)}`);
          const description = await h.env.client.workflow.getHandle(workflowIdFor(service)).describe();
          assert.equal(description.status.name, 'RUNNING');
        }
      } finally {
        await handle.terminate('test over').catch(() => undefined);
        await Promise.allSettled(
          services.map((service) => h.env.client.workflow.getHandle(workflowIdFor(service)).terminate('test over')),
        );
      }
    });
  });
});

describe('rollout: a complete of outgoing members', () => {
  it('counts a member in its rollback window as reached, and does not ask one that is already there', async () => {
    const catalog = `projects/test-project/catalogs/rollout-complete-${process.pid}`;
    await createCatalog(h.emulator, catalog, 'ICEBERG');
    // Iceberg tables: each service then serves them by proxy (PROXY), and its rollback window opens.
    const [syncing, windowed] = await Promise.all([h.seedService(), h.seedService()]);
    for (const service of [syncing!, windowed!])
      await seedMetastore(h.emulator, service, { web: { clicks: icebergTable('gs://wh/web/clicks') } });
    const config = (mode: 'INCREMENTAL_SYNC' | 'BACKFILL') =>
      ({
        biglakeMetastoreMigrationConfig: { mode, icebergConfig: { catalog, namespaces: ['web'] } },
      }) as MigrationExecutionRequest;
    const name = `outgoing-complete-${process.pid}`;
    const by = `rollout ${name} wave 1`;
    await h.withWorker(
      async (taskQueue) => {
        // An hour's window: both members are still in it when the rollout ends.
        const window = { rollbackWindowSeconds: 3600 };
        await h.start(syncing!, taskQueue, window, config('INCREMENTAL_SYNC'));
        await h.start(windowed!, taskQueue, window, config('BACKFILL'));
        await h.waitForStage(syncing!, 'REPLICATION');
        await h.waitForStage(windowed!, 'ROLLBACK_WINDOW');
        const handle = await h.env.client.workflow.start<typeof rollout>(ROLLOUT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: rolloutWorkflowId(name),
          args: [
            {
              rollout: {
                name,
                action: 'complete',
                reconcileSeconds: 0.2,
                waves: [
                  {
                    name: 'only',
                    members: [{ service: syncing! }, { service: windowed! }],
                    maxParallel: 2,
                    gate: { advance: 'auto' },
                  },
                ],
              },
            },
          ],
        });
        try {
          // Settles without waiting out the windows: the rollout finishes while both members are in theirs.
          const result = await handle.result();
          assert.equal(result.outcome, 'FINISHED');
          assert.deepEqual(result.waves[0]!.failed, []);
          assert.equal(result.waves[0]!.counts.reached, 2);
          const drive = result.audit.find((entry) => entry.command === 'complete');
          assert.equal(drive?.reason, '1 accepted, 1 alreadyDone');

          const cutOver = await h.status(syncing!);
          assert.equal(cutOver.stage, 'ROLLBACK_WINDOW', JSON.stringify(cutOver.stageHistory));
          assert.equal(cutOver.serviceState, 'PROXY');
          assert.ok(
            cutOver.requests.some((r) => r.action === 'complete' && r.by === by && r.accepted !== false),
            'the rollout asked the syncing member to complete, and it did',
          );
          const untouched = await h.status(windowed!);
          assert.equal(untouched.stage, 'ROLLBACK_WINDOW');
          assert.deepEqual(
            untouched.requests.filter((r) => r.action === 'complete'),
            [],
            'the member already in its window was not asked (it would refuse)',
          );
          for (const service of [syncing!, windowed!]) {
            const description = await h.env.client.workflow.getHandle(workflowIdFor(service)).describe();
            assert.equal(description.status.name, 'RUNNING', 'a rollback is still open to it');
          }
        } finally {
          await handle.terminate('test over').catch(() => undefined);
          await Promise.allSettled(
            [syncing!, windowed!].map((service) =>
              h.env.client.workflow.getHandle(workflowIdFor(service)).terminate('test over'),
            ),
          );
        }
      },
      SECRET_ENV,
      { apiVersion: 'v1beta' },
    );
  });
});

describe('rollout: a complete of outgoing BACKFILL members still backfilling', () => {
  it('does not ask them (they end by themselves): in progress until the backfill ends, then reached or failed', async () => {
    const catalog = `projects/test-project/catalogs/rollout-backfilling-${process.pid}`;
    await createCatalog(h.emulator, catalog, 'ICEBERG');
    const [succeeding, failing] = await Promise.all([h.seedService(), h.seedService()]);
    for (const service of [succeeding!, failing!])
      await seedMetastore(h.emulator, service, { web: { clicks: icebergTable('gs://wh/web/clicks') } });
    // Faults fire once per backfill of the service, oldest first: the first (empty) is the precheck's dry run's.
    await admin(h.emulator, 'backfill-faults', { service: failing! });
    await admin(h.emulator, 'backfill-faults', { service: failing!, failBackfill: 'the metastore read timed out' });
    // Backfills long enough that both members are still in theirs when the rollout drives them.
    await admin(h.emulator, 'durations', { backfill: 10000 });
    const config = {
      biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', icebergConfig: { catalog, namespaces: ['web'] } },
    } as MigrationExecutionRequest;
    const name = `outgoing-backfilling-${process.pid}`;
    try {
      await h.withWorker(
        async (taskQueue) => {
          const window = { rollbackWindowSeconds: 3600 };
          await h.start(succeeding!, taskQueue, window, config);
          await h.start(failing!, taskQueue, window, config);
          await h.waitForStage(succeeding!, 'BACKFILL');
          await h.waitForStage(failing!, 'BACKFILL');
          const handle = await h.env.client.workflow.start<typeof rollout>(ROLLOUT_WORKFLOW_TYPE, {
            taskQueue,
            workflowId: rolloutWorkflowId(name),
            args: [
              {
                rollout: {
                  name,
                  action: 'complete',
                  reconcileSeconds: 0.2,
                  waves: [
                    {
                      name: 'only',
                      members: [{ service: succeeding! }, { service: failing! }],
                      maxParallel: 2,
                      gate: { advance: 'auto' },
                      failureBudget: { count: 1, percent: 0 },
                    },
                  ],
                },
              },
            ],
          });
          try {
            // Driven while both still backfill: neither asked (before: both refused it, two failed members).
            const driven = await waitFor('the drive', async () => {
              const s: RolloutStatus = await handle.query(statusQuery);
              return s.audit.some((entry) => entry.command === 'complete') ? s : undefined;
            });
            assert.equal(driven.audit.find((entry) => entry.command === 'complete')?.reason, '2 alreadyDone');
            assert.equal(driven.waves[0]!.counts.inProgress, 2, JSON.stringify(driven.waves[0]));
            for (const service of [succeeding!, failing!]) assert.equal((await h.status(service)).stage, 'BACKFILL');
            // A bulk complete of the same members, meanwhile: each refuses (nothing to complete), and the report
            // counts them already done, not refused — a BACKFILL needs no decision.
            const report = await h.env.client.workflow.execute<typeof bulkDecision>('bulkDecision', {
              taskQueue,
              workflowId: `bulk/${name}/${RUN_TOKEN}`,
              args: [
                {
                  request: {
                    action: 'complete',
                    who: 'alice',
                    why: 'complete the fleet',
                    members: [succeeding!, failing!].map((service) => ({
                      service,
                      workflowId: workflowIdFor(service),
                    })),
                  },
                },
              ],
            });
            assert.deepEqual(
              report.members.map((member) => member.result),
              ['alreadyDone', 'alreadyDone'],
              JSON.stringify(report.members),
            );
            for (const member of report.members) assert.match(member.reason ?? '', /completes by itself/);

            // Each settles as its backfill ends: in its rollback window (reached), or FAILED with the API's message.
            const result = await handle.result();
            assert.equal(result.outcome, 'FINISHED');
            assert.equal(result.waves[0]!.counts.reached, 1);
            assert.deepEqual(
              result.waves[0]!.failed.map((f) => f.service),
              [failing!],
            );
            assert.match(result.waves[0]!.failed[0]!.reason, /the metastore read timed out/);
            const windowed = await h.status(succeeding!);
            assert.equal(windowed.stage, 'ROLLBACK_WINDOW', JSON.stringify(windowed.stageHistory));
            for (const service of [succeeding!, failing!])
              assert.deepEqual(
                (await h.status(service)).requests.filter((r) => r.action === 'complete'),
                [],
                `${service} was not asked to complete (it would refuse: nothing to complete)`,
              );
          } finally {
            await handle.terminate('test over').catch(() => undefined);
            await Promise.allSettled(
              [succeeding!, failing!].map((service) =>
                h.env.client.workflow.getHandle(workflowIdFor(service)).terminate('test over'),
              ),
            );
          }
        },
        SECRET_ENV,
        { apiVersion: 'v1beta' },
      );
    } finally {
      await admin(h.emulator, 'durations', undefined, 'DELETE');
      await admin(h.emulator, 'backfill-faults', undefined, 'DELETE');
    }
  });
});
