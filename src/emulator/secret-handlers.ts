// The Secret Manager method the emulator serves beside the Metastore API on the same host (the secrets
// themselves: iam-and-secrets.ts).
import type { Handler } from './context';
import { notFound } from './errors';

/** `GET /v1/{name}:access` of Secret Manager. */
export const accessSecretVersion: Handler = ({ core, resource }) => {
  const found = core.secrets.access(resource);
  if (!found) throw notFound('Secret version', resource);
  return found;
};
