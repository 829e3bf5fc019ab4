// The worker's Lakehouse reads in tests: a backfill run to its end over the emulator's REST API, and the clients
// pointed at the emulator as the worker points them (METASTORE_EMULATOR_HOST: one port for every surface).
import { PassThroughClient } from 'google-auth-library';
import { createLakehouseAccess, type LakehouseAccess } from '../../src/lakehouse/access';
import { MetastoreClient } from '../../src/metastore/client';
import { type Emulator, type Json, admin, call, waitForState } from './emulator';
import { startOutgoing } from './outgoing';

export function emulatorHost(emulator: Pick<Emulator, 'url'>): string {
  return new URL(emulator.url).host;
}

export function clientsFor(emulator: Pick<Emulator, 'url'>): {
  metastore: MetastoreClient;
  lakehouse: Promise<LakehouseAccess>;
} {
  return {
    metastore: new MetastoreClient({ baseUrl: emulator.url, authClient: new PassThroughClient(), timeoutMs: 5000 }),
    lakehouse: createLakehouseAccess({ emulatorHost: emulatorHost(emulator), timeoutMs: 5000 }),
  };
}

let executions = 0;

/** Starts an outgoing migration and waits for the execution to be SUCCEEDED; returns it. */
export async function backfill(
  emulator: Pick<Emulator, 'url'>,
  service: string,
  config: Record<string, unknown>,
  faults?: Record<string, unknown>,
): Promise<Json> {
  if (faults) await admin(emulator, 'backfill-faults', { service, ...faults });
  executions += 1;
  const id = `lake-${process.pid}-${executions}`;
  const started = await startOutgoing(emulator, service, config, { extra: { migrationExecutionId: id } });
  if (started.status !== 200) throw new Error(`startMigration → ${started.status}: ${started.text}`);
  const name = `${service}/migrationExecutions/${id}`;
  return waitForState(emulator, name, 'SUCCEEDED').catch(async () => {
    throw new Error(`not SUCCEEDED: ${(await call(emulator, 'GET', `/v1/${name}`)).text}`);
  });
}
