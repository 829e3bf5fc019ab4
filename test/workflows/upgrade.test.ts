// A migration started by the code before retry-as-poll (its long watcher activity holding a slot) is taken
// over by today's workers and completes. The old code is the project's own, at the commit before the change,
// taken from git (so the test needs the repository's history, as every clone has).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { PassThroughClient } from 'google-auth-library';
import type * as ActivitiesNow from '../../src/activities';
import type * as ClientNow from '../../src/metastore/client';
import type * as SecretsNow from '../../src/secrets/resolver';
import { requestCompleteUpdate } from '../../src/workflows/messages';
import { workflowIdFor } from '../../src/migration/names';
import { admin } from '../helpers/emulator';
import { SECRET_ENV, waitFor, COMPLETE_UNREACHED } from '../helpers/migration';
import { NO_MIN_INTERVALS } from '../../scripts/lib/min-intervals';
import type { RequestLogEntry } from '../../src/emulator/stats';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

/** The last commit whose workflow waited in a long heartbeating watcher (watchMigration). */
const LEGACY_COMMIT = '64cf0a755c51bda464b03785465ee4013a6f3345';
const root = join(__dirname, '..', '..');
// Inside the project, so the old sources resolve the project's node_modules.
const legacyDir = join(root, '.cache', 'legacy', LEGACY_COMMIT);

/** `git archive` of the old src/ into .cache/legacy/COMMIT (once; an interrupted extraction is redone). */
function extractLegacySources(): void {
  if (existsSync(join(legacyDir, 'src', 'workflows', 'index.ts'))) return;
  const partial = `${legacyDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', LEGACY_COMMIT, 'src'], { cwd: root, maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', partial], { input: tar });
  rmSync(legacyDir, { recursive: true, force: true });
  renameSync(partial, legacyDir);
}

type ActivitiesModule = typeof ActivitiesNow;
type ClientModule = typeof ClientNow;
/** The legacy build's resolver took the environment alone (no secret policy then). */
type SecretsModule = {
  createSecretResolver: (env: NodeJS.ProcessEnv) => ReturnType<typeof SecretsNow.createSecretResolver>;
};

let h: Harness;

before(async () => {
  extractLegacySources();
  h = await createHarness();
});
after(async () => {
  await h?.close();
});

async function legacyWorker(taskQueue: string): Promise<Worker> {
  // The old code is loaded by path at run time; its shapes are today's (the test uses nothing that changed).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createActivities } = require(join(legacyDir, 'src', 'activities')) as ActivitiesModule;
  const { MetastoreClient } = require(join(legacyDir, 'src', 'metastore', 'client')) as ClientModule;
  const { createSecretResolver } = require(join(legacyDir, 'src', 'secrets')) as SecretsModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const metastore = new MetastoreClient({ baseUrl: h.emulator.url, authClient: new PassThroughClient() });
  return Worker.create({
    connection: h.env.nativeConnection,
    namespace: h.env.namespace,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: join(legacyDir, 'src', 'workflows'),
      logger: new DefaultLogger('WARN'),
    }),
    activities: createActivities({
      metastore,
      secrets: createSecretResolver(SECRET_ENV),
      minIntervals: NO_MIN_INTERVALS,
    }),
    maxHeartbeatThrottleInterval: '2s',
  });
}

async function pendingActivityTypes(service: string): Promise<string[]> {
  const description = await h.env.client.workflow.getHandle(workflowIdFor(service)).describe();
  return (description.raw.pendingActivities ?? []).map((pending) => pending.activityType?.name ?? '');
}

describe('upgrade from the long watcher to retry-as-poll', () => {
  it('takes over a migration waiting in the old watcher and completes it', async () => {
    const service = await h.seedService();
    const taskQueue = `upgrade-${Date.now()}`;
    const old = await legacyWorker(taskQueue);
    const handle = await old.runUntil(async () => {
      const started = await h.start(service, taskQueue);
      await h.waitForStage(service, 'REPLICATION');
      await waitFor('the old watcher running', async () =>
        (await pendingActivityTypes(service)).includes('watchMigration'),
      );
      return started;
    });

    await h.withWorker(
      async () => {
        // The old watcher's attempt ended with its worker; the new one reads once and the run moves over.
        await waitFor('the retry-as-poll wait', async () =>
          (await pendingActivityTypes(service)).includes('pollMigrationChange'),
        );
        const sentAt = Date.now();
        await handle.executeUpdate(requestCompleteUpdate, { args: [{ ...COMPLETE_UNREACHED, by: 'upgrade-test' }] });
        await waitFor('completeMigration reached the API', async () => {
          const { requests } = await admin<{ requests: RequestLogEntry[] }>(
            h.emulator,
            `requests?since=${sentAt}&method=services.completeMigration`,
          );
          return requests.some((entry) => entry.resource === service);
        });
        const result = await handle.result();
        assert.equal(result.outcome, 'SUCCEEDED');
        assert.equal(result.backupsRestored, true);
      },
      undefined,
      { taskQueue },
    );
  });
});
