// One worker process, two Temporal workers: the control worker (the workflows and every control call) on the
// base task queue, and the poll worker on its own queue with its own activity slots. Waiting migrations only
// ever occupy the poll worker, and only for the few milliseconds of one read; control capacity stays free.
import { Worker } from '@temporalio/worker';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities';
import type { WorkerSizing } from '../config';
import { POLL_QUEUE_ACTIVITIES } from '../workflows/task-queues';
import { pollTaskQueue } from '../migration/names';

export interface FleetWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  workflows: Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;
  dataConverter?: WorkerOptions['dataConverter'];
  activities: Activities;
  sizing: WorkerSizing;
  /** Default: the SDK's pid@host. Workers sharing a budget are told apart by it (budget-share.ts). */
  identity?: string;
}

export interface FleetWorkers {
  control: Worker;
  polls: Worker;
  /** Runs both until shutdown (SIGINT/SIGTERM); if one fails, the other is shut down too. */
  run(): Promise<void>;
  /** Runs both until `promise` settles (tests), returning its value. */
  runUntil<T>(promise: Promise<T>): Promise<T>;
}

export async function createFleetWorkers(options: FleetWorkerOptions): Promise<FleetWorkers> {
  const { connection, namespace, taskQueue, dataConverter, activities, sizing } = options;
  // The SDK refuses an explicit undefined identity.
  const identity = options.identity === undefined ? {} : { identity: options.identity };
  const control = await Worker.create({
    connection,
    namespace,
    taskQueue,
    ...identity,
    ...options.workflows,
    dataConverter,
    activities,
    maxConcurrentWorkflowTaskExecutions: sizing.workflowTaskSlots,
    maxConcurrentActivityTaskExecutions: sizing.controlSlots,
    maxCachedWorkflows: sizing.maxCachedWorkflows,
    maxConcurrentWorkflowTaskPolls: sizing.workflowTaskPollers,
    maxConcurrentActivityTaskPolls: sizing.activityTaskPollers,
    // Histories from before retry-as-poll heartbeat their awaitOperation: cancellation arrives with a heartbeat.
    maxHeartbeatThrottleInterval: '2s',
    shutdownGraceTime: '10s',
  });
  const polls = await Worker.create({
    connection,
    namespace,
    taskQueue: pollTaskQueue(taskQueue),
    ...identity,
    dataConverter,
    // The waits that hold no slot between attempts: migration polls and the source health watch.
    activities: Object.fromEntries(POLL_QUEUE_ACTIVITIES.map((name) => [name, activities[name]])),
    maxConcurrentActivityTaskExecutions: sizing.pollSlots,
    maxConcurrentActivityTaskPolls: sizing.activityTaskPollers,
    shutdownGraceTime: '10s',
  }).catch(async (err: unknown) => {
    // A created worker holds the connection until it has run: run it to an immediate shutdown.
    await control.runUntil(Promise.resolve());
    throw err;
  });
  return {
    control,
    polls,
    async run() {
      await Promise.all([
        control.run().catch((err: unknown) => stopThenThrow(polls, err)),
        polls.run().catch((err: unknown) => stopThenThrow(control, err)),
      ]);
    },
    async runUntil<T>(promise: Promise<T>) {
      const [value] = await Promise.all([control.runUntil(promise), polls.runUntil(promise)]);
      return value;
    },
  };
}

function stopThenThrow(other: Worker, err: unknown): never {
  if (other.getState() === 'RUNNING') other.shutdown();
  throw err;
}
