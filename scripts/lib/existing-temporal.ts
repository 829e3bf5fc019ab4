// "Existing Temporal" mode of the tests and benchmarks: given an address (and a namespace), they run against that
// server instead of starting dev servers of their own, so a cluster (npm run temporal:cluster, or any server with
// the project's search attributes registered) is exercised by the same suite. Runs sharing the server stay apart by
// task queue (one per stack) and by workflow id (service and rollout names carry a per-run token).
import { randomBytes } from 'node:crypto';

export const EXISTING_ADDRESS_ENV = 'METASTORE_MIGRATOR_TEST_TEMPORAL_ADDRESS';
export const EXISTING_NAMESPACE_ENV = 'METASTORE_MIGRATOR_TEST_TEMPORAL_NAMESPACE';

export interface ExistingTemporal {
  /** `host:port` of the server's frontend (plain gRPC: no TLS, no API key). */
  address: string;
  namespace: string;
}

/** The existing server named by flags or by the environment; undefined when the tests start their own. */
export function existingTemporal(
  env: NodeJS.ProcessEnv = process.env,
  flags: { address?: string; namespace?: string } = {},
): ExistingTemporal | undefined {
  const address = flags.address ?? env[EXISTING_ADDRESS_ENV];
  if (address === undefined || address === '') return undefined;
  // The suite's rule: nothing it starts connects outside 127.0.0.0/8 (a remote cluster is reached by a tunnel).
  const match = /^(127(?:\.\d{1,3}){3}|localhost):(\d{1,5})$/.exec(address);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65_535) {
    throw new Error(
      `${EXISTING_ADDRESS_ENV}: "${address}" is not a loopback host:port (127.x.x.x:PORT or localhost:PORT); ` +
        'the tests connect to nothing outside 127.0.0.0/8',
    );
  }
  const namespace = flags.namespace ?? env[EXISTING_NAMESPACE_ENV] ?? 'default';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(namespace)) {
    throw new Error(`${EXISTING_NAMESPACE_ENV}: "${namespace}" is not a Temporal namespace name`);
  }
  return { address, namespace };
}

/** A task queue of one stack's own: its worker polls only this (and its poll queue), its CLI starts only on it. */
export function isolatedTaskQueue(): string {
  return `mm-test-${randomBytes(6).toString('hex')}`;
}
