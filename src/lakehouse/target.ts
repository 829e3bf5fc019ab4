// Where the worker's Lakehouse reads go, chosen as the Metastore API's are (src/metastore/auth.ts): BigLake at
// https://biglake.googleapis.com with Application Default Credentials (cloud-platform scope), or the emulator at
// METASTORE_EMULATOR_HOST, which serves BigLake's surfaces on its one port. A token only ever goes to Google: the
// emulator's Lakehouse surfaces check none, so METASTORE_EMULATOR_TOKEN is deliberately not passed on, and an
// endpoint override must be a googleapis.com host over HTTPS.
import { createMetastoreTarget } from '../metastore/auth';
import type { MetastoreTarget } from '../metastore/auth';

export const BIGLAKE_ENDPOINT = 'https://biglake.googleapis.com';

export type LakehouseTarget = MetastoreTarget;

/** An https URL on googleapis.com (biglake.googleapis.com, a regional or private endpoint of it). */
export function isGoogleEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && (url.hostname === 'googleapis.com' || url.hostname.endsWith('.googleapis.com'));
}

export async function createLakehouseTarget(
  options: { emulatorHost?: string; endpoint?: string } = {},
): Promise<LakehouseTarget> {
  if (options.emulatorHost) return createMetastoreTarget({ emulatorHost: options.emulatorHost });
  const endpoint = options.endpoint ?? BIGLAKE_ENDPOINT;
  if (!isGoogleEndpoint(endpoint)) {
    throw new Error(`refusing to send Google credentials to ${endpoint}: not an https googleapis.com endpoint`);
  }
  return createMetastoreTarget({ endpoint });
}
