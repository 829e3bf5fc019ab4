// The worker: config → auth → API budget → MetastoreClients → activities → the control and poll workers.
// SIGINT/SIGTERM shut both down gracefully (the SDK's default signals), letting in-flight activities finish.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { InventoryStore, defaultInventoryDir } from './hive/inventory-store';
import { createActivities } from './activities';
import { dataConverterFor } from './codec';
import { connectError, loadConfig } from './config';
import { activityCaller, shareBudgetAmongWorkers } from './runtime/budget-share';
import { API_LATENCY_BUCKETS, METRICS, NO_METRICS, createMigratorMetrics } from './metrics/migrator-metrics';
import { exportFleetGauges } from './runtime/fleet-gauges';
import { exportRolloutGauges } from './runtime/rollout-gauges';
import { createFleetWorkers } from './runtime/workers';
import { checkNamespace, namespaceCheckMessage } from './runtime/search-attributes';
import { prebuiltWorkflowBundle } from './runtime/workflow-bundle';
import { createMetastoreTarget } from './metastore/auth';
import { createLakehouseAccess } from './lakehouse/access';
import { ApiBudget } from './metastore/budget';
import { MetastoreClient } from './metastore/client';
import { pollTaskQueue } from './migration/names';
import { SECRET_MANAGER_ENDPOINT, createSecretManagerAccess } from './secrets/secret-manager';
import { redact } from './secrets/redact';
import { RedactingLogger } from './secrets/redacting-logger';
import { createSecretResolver } from './secrets/resolver';
import type { SecretPolicy } from './secrets/resolver';

