// Chooses where requests go and how they are signed: Google with Application Default Credentials,
// or the local emulator (plain HTTP, no credentials) when METASTORE_EMULATOR_HOST is set.
import { GoogleAuth, PassThroughClient } from 'google-auth-library';
import type { AuthClient } from 'google-auth-library';

export const GOOGLE_ENDPOINT = 'https://metastore.googleapis.com';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export interface MetastoreTarget {
  baseUrl: string;
  authClient: AuthClient;
  /** True when talking to the emulator. */
  emulated: boolean;
}

export async function createMetastoreTarget(options: {
  emulatorHost?: string;
  endpoint?: string;
}): Promise<MetastoreTarget> {
  if (options.emulatorHost) {
    return { baseUrl: `http://${options.emulatorHost}`, authClient: new PassThroughClient(), emulated: true };
  }
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
  return { baseUrl: options.endpoint ?? GOOGLE_ENDPOINT, authClient: await auth.getClient(), emulated: false };
}
