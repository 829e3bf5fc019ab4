// The outgoing kind (DPMS → Lakehouse) with its programs as processes (test/helpers/stack.ts): a service with its
// own metastore and an empty Iceberg catalog to move it to, the start as typed, what the emulator holds and was
// asked, the real backfill slowed after the precheck's dry run, and an emulator started again from its state file.
import { join } from 'node:path';
import type { RequestLogEntry } from '../../src/emulator/stats';
import { spawnService, type ServiceProcess } from '../../scripts/lib/services';
import { type Json, admin, call } from './emulator';
import { waitFor } from './migration';
import { createCatalog, icebergTable, seedMetastore } from './outgoing';
import type { Stack } from './stack';

const root = join(__dirname, '..', '..');

/** What one migration moves: the namespace `web` with two Iceberg tables, into `catalog`. */
export interface OutgoingService {
  service: string;
  catalog: string;
}

export async function seedOutgoingService(stack: Stack): Promise<OutgoingService> {
  const service = await stack.seedService();
  const emulator = { url: stack.emulatorUrl };
  const catalog = `projects/outgoing-restart/catalogs/ice-${service.split('/').pop() ?? ''}`;
  await createCatalog(emulator, catalog, 'ICEBERG');
  await seedMetastore(emulator, service, {
    web: { clicks: icebergTable('gs://wh/web/clicks'), views: icebergTable('gs://wh/web/views') },
  });
  return { service, catalog };
}

/**
 * `start` with gcloud's flags, as an engineer types it. --skip-plan leaves out the CLI's own plan; the workflow's
 * precheck still runs one dry run before the start.
 */
export function startOutgoingCli(stack: Stack, { service, catalog }: OutgoingService, rollbackWindowSeconds: number) {
  return stack.cli(
    'start',
    ...['--service', service, '--mode', 'backfill', '--iceberg-catalog', catalog, '--iceberg-namespaces', 'web'],
    ...['--rollback-window', String(rollbackWindowSeconds), '--skip-plan'],
    ...['--poll-interval', '2', '--operation-poll', '0.2'],
  );
}

/** The service's migration executions, as the API lists them. */
export async function executionsOf(emulatorUrl: string, service: string): Promise<Json[]> {
  const listed = await call({ url: emulatorUrl }, 'GET', `/v1/${service}/migrationExecutions`);
  if (listed.status !== 200) throw new Error(`listing the executions of ${service}: ${listed.text}`);
  return (listed.body as { migrationExecutions?: Json[] }).migrationExecutions ?? [];
}

const isDryRun = (execution: Json) => execution.biglakeMetastoreMigrationConfig?.dryRun === true;

/** The executions that migrate (not the precheck's dry run). */
export async function realExecutionsOf(emulatorUrl: string, service: string): Promise<Json[]> {
  return (await executionsOf(emulatorUrl, service)).filter((execution) => !isDryRun(execution));
}

/** The requests of `method` about `service` (or its executions) the emulator received. */
export async function requestsTo(emulatorUrl: string, method: string, service: string): Promise<RequestLogEntry[]> {
  const query = `method=${encodeURIComponent(method)}&resourcePrefix=${encodeURIComponent(service)}`;
  const { requests } = await admin<{ requests: RequestLogEntry[] }>({ url: emulatorUrl }, `requests?${query}`);
  // A prefix: …/services/e2e-1 would also match …/services/e2e-10.
  return requests.filter((entry) => entry.resource === service || entry.resource.startsWith(`${service}/`));
}

/**
 * The backfill duration (`durations.backfill`) is read when an execution turns RUNNING. The precheck's dry run
 * should end at once and the migration's own backfill last `ms`: so wait (on the emulator's state) until the dry
 * run has left STARTING — its backfill already scheduled — and only then lengthen it for the real execution, which
 * is started after the dry run ended. Callers check the real execution's backfill really was long.
 */
export async function slowTheRealBackfill(emulatorUrl: string, service: string, ms: number): Promise<void> {
  await admin({ url: emulatorUrl }, 'durations', undefined, 'DELETE');
  await waitFor(
    `the dry run of ${service} under way`,
    async () => (await executionsOf(emulatorUrl, service)).some((e) => isDryRun(e) && e.state !== 'STARTING'),
    { timeoutMs: 60_000, intervalMs: 10 },
  );
  await admin({ url: emulatorUrl }, 'durations', { backfill: ms });
}

/** An emulator process on `port` with `stateFile` (stack.ts's flags), for one started again after a crash. */
export async function spawnEmulator(port: number, stateFile: string): Promise<ServiceProcess> {
  const emulator = spawnService({
    name: 'emulator',
    command: process.execPath,
    args: [
      ...['--import', 'tsx', 'src/emulator/main.ts', '--port', String(port), '--operation-delay-ms', '200'],
      ...['--state-file', stateFile],
    ],
    cwd: root,
  });
  await emulator.waitForOutput(/listening on/);
  return emulator;
}
