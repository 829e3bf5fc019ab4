// The migration request checked outside the workflow sandbox: zod and our schemas then stay out of every cached
// workflow's modules (each would hold its own copy), and the answer is recorded once in history.
import { checkMigrationRequest } from '../schemas';
import type { MigrationRequestInput, RequestCheck } from '../schemas';

export function createRequestActivities() {
  return {
    /** Pure and quick: no I/O. */
    async checkRequest(request: MigrationRequestInput): Promise<RequestCheck> {
      return checkMigrationRequest(request);
    },
  };
}
