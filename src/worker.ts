// The worker: config → auth → MetastoreClient → activities → Worker.run(). SIGINT/SIGTERM shut it
// down gracefully (the SDK's default signals), letting in-flight activities finish within the grace time.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { dataConverterFor } from './codec';
import { loadConfig } from './config';
import { createMetastoreTarget } from './metastore/auth';
import { MetastoreClient } from './metastore/client';
import { SECRET_MANAGER_ENDPOINT, createSecretManagerAccess } from './secret-manager';
import { redact } from './redact';
import { RedactingLogger } from './redacting-logger';
import { createSecretResolver } from './secrets';

async function main(): Promise<void> {
  // Before any connection or worker exists: the Runtime's logger is fixed at its first use.
  Runtime.install({ logger: new RedactingLogger(new DefaultLogger('INFO'), 'INFO') });
  const config = loadConfig();
  const target = await createMetastoreTarget(config.metastore);
  const metastore = new MetastoreClient({
    baseUrl: target.baseUrl,
    authClient: target.authClient,
    apiVersion: config.metastore.apiVersion,
    timeoutMs: config.metastore.timeoutMs,
  });
  // Secret Manager references go through the same credentials, or to the emulator, which serves both APIs.
  const secretManager = createSecretManagerAccess({
    baseUrl: target.emulated ? target.baseUrl : SECRET_MANAGER_ENDPOINT,
    authClient: target.authClient,
    timeoutMs: config.metastore.timeoutMs,
  });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    dataConverter: dataConverterFor(config.codec),
    // Cancellation reaches an activity through its heartbeat: flush heartbeats often enough to notice.
    maxHeartbeatThrottleInterval: '2s',
    activities: createActivities({ metastore, secrets: createSecretResolver(process.env, secretManager) }),
    shutdownGraceTime: '10s',
  });
  console.log(
    `worker polling task queue ${config.temporal.taskQueue} on ${config.temporal.address} ` +
      `(namespace ${config.temporal.namespace}); Metastore API: ${target.emulated ? `emulator at ${target.baseUrl}` : target.baseUrl}; ` +
      (config.codec
        ? `payloads encrypted with key ${config.codec.encryptionKeyId}`
        : 'payloads NOT encrypted (set METASTORE_MIGRATOR_CODEC_KEYS)'),
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(redact(`worker failed: ${err instanceof Error ? err.message : String(err)}`));
  process.exit(1);
});
