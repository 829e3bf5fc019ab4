// A real Temporal dev server, the emulator over HTTP, the real activities and the bundled workflow:
// everything a workflow test needs, started once per test file.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PassThroughClient } from 'google-auth-library';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../../src/activities';
import { createLakehouseAccess } from '../../src/lakehouse/access';
import { InventoryStore } from '../../src/hive/inventory-store';
import { removeOnExit } from '../../scripts/lib/reaper';
import { TASK_QUEUE, loadConfig } from '../../src/config';
import { createFleetWorkers } from '../../src/runtime/workers';
import type { WorkerSizing } from '../../src/config';
import type { ApiBudget } from '../../src/metastore/budget';
import { MetastoreClient } from '../../src/metastore/client';
import type { PrecheckReport } from '../../src/migration/dry-run';
import type {
  Adopt,
  ApiVersion,
  MigrationExecutionRequest,
  MigrationOptions,
  MigrationRequestInput,
} from '../../src/schemas';
import { createSecretManagerAccess } from '../../src/secrets/secret-manager';
import { createSecretResolver } from '../../src/secrets/resolver';
import type { SourceTlsPolicy } from '../../src/source/types';
import type { managedMigration } from '../../src/workflows/managed-migration';
import type { planMigration } from '../../src/workflows/plan-migration';
import { WORKFLOW_TYPE, workflowIdFor } from '../../src/migration/names';
import { statusQuery } from '../../src/workflows/messages';
import type { MigrationStatus, Stage } from '../../src/migration/state';
import { admin, startEmulator } from './emulator';
import {
  FAST_OPTIONS,
  SECRET_ENV,
  secretPolicyFor,
  migrationExecutionRequest,
  serviceSeed,
  uniqueServiceName,
  waitFor,
} from './migration';
import { createTestEnv, onExistingTemporal, terminateLeftovers } from './temporal';
import { workflowBundleOptions } from '../../src/runtime/workflow-bundle';
import { encryptingDataConverter } from '../../src/codec';
import { NO_MIN_INTERVALS } from '../../scripts/lib/min-intervals';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

export interface HarnessOptions {
  operationDelayMs?: number;
  /** A payload codec for the worker and for `env.client`, as worker.ts and client.ts use it. */
  codec?: PayloadCodec;
}

