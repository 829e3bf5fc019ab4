// Chooses where requests go and how they are signed: Google with Application Default Credentials,
// or the local emulator (plain HTTP, no Google credentials) when METASTORE_EMULATOR_HOST is set — with a
// bearer token only when the emulator was started with --require-token (METASTORE_EMULATOR_TOKEN).
import { GoogleAuth, PassThroughClient } from 'google-auth-library';
import type { AuthClient } from 'google-auth-library';

export const GOOGLE_ENDPOINT = 'https://metastore.googleapis.com';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export interface MetastoreTarget {
  baseUrl: string;
  authClient: Pick<AuthClient, 'request'>;
  /** True when talking to the emulator. */
  emulated: boolean;
}

export async function createMetastoreTarget(options: {
  emulatorHost?: string;
  emulatorToken?: string;
  endpoint?: string;
}): Promise<MetastoreTarget> {
  if (options.emulatorHost) {
    const passThrough = new PassThroughClient();
    const token = options.emulatorToken;
    const authClient: Pick<AuthClient, 'request'> = token
      ? {
          request: (opts) => {
            const headers = new Headers(opts.headers);
            headers.set('authorization', `Bearer ${token}`);
            return passThrough.request({ ...opts, headers });
          },
        }
      : passThrough;
    return { baseUrl: `http://${options.emulatorHost}`, authClient, emulated: true };
  }
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
  return { baseUrl: options.endpoint ?? GOOGLE_ENDPOINT, authClient: await auth.getClient(), emulated: false };
}
