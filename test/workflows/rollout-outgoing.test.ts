// A start rollout whose members are of the outgoing kind (DPMS → Lakehouse), on a real dev server with the emulator
// and the real activities: such a member never waits in REPLICATION — its backfill runs, then it sits in its
// rollback window for days — so it has reached a start's target once its backfill SUCCEEDED, and the wave reaches
// its gate without waiting out the window.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { workflowIdFor } from '../../src/migration/names';
import { ROLLOUT_WORKFLOW_TYPE, rolloutWorkflowId, statusQuery } from '../../src/workflows/rollout/messages';
import type { RolloutStatus } from '../../src/workflows/rollout/messages';
import type { rollout } from '../../src/workflows/rollout/workflow';
import { FAST_OPTIONS, waitFor, RUN_TOKEN } from '../helpers/migration';
import { createCatalog, hiveTable, icebergTable, seedMetastore } from '../helpers/outgoing';
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
