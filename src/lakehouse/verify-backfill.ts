// Verification of an outgoing backfill: what DPMS serves (its Hive Thrift endpoint, the service's endpointUri, read
// as the incoming kind's verification reads it) against what the target catalogs hold, with the backfill's report
// taken into account (compare-backfill.ts). For `verify --config` the file names the catalogs and the execution
// (given, or the latest finished one to them) only adds its report. An execution ROLLED_BACK is still compared (the
// catalogs keep what was written) and the result says the rollback first (`rolledBack`). The result is the
// project's Verification, so waiting, `verify` and the notifications treat both kinds alike. What cannot be
// compared is `skipped` with the reason, never a pass.
import type { HiveInventory } from '../hive/inventory';
import { readMetastoreInventory } from '../hive/read-inventory';
import type { MigrationReport } from '../migration/migration-summary';
import type { Verification } from '../migration/verification';
import type { MetastoreClient } from '../metastore/client';
import type { MigrationExecution } from '../schemas';
import type { LakehouseAccess } from './access';
import { expectedTables } from './backfill-scope';
import type { BackfillTargets } from './backfill-scope';
import { FINISHED_BACKFILL, backfillTargets, catalogsOf, latestBackfillTo, sameCatalogs } from './backfill-execution';
import type { TargetConfig } from './backfill-execution';
import { compareBackfill } from './compare-backfill';
import { BackfillReportError } from './errors';
import { readTargetContents } from './read-targets';
import type { TargetContents } from './read-targets';
import { MetastoreApiError } from '../metastore/errors';
import { isTransientStatus } from '../migration/failure-types';
import { readMigrationReport } from './report';

export interface VerifyBackfillInput {
  service: string;
  /** The execution's name: its config says what was to move, its backfillStatus where the report is. */
  execution?: string;
  /**
   * `verify --config`: the file's biglakeMetastoreMigrationConfig, whose catalogs are the targets compared. With
   * `execution` that execution's report is used (it must have written to the same catalogs); without, the
   * service's latest finished backfill to them (backfill-execution.ts), or none.
   */
  config?: TargetConfig;
  signal?: AbortSignal;
  onProgress?: (what: string) => void;
}

export async function verifyBackfill(
  deps: { metastore: MetastoreClient; lakehouse: LakehouseAccess },
  { service, execution: name, config: fileConfig, signal, onProgress }: VerifyBackfillInput,
): Promise<Verification> {
  const checkedAt = () => new Date().toISOString();
  const chosen = await whatToCompare(deps.metastore, { service, execution: name, config: fileConfig, signal });
  const rolledBack = chosen.rolledBack;
  const skipped = (note: string, extra: Partial<Verification> = {}): Verification => ({
    status: 'skipped',
    ok: false,
    checkedAt: checkedAt(),
    ...(rolledBack && { rolledBack }),
    ...extra,
    note,
  });
  if ('skip' in chosen) return skipped(chosen.skip);
  const { execution, targets } = chosen;
  const config = execution?.biglakeMetastoreMigrationConfig;
  const endpoint = (await deps.metastore.getService(service, { signal })).endpointUri;
  if (!endpoint) return skipped('the service has no endpointUri');
  let source: HiveInventory;
  try {
    source = await readMetastoreInventory(endpoint, { keepParameters: true });
  } catch (err) {
    return skipped(`DPMS's metastore at ${endpoint} could not be read from the worker: ${(err as Error).message}`, {
      endpoint,
    });
  }
  onProgress?.('read DPMS');
  const reportPath = config?.backfillStatus?.reportPath;
  let report: MigrationReport | undefined;
  let note: string | undefined;
  if (!execution) {
    // Still worth comparing: the config says what should be there; only the report's excuses are missing.
    note =
      `no finished backfill of this service to ${catalogsOf(fileConfig ?? {})}: compared without a report, ` +
      'tables it would have failed or skipped count as missing';
  } else {
    try {
      report = await readMigrationReport(deps.lakehouse.storage, reportPath);
    } catch (err) {
      if (!(err instanceof BackfillReportError) || err.transient) throw err;
      // Still worth comparing: without the report every table not in the target counts as missing, and says so.
      note = `compared without the report (${err.message}): tables it may have failed or skipped count as missing`;
    }
  }
  const expected = expectedTables(source, targets);
  let contents: TargetContents;
  try {
    contents = await readTargetContents(deps.lakehouse, expected, {
      signal,
      onProgress: (tables) => onProgress?.(`read ${tables} target tables`),
    });
  } catch (err) {
    // A refusal (no permission, a catalog of the wrong type) will not pass by retrying: not compared, and why.
    // Anything transient is thrown, for the activity to try again.
    if (!(err instanceof MetastoreApiError) || isTransientStatus(err.status)) throw err;
    return skipped(`the target catalogs could not be read: ${err.message}`, { endpoint });
  }
  const compared = compareBackfill(expected, contents, report);
  return {
    status: compared.ok ? 'ok' : 'mismatch',
    ok: compared.ok,
    checkedAt: compared.checkedAt,
    endpoint,
    ...(report && reportPath && { reportPath }),
    ...(note && { note }),
    ...(rolledBack && { rolledBack }),
    report: compared,
  };
}

type Chosen = { rolledBack?: Verification['rolledBack'] } & (
  { skip: string } | { execution?: MigrationExecution; targets: BackfillTargets }
);

/**
 * The execution whose report is used (named, or for a config the latest finished backfill to its catalogs, or none)
 * and the targets (the config's, else the execution's); or why nothing is compared.
 */
async function whatToCompare(
  metastore: MetastoreClient,
  { service, execution: name, config: fileConfig, signal }: Omit<VerifyBackfillInput, 'onProgress'>,
): Promise<Chosen> {
  const execution = name
    ? await metastore.getMigrationExecution(name, { signal })
    : fileConfig && latestBackfillTo(await metastore.listAllMigrationExecutions(service, {}, { signal }), fileConfig);
  const config = execution?.biglakeMetastoreMigrationConfig;
  if (execution && !config) return { skip: `${execution.name} is not an outgoing (Lakehouse) migration` };
  if (!execution && !fileConfig) return { skip: 'no execution and no config: nothing names the target catalogs' };
  if (config?.dryRun) return { skip: 'a dry run writes nothing to the target catalogs' };
  const rolledBack = execution?.state === 'ROLLED_BACK' ? { rolledBack: { execution: execution.name } } : {};
  if (fileConfig && execution && config) {
    // The report speaks of the catalogs the execution wrote to: against others it would excuse the wrong tables.
    if (!sameCatalogs(fileConfig, config)) {
      const where = `${execution.name} wrote to ${catalogsOf(config)}, the config names ${catalogsOf(fileConfig)}`;
      return { ...rolledBack, skip: `${where}: not compared` };
    }
    if (!FINISHED_BACKFILL.includes(execution.state ?? '')) {
      return {
        ...rolledBack,
        skip: `no finished backfill to verify (${execution.name} is ${execution.state ?? 'STATE_UNSPECIFIED'})`,
      };
    }
  }
  return { ...rolledBack, ...(execution && { execution }), targets: backfillTargets(fileConfig ?? config ?? {}) };
}
