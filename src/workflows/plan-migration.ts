// planMigration: every precheck of a managed migration, changing nothing. The CLI's `plan` runs it on the
// worker, because the worker is where the secrets resolve and from where the Cloud SQL source is reachable.
import type { PrecheckReport } from '../migration/dry-run';
import { FailureType } from '../migration/failure-types';
import type { MigrationRequestInput } from '../schemas';
import { activityProxies } from './activity-proxies';
import { ending, isTransientFailure } from './failures';
import { runPrechecks, workflowDryRunIds } from './prechecks';
import { workerIssues } from './request-validation';
import { schemas } from './schemas-on-demand';

/** Plans give up on a transient failure after this many rounds and report it as an error finding. */
const PLAN_ROUNDS = 2;

export async function planMigration(args: { request: MigrationRequestInput }): Promise<PrecheckReport> {
  const { MigrationRequestSchema, formatIssues } = schemas();
  const parsed = MigrationRequestSchema.safeParse(args.request);
  if (!parsed.success) {
    throw ending(FailureType.InvalidArgument, `invalid migration request:\n${formatIssues(parsed.error, 'request')}`);
  }
  // The outgoing kind's mode depends on the API version the worker calls, which only the worker knows.
  if (parsed.data.migrationExecution.biglakeMetastoreMigrationConfig) {
    const issues = await workerIssues(args.request);
    if (issues) throw ending(FailureType.InvalidArgument, `invalid migration request:\n${issues}`);
  }
  const acts = activityProxies(parsed.data.options);
  const once = <T>(call: () => Promise<T>) => retryRounds(call, PLAN_ROUNDS);
  // The outgoing kind's dry run: an execution of its own, named after this plan's run, so a retry starts none.
  return (await runPrechecks(acts, parsed.data, once, workflowDryRunIds)).report;
}

async function retryRounds<T>(call: () => Promise<T>, rounds: number): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await call();
    } catch (err) {
      if (!isTransientFailure(err) || round >= rounds) throw err;
    }
  }
}