async function main(): Promise<void> {
  const config = loadConfig();
  // Before any connection or worker exists: the Runtime's logger and telemetry are fixed at its first use.
  Runtime.install({
    logger: new RedactingLogger(new DefaultLogger('INFO'), 'INFO'),
    ...(config.metricsAddress && { telemetryOptions: { metrics: prometheusOn(config.metricsAddress) } }),
  });
  const metrics = config.metricsAddress ? createMigratorMetrics(Runtime.instance().metricMeter) : NO_METRICS;
  const target = await createMetastoreTarget(config.metastore);
  const budget = new ApiBudget({ ratePerSecond: config.apiBudgetPerProject, caller: activityCaller });
  const client = (priority: 'control' | 'poll') =>
    new MetastoreClient({
      baseUrl: target.baseUrl,
      authClient: target.authClient,
      apiVersion: config.metastore.apiVersion,
      timeoutMs: config.metastore.timeoutMs,
      budget: budget.gate(priority),
      observe: (call) => metrics.apiCall(call),
    });
  // Secret Manager references go through the same credentials, or to the emulator, which serves both APIs.
  const secretManager = createSecretManagerAccess({
    baseUrl: target.emulated ? target.baseUrl : SECRET_MANAGER_ENDPOINT,
    authClient: target.authClient,
    timeoutMs: config.metastore.timeoutMs,
  });
  if (config.sourceTlsPolicy === 'off') {
    // Loud, once: every source check without a CA will send the password to whatever answers at the address.
    console.warn(
      'WARNING: METASTORE_MIGRATOR_SOURCE_TLS=off — source connections without a CA go WITHOUT TLS, to a server ' +
        'nobody authenticated (lab setups only; the source.reachable findings say so)',
    );
  }
  const connection = await NativeConnection.connect(config.temporal.connectionOptions).catch(async (err: unknown) => {
    throw await connectError(config.temporal, err);
  });
  const { namespace, taskQueue } = config.temporal;
  // Before polling: a namespace missing an attribute would fail every migration's workflow tasks instead.
  const checked = await checkNamespace(connection, namespace);
  if (checked.kind === 'unchecked')
    console.warn(
      `WARNING: could not check namespace ${namespace}'s search attributes (${checked.reason}); starting anyway — ` +
        'if one is missing, workflow tasks fail until it is registered (README, "Running in production")',
    );
  const refusal = namespaceCheckMessage(namespace, checked);
  if (refusal) {
    await connection.close();
    throw new Error(refusal);
  }
  const dataConverter = dataConverterFor(config.codec);
  const log = (line: string) => console.log(line);
  const workflowBundle = await prebuiltWorkflowBundle(log, undefined, dataConverter?.failureConverterPath);
  const workers = await createFleetWorkers({
    connection,
    namespace,
    taskQueue,
    workflows: { workflowBundle },
    dataConverter,
    activities: createActivities({
      metastore: client('control'),
      pollMetastore: client('poll'),
      secrets: createSecretResolver(process.env, secretManager, config.secretPolicy),
      sourceTlsPolicy: config.sourceTlsPolicy,
      metrics,
      notifyDefaults: config.notifyDefaults,
      inventories: new InventoryStore(config.inventoryDir ?? defaultInventoryDir()),
      minIntervals: config.minIntervals,
      lakehouse: await createLakehouseAccess({
        emulatorHost: config.metastore.emulatorHost,
        timeoutMs: config.metastore.timeoutMs,
      }),
    }),
    sizing: config.sizing,
  });
  const stopGauges = config.metricsAddress
    ? exportFleetGauges({
        connection,
        namespace,
        taskQueue,
        meter: Runtime.instance().metricMeter,
        intervalMs: config.fleetMetricsSeconds * 1000,
      })
    : () => undefined;
  const stopRolloutGauges = config.metricsAddress
    ? exportRolloutGauges({
        connection,
        namespace,
        taskQueue,
        meter: Runtime.instance().metricMeter,
        ...(dataConverter?.payloadCodecs && { payloadCodecs: dataConverter.payloadCodecs }),
        intervalMs: config.fleetMetricsSeconds * 1000,
      })
    : () => undefined;
  if (config.metricsAddress) console.log(`metrics on http://${config.metricsAddress}/metrics`);
  const stopSharing = shareBudgetAmongWorkers({
    connection,
    namespace,
    taskQueue: pollTaskQueue(taskQueue),
    budget,
    intervalMs: config.budgetShareSeconds * 1000,
    onChange: (count) =>
      console.log(`API budget: ${count} worker(s) share ${config.apiBudgetPerProject} req/s per project`),
  });
  console.log(
    `worker polling task queues ${taskQueue} and ${pollTaskQueue(taskQueue)} on ${config.temporal.address} ` +
      `(${config.temporal.security}) ` +
      `(namespace ${config.temporal.namespace}); Metastore API: ${target.emulated ? `emulator at ${target.baseUrl}` : target.baseUrl}; ` +
      (config.codec
        ? `payloads encrypted with key ${config.codec.encryptionKeyId}`
        : 'payloads NOT encrypted (set METASTORE_MIGRATOR_CODEC_KEYS)') +
      `; secret references allowed: ${describePolicy(config.secretPolicy)}` +
      `; TLS to sources: ${config.sourceTlsPolicy === 'off' ? 'OFF unless a request names a CA (lab opt-out)' : 'required'}`,
  );
  try {
    await workers.run();
  } finally {
    stopSharing();
    stopGauges();
    stopRolloutGauges();
    await connection.close();
  }
}

main().catch((err) => {
  console.error(redact(`worker failed: ${err instanceof Error ? err.message : String(err)}`));
  process.exit(1);
});

/** The SDK's Prometheus exporter, also serving this tool's metrics; durations in seconds, counters `_total`. */
function prometheusOn(bindAddress: string) {
  return {
    prometheus: {
      bindAddress,
      countersTotalSuffix: true,
      useSecondsForDurations: true,
      histogramBucketOverrides: { [METRICS.apiLatency]: API_LATENCY_BUCKETS },
    },
  };
}

/** Names and places only: which references this worker resolves (README, "Security model"). */
function describePolicy(policy: SecretPolicy): string {
  const parts = [
    policy.env.length > 0 ? `env ${policy.env.join(',')}` : '',
    policy.dir ? `files in ${policy.dir}` : '',
    policy.projects.length > 0 ? `Secret Manager projects ${policy.projects.join(',')}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'none (set METASTORE_MIGRATOR_SECRET_ENV, _DIR or _PROJECTS)';
}
