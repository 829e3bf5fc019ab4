// The migration request checked outside the workflow sandbox: zod and our schemas then stay out of every cached
// workflow's modules (each would hold its own copy), and the answer is recorded once in history.
import { checkMigrationRequest } from '../schemas';
import type { ApiVersion, MigrationRequestInput, RequestCheck } from '../schemas';

export function createRequestActivities({
  notifyDefaults,
  apiVersion,
}: {
  notifyDefaults: readonly string[];
  /** The version this worker calls (config.metastore.apiVersion): the outgoing kind's mode depends on it. */
  apiVersion?: ApiVersion;
}) {
  return {
    /**
     * Pure and quick: no I/O. A worker with notification targets of its own adds the `worker` target, so the
     * run notifies them (resolved at each post; the URLs stay out of history).
     */
    async checkRequest(request: MigrationRequestInput): Promise<RequestCheck> {
      const check = checkMigrationRequest(request, apiVersion);
      if (!('request' in check) || notifyDefaults.length === 0) return check;
      const notify = check.request.options.notify ?? [];
      if (notify.includes('worker')) return check;
      return { request: { ...check.request, options: { ...check.request.options, notify: [...notify, 'worker'] } } };
    },
  };
}
