// Verification of an outgoing backfill: what DPMS serves (its Hive Thrift endpoint, the service's endpointUri, read
// as the incoming kind's verification reads it) against what the target catalogs hold, with the backfill's report
// taken into account (compare-backfill.ts). The result is the project's Verification, so waiting, `verify` and the
// notifications treat both kinds alike. What cannot be compared is `skipped` with the reason, never a pass.
import type { HiveInventory } from '../hive/inventory';
import { readMetastoreInventory } from '../hive/read-inventory';
import type { MigrationReport } from '../migration/migration-summary';
import type { Verification } from '../migration/verification';
import type { MetastoreClient } from '../metastore/client';
import type { LakehouseAccess } from './access';
import { expectedTables } from './backfill-scope';
import type { BackfillTargets } from './backfill-scope';
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
  execution: string;
  signal?: AbortSignal;
  onProgress?: (what: string) => void;
}

export async function verifyBackfill(
  deps: { metastore: MetastoreClient; lakehouse: LakehouseAccess },
  { service, execution, signal, onProgress }: VerifyBackfillInput,
): Promise<Verification> {
  const checkedAt = () => new Date().toISOString();
  const skipped = (note: string, extra: Partial<Verification> = {}): Verification => ({
    status: 'skipped',
    ok: false,
    checkedAt: checkedAt(),
    ...extra,
    note,
  });
  const config = (await deps.metastore.getMigrationExecution(execution, { signal })).biglakeMetastoreMigrationConfig;
  if (!config) return skipped(`${execution} is not an outgoing (Lakehouse) migration`);
  if (config.dryRun) return skipped('a dry run writes nothing to the target catalogs');
  const targets: BackfillTargets = {
    ...(config.hiveConfig?.catalog && {
      hive: { catalog: config.hiveConfig.catalog, databases: config.hiveConfig.databases ?? [] },
    }),
    ...(config.icebergConfig?.catalog && {
      iceberg: { catalog: config.icebergConfig.catalog, namespaces: config.icebergConfig.namespaces ?? [] },
    }),
  };
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
  const reportPath = config.backfillStatus?.reportPath;
  let report: MigrationReport | undefined;
  let note: string | undefined;
  try {
    report = await readMigrationReport(deps.lakehouse.storage, reportPath);
  } catch (err) {
    if (!(err instanceof BackfillReportError) || err.transient) throw err;
    // Still worth comparing: without the report every table not in the target counts as missing, and says so.
    note = `compared without the report (${err.message}): tables it may have failed or skipped count as missing`;
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
    report: compared,
  };
}