export interface Harness {
  env: TestWorkflowEnvironment;
  emulator: Emulator;
  metastore: MetastoreClient;
  /** Seeds a fresh service in the emulator and returns its name. */
  seedService(overrides?: Record<string, unknown>): Promise<string>;
  /** Runs `fn` while a worker process's pair of workers (control and polls) serves a fresh task queue. */
  withWorker<T>(
    fn: (taskQueue: string) => Promise<T>,
    env?: Record<string, string>,
    options?: WorkerOverrides,
  ): Promise<T>;
  start(
    service: string,
    taskQueue: string,
    options?: Partial<MigrationOptions>,
    migrationExecution?: MigrationExecutionRequest,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<typeof managedMigration>>;
  /** Starts a run that adopts the service's running execution (`start --adopt`); `request` overrides fields. */
  adopt(
    service: string,
    taskQueue: string,
    adopt: Partial<Adopt>,
    request?: Partial<MigrationRequestInput>,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<typeof managedMigration>>;
  /** Runs planMigration to its report. */
  plan(
    service: string,
    taskQueue: string,
    options?: Partial<MigrationOptions>,
    migrationExecution?: MigrationExecutionRequest,
  ): Promise<PrecheckReport>;
  status(service: string): Promise<MigrationStatus>;
  waitForStage(service: string, stage: Stage): Promise<MigrationStatus>;
  close(): Promise<void>;
}

export interface WorkerOverrides {
  sizing?: Partial<WorkerSizing>;
  /**
   * METASTORE_MIGRATOR_SOURCE_TLS of this worker. Default 'off', the lab opt-out, stated here on purpose: most
   * tests use an unreachable source or a plain MariaDB; the TLS tests set 'required' and name the CA.
   */
  sourceTlsPolicy?: SourceTlsPolicy;
  /** Metastore calls go through this budget (control and poll priorities), as worker.ts wires it. */
  budget?: ApiBudget;
  /** An existing task queue, e.g. to take over migrations another worker started. */
  taskQueue?: string;
  identity?: string;
  /** Another build of the workflows (e.g. one with a bug) instead of the harness's. */
  workflowBundle?: { code: string };
  /** The API version this worker calls (METASTORE_API_VERSION); default the client's own, v1. */
  apiVersion?: ApiVersion;
}

let runtimeInstalled = false;

/** One inventory store per test process, removed at exit. */
const inventoryDir = mkdtempSync(join(tmpdir(), 'inventories-'));
removeOnExit(inventoryDir);
const inventories = new InventoryStore(inventoryDir);

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  // As worker.ts and client.ts wire it: failure messages through the codec too, in the bundle as well.
  const dataConverter: DataConverter | undefined = options.codec && encryptingDataConverter(options.codec);
  const [env, emulator, workflowBundle] = await Promise.all([
    createTestEnv({ client: { dataConverter } }),
    startEmulator({ operationDelayMs: options.operationDelayMs ?? 100 }),
    bundleWorkflowCode({
      ...workflowBundleOptions(dataConverter?.failureConverterPath),
      logger: new DefaultLogger('WARN'),
    }),
  ]);
  const metastore = new MetastoreClient({
    baseUrl: emulator.url,
    authClient: new PassThroughClient(),
    timeoutMs: 10_000,
  });
  const client = env.client;
  /** The task queues of this harness's workers: on an existing server, what runs on them is ended at close. */
  const taskQueues = new Set<string>();
  // Secret Manager references resolve against the emulator, which serves that API beside the Metastore one.
  const secretManager = createSecretManagerAccess({ baseUrl: emulator.url, authClient: new PassThroughClient() });

  const harness: Harness = {
    env,
    emulator,
    metastore,
    async seedService(overrides = {}) {
      const name = uniqueServiceName();
      await admin(emulator, 'services', serviceSeed(name, overrides));
      return name;
    },
    async withWorker(fn, secretEnv = SECRET_ENV, overrides = {}) {
      const taskQueue = overrides.taskQueue ?? `${TASK_QUEUE}-${randomUUID()}`;
      taskQueues.add(taskQueue);
      const clientFor = (priority: 'control' | 'poll') =>
        overrides.budget || overrides.apiVersion
          ? new MetastoreClient({
              baseUrl: emulator.url,
              authClient: new PassThroughClient(),
              timeoutMs: 10_000,
              ...(overrides.budget && { budget: overrides.budget.gate(priority) }),
              ...(overrides.apiVersion && { apiVersion: overrides.apiVersion }),
            })
          : metastore;
      const workers = await createFleetWorkers({
        connection: env.nativeConnection,
        // An existing server's namespace (createTestEnv); its task queue is this worker's own either way.
        namespace: env.namespace,
        taskQueue,
        workflows: { workflowBundle: overrides.workflowBundle ?? workflowBundle },
        dataConverter,
        activities: createActivities({
          metastore: clientFor('control'),
          pollMetastore: clientFor('poll'),
          secrets: createSecretResolver(secretEnv, secretManager, secretPolicyFor(secretEnv)),
          sourceTlsPolicy: overrides.sourceTlsPolicy ?? 'off',
          inventories,
          minIntervals: NO_MIN_INTERVALS,
          // The emulator serves BigLake and Cloud Storage on its one port, as the worker finds them there.
          lakehouse: await createLakehouseAccess({ emulatorHost: new URL(emulator.url).host, timeoutMs: 10_000 }),
        }),
        sizing: { ...loadConfig({}).sizing, ...overrides.sizing },
        identity: overrides.identity,
      });
      return workers.runUntil(fn(taskQueue));
    },
    start(service, taskQueue, options = {}, migrationExecution = migrationExecutionRequest()) {
      return client.workflow.start<typeof managedMigration>(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: workflowIdFor(service),
        args: [{ request: { service, migrationExecution, options: { ...FAST_OPTIONS, ...options } } }],
        workflowIdConflictPolicy: 'FAIL',
      });
    },
    adopt(service, taskQueue, adopt, request = {}) {
      const migrationExecution = migrationExecutionRequest();
      return client.workflow.start<typeof managedMigration>(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: workflowIdFor(service),
        args: [{ request: { service, migrationExecution, adopt, options: FAST_OPTIONS, ...request } }],
        workflowIdConflictPolicy: 'FAIL',
      });
    },
    plan(service, taskQueue, options = {}, migrationExecution = migrationExecutionRequest()) {
      return client.workflow.execute<typeof planMigration>('planMigration', {
        taskQueue,
        workflowId: `plan/${service}/${randomUUID()}`,
        args: [{ request: { service, migrationExecution, options: { ...FAST_OPTIONS, ...options } } }],
      });
    },
    status(service) {
      return client.workflow.getHandle(workflowIdFor(service)).query(statusQuery);
    },
    waitForStage(service, stage) {
      return waitFor(`stage ${stage}`, async () => {
        const status = await harness.status(service);
        return status.stage === stage ? status : undefined;
      });
    },
    async close() {
      if (onExistingTemporal()) await terminateLeftovers(client, [...taskQueues]).catch(() => 0);
      await Promise.allSettled([env.teardown(), emulator.close()]);
    },
  };
  return harness;
}
