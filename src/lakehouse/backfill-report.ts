// The backfill's report as workflow history may hold it: the execution's backfillStatus.reportPath read from Cloud
// Storage and summarised (src/migration/backfill-report.ts). No reportPath, or a backfill still running, is the
// typed BackfillReportError — the report is written only once the backfill ends.
import type { BackfillReportSummary } from '../migration/backfill-report';
import { summariseBackfillReport } from '../migration/backfill-report';
import type { MetastoreClient } from '../metastore/client';
import type { LakehouseAccess } from './access';
import { BackfillReportError } from './errors';
import { readMigrationReport } from './report';

export async function readBackfillReportSummary(
  deps: { metastore: MetastoreClient; lakehouse: Pick<LakehouseAccess, 'storage'> },
  { execution, signal }: { execution: string; signal?: AbortSignal },
): Promise<BackfillReportSummary> {
  const status = (await deps.metastore.getMigrationExecution(execution, { signal })).biglakeMetastoreMigrationConfig
    ?.backfillStatus;
  const reportPath = status?.reportPath;
  if (!reportPath) {
    const why = status?.state ? `the backfill is ${status.state} and names no report yet` : 'it has no backfillStatus';
    throw new BackfillReportError('no-report-path', undefined, `no report for ${execution}: ${why}`);
  }
  return summariseBackfillReport(reportPath, await readMigrationReport(deps.lakehouse.storage, reportPath));
}
