// The outgoing kind's reads of the Lakehouse side, thin over src/lakehouse/: the target catalogs checked before a
// start, the backfill's report summarised for history, and the backfill verified against DPMS. Failures are mapped
// by withFailureMapping (failures.ts) like every other activity's.
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { LakehouseAccess } from '../lakehouse/access';
import { readBackfillReportSummary } from '../lakehouse/backfill-report';
import { checkTargetCatalogs as checkCatalogs } from '../lakehouse/check-catalogs';
import { verifyBackfill as verify } from '../lakehouse/verify-backfill';
import type { VerifyBackfillInput } from '../lakehouse/verify-backfill';
import type { BackfillReportSummary } from '../migration/backfill-report';
import { FailureType } from '../migration/failure-types';
import type { Finding } from '../migration/findings';
import type { Verification } from '../migration/verification';
import type { MetastoreClient } from '../metastore/client';
import { heartbeating } from './heartbeating';

export interface LakehouseActivityDeps {
  metastore: MetastoreClient;
  /** Absent: the worker was built without it, and these activities fail saying so (never a silent pass). */
  lakehouse?: LakehouseAccess;
}

export interface CheckTargetCatalogsArgs {
  /** hiveConfig.catalog, projects/p/catalogs/c. */
  hiveCatalog?: string;
  /** icebergConfig.catalog. */
  icebergCatalog?: string;
}

export function createLakehouseActivities({ metastore, lakehouse }: LakehouseActivityDeps) {
  const access = (): LakehouseAccess => {
    if (lakehouse) return lakehouse;
    throw ApplicationFailure.create({
      type: FailureType.LakehouseNotConfigured,
      message: 'this worker was built without Lakehouse access (createActivities({ lakehouse }))',
      nonRetryable: true,
    });
  };
  return {
    /** One finding per configured target (`targets.hiveCatalog`, `targets.icebergCatalog`): exists, right type, readable. */
    async checkTargetCatalogs(args: CheckTargetCatalogsArgs): Promise<Finding[]> {
      return checkCatalogs(access(), args);
    },

    /** The report at the execution's backfillStatus.reportPath, summarised (counts, failed tables capped). */
    async readBackfillReport({ execution }: { execution: string }): Promise<BackfillReportSummary> {
      const summary = await readBackfillReportSummary(
        { metastore, lakehouse: access() },
        { execution, signal: Context.current().cancellationSignal },
      );
      log.info('read the backfill report', { reportPath: summary.reportPath, tables: summary.tables });
      return summary;
    },

    /**
     * DPMS (Thrift) against the target catalogs, with the report taken into account: the execution's catalogs, or
     * (`verify --config`) the config's, with the given or latest finished execution's report.
     */
    async verifyBackfill(args: Omit<VerifyBackfillInput, 'signal' | 'onProgress'>): Promise<Verification> {
      const ctx = Context.current();
      const verification = await heartbeating(() =>
        verify(
          { metastore, lakehouse: access() },
          { ...args, signal: ctx.cancellationSignal, onProgress: (what) => ctx.heartbeat(what) },
        ),
      );
      const totals = verification.report?.totals;
      log.info('backfill verification', { status: verification.status, ...totals });
      return verification;
    },
  };
}
