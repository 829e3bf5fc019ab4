// The migration request checked outside the workflow sandbox: zod and our schemas then stay out of every cached
// workflow's modules (each would hold its own copy), and the answer is recorded once in history.
import { checkMigrationRequest } from '../schemas';
import type { MigrationRequestInput, RequestCheck } from '../schemas';

export function createRequestActivities({ notifyDefaults }: { notifyDefaults: readonly string[] }) {
  return {
    /**
     * Pure and quick: no I/O. A worker with notification targets of its own adds the `worker` target, so the
     * run notifies them (resolved at each post; the URLs stay out of history).
     */
    async checkRequest(request: MigrationRequestInput): Promise<RequestCheck> {
      const check = checkMigrationRequest(request);
      if (!('request' in check) || notifyDefaults.length === 0) return check;
      const notify = check.request.options.notify ?? [];
      if (notify.includes('worker')) return check;
      return { request: { ...check.request, options: { ...check.request.options, notify: [...notify, 'worker'] } } };
    },
  };
}
