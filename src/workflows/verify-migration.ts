// verifyMigration: the CLI's `verify` — DPMS's Hive inventory (through the service's Thrift endpoint) against the
// source's, on the worker, where the secrets resolve and both are reachable. Before cutover it shows how far
// DPMS's view and the source differ; after it, the cutover record is compared when the worker has it. For the
// outgoing kind: DPMS's Hive endpoint against the target catalogs the backfill wrote to (`execution`), or those a
// config file names (`verify --config`).
import { FailureType } from '../migration/failure-types';
import type { InventoryRecord, Verification } from '../migration/verification';
import type { MigrationExecutionRequest, SourceTlsOption } from '../schemas';
import { ending } from './failures';
import { activityProxies } from './activity-proxies';
import { schemas } from './schemas-on-demand';
import { sourceArgs } from './source-args';

export interface VerifyMigrationArgs {
  service: string;
  migrationExecution: MigrationExecutionRequest;
  /** The migration's options.sourceTls (how the worker authenticates the source before sending a password). */
  sourceTls?: SourceTlsOption;
  /** The migration's record of the source at cutover, when there was one. */
  cutover?: InventoryRecord;
  /** The outgoing kind: the finished backfill's execution, whose config names the target catalogs and report. */
  execution?: string;
  /**
   * The outgoing kind, `verify --config`: the config's catalogs are the targets, and `execution` (or, without it,
   * the service's latest finished backfill to those catalogs) only gives the report.
   */
  targetsFromConfig?: boolean;
}

export async function verifyMigration(args: VerifyMigrationArgs): Promise<Verification> {
  const { MigrationRequestSchema, formatIssues } = schemas();
  const parsed = MigrationRequestSchema.safeParse({
    service: args.service,
    migrationExecution: args.migrationExecution,
    ...(args.sourceTls && { options: { sourceTls: args.sourceTls } }),
  });
  if (!parsed.success) {
    throw ending(
      FailureType.InvalidArgument,
      `invalid verification request:\n${formatIssues(parsed.error, 'request')}`,
    );
  }
  const acts = activityProxies(parsed.data.options);
  // A path only a `verify` of an outgoing migration takes: the incoming kind's histories replay as before. A verify
  // of a config (no execution) used to end at its first task, so no run in flight can meet the activity instead.
  const outgoing = parsed.data.migrationExecution.biglakeMetastoreMigrationConfig;
  if (outgoing) {
    if (args.targetsFromConfig) {
      return acts.lakehouse.verifyBackfill({
        service: parsed.data.service,
        config: outgoing,
        ...(args.execution && { execution: args.execution }),
      });
    }
    if (!args.execution) {
      throw ending(FailureType.InvalidArgument, 'an outgoing migration is verified against its execution: none given');
    }
    return acts.lakehouse.verifyBackfill({ service: parsed.data.service, execution: args.execution });
  }
  return acts.inventory.verifyMigration({
    service: parsed.data.service,
    ...sourceArgs(parsed.data),
    ...(args.cutover && { cutover: args.cutover }),
  });
}
