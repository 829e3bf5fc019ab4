// The prechecks that only read, as one activity: one round trip for the start (three history events and no
// workflow task between the checks) instead of four activities with the workflow tasks that join them. Each check
// settles on its own. A failure retrying cannot change (NOT_FOUND, PERMISSION_DENIED, a secret that does not
// resolve) comes back as that check's failure, which the workflow turns into the same error finding as before; one
// that may pass (a 503, this worker's API budget, a timeout) leaves the check unsettled, and the workflow runs that
// check alone as it always did, with its retries — so a busy or flaky API costs what it cost, never a wrong verdict.
import { ApplicationFailure } from '@temporalio/activity';
import type { Finding } from '../migration/findings';
import type { ServiceFacts } from '../migration/service';
import type { MigrationExecutionRequest } from '../schemas';
import { toApplicationFailure } from './failures';
import type { SourceArgs } from './source-connections';

/** One check's outcome: its result, its failure for good (type and message, as the ApplicationFailure says), or not known. */
export type Settled<T> = { value: T } | { failure: { type: string; message: string } } | { unsettled: string };

export interface PrecheckBatchArgs {
  service: string;
  /** The Cloud SQL kind's source: its secrets are resolved, then (once they are) the source itself is checked. */
  source?: SourceArgs;
}

export interface PrecheckBatch {
  service: Settled<ServiceFacts>;
  permissions: Settled<Finding[]>;
  /** With `source` only. */
  secrets?: Settled<null>;
  /** With `source` only: the source's findings; `[]` when the secrets failed (nothing to connect with). */
  source?: Settled<Finding[]>;
}

/** The single checks the batch runs, as the worker registers them. */
export interface BatchedChecks {
  checkService(args: { service: string }): Promise<ServiceFacts>;
  checkPermissions(args: { service: string }): Promise<Finding[]>;
  checkSecrets(args: { migrationExecution: MigrationExecutionRequest }): Promise<void>;
  checkSource(args: SourceArgs & { hiveVersion?: string }): Promise<Finding[]>;
}

export function createPrecheckBatch(checks: BatchedChecks) {
  return {
    /** The service, the caller's permissions and (Cloud SQL) the secrets together; then the source, as the kind does. */
    async checkBeforeStart({ service, source }: PrecheckBatchArgs): Promise<PrecheckBatch> {
      const [facts, permissions, secrets] = await Promise.all([
        settle(() => checks.checkService({ service })),
        settle(() => checks.checkPermissions({ service })),
        source && settle(() => checks.checkSecrets({ migrationExecution: source.migrationExecution }).then(() => null)),
      ]);
      if (!source || !secrets) return { service: facts, permissions };
      // The source needs the secrets, and the service's Hive version when the service could be read: a service read
      // that may still pass leaves the source to the workflow, which checks it once it knows the version.
      if ('unsettled' in secrets || 'unsettled' in facts) return { service: facts, permissions, secrets };
      if ('failure' in secrets) return { service: facts, permissions, secrets, source: { value: [] } };
      const hiveVersion = 'value' in facts ? facts.value.hiveVersion : undefined;
      return {
        service: facts,
        permissions,
        secrets,
        source: await settle(() => checks.checkSource({ ...source, hiveVersion })),
      };
    },
  };
}

async function settle<T>(check: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { value: await check() };
  } catch (err) {
    // The one mapping every activity's failure goes through: the same type and (redacted) message.
    const failure = toApplicationFailure(err);
    if (failure instanceof ApplicationFailure && failure.nonRetryable) {
      return { failure: { type: failure.type ?? 'Error', message: failure.message } };
    }
    return { unsettled: failure instanceof Error ? failure.message : 'unknown error' };
  }
}
