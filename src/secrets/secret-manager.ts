// Google Secret Manager: `projects/P/secrets/S/versions/V` references resolved with
// `GET /v1/{name}:access`, signed like every other call (ADC, cloud-platform), or against the emulator.
import type { AuthClient } from 'google-auth-library';
import { z } from 'zod';
import { SecretUnresolvedError } from './resolver';

export const SECRET_MANAGER_ENDPOINT = 'https://secretmanager.googleapis.com';

const AccessResponseSchema = z.object({
  name: z.string(),
  payload: z.object({ data: z.string() }),
});

/** Reads one secret version's payload. */
export type SecretManagerAccess = (versionName: string) => Promise<string>;

export function createSecretManagerAccess(options: {
  baseUrl: string;
  authClient: Pick<AuthClient, 'request'>;
  timeoutMs?: number;
}): SecretManagerAccess {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return async (versionName) => {
    let data: unknown;
    try {
      const response = await options.authClient.request({
        url: `${baseUrl}/v1/${versionName}:access`,
        method: 'GET',
        retry: false,
        timeout: options.timeoutMs ?? 20_000,
        responseType: 'json',
      });
      data = response.data;
    } catch (err) {
      const status = (err as { response?: { status?: number } }).response?.status;
      // 4xx will not get better by retrying; anything else (5xx, no answer) may, so it stays a plain error.
      if (status === 404) throw new SecretUnresolvedError(`${versionName} does not exist`);
      if (status === 403 || status === 401) {
        throw new SecretUnresolvedError(`${versionName}: the worker may not access it (secretmanager.versions.access)`);
      }
      if (status && status < 500 && status !== 429) throw new SecretUnresolvedError(`${versionName}: HTTP ${status}`);
      throw new Error(`Secret Manager did not answer for ${versionName}${status ? ` (HTTP ${status})` : ''}`);
    }
    const parsed = AccessResponseSchema.safeParse(data);
    if (!parsed.success) throw new SecretUnresolvedError(`${versionName}: Secret Manager answered without a payload`);
    return Buffer.from(parsed.data.payload.data, 'base64').toString('utf8');
  };
}
