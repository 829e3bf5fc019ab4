// The outgoing kind's calls (DPMS → Lakehouse runtime catalog): its start (the real one and the precheck's dry run),
// the rollback after SUCCEEDED, the wait for a dry run to end (retry-as-poll: no slot held between reads) and the
// backfill's outcome read once at its end. Everything the workflow keeps from them is bounded: counts, and at most
// a few names, since it lands in history and in every status read.
import { Context, log } from '@temporalio/activity';
import type { LakehouseAccess } from '../lakehouse/access';
import { BackfillReportError } from '../lakehouse/errors';
import { readMigrationReport } from '../lakehouse/report';
import type { MetastoreClient } from '../metastore/client';
import type { BackfillOutcome } from '../migration/backfill';
import { backfillOutcome } from '../migration/backfill';
import type { DryRunRecord } from '../migration/dry-run';
import {
  DRY_RUN_CHECKS,
  boundedDryRunPlan,
  dryRunFindings,
  dryRunPlan,
  dryRunReportFinding,
} from '../migration/dry-run';
import type { Finding } from '../migration/findings';
import type { MigrationReport } from '../migration/migration-summary';
import { migrationExecutionName } from '../migration/names';
import { isTerminalExecution } from '../migration/snapshot';
import type { BiglakeMetastoreMigrationConfigInput } from '../schemas';
import { redact } from '../secrets/redact';
import { hasApiStatus } from './failures';
import type { MigrationCallResult, OperationOutcome } from './migration';
import { idempotent } from './migration';
import { withinAttempt } from './polling';

/** Most names (failed databases, failed tables, planned databases) kept from one answer; the rest are counted. */
export const OUTGOING_NAMES_KEPT = 20;
/** Most databases of a dry run's plan kept for `plan`/`status`; the findings are judged on all of them. */
export const DRY_RUN_DATABASES_KEPT = 200;

export interface OutgoingDeps {
  metastore: MetastoreClient;
  /** Its Cloud Storage client reads a dry run's report; absent, the plan is the summary's (and a finding says so). */
  lakehouse?: Pick<LakehouseAccess, 'storage'>;
}

/** A dry run as the precheck keeps it (the plan bounded), with its findings judged on the whole plan. */
export interface DryRunResult extends DryRunRecord {
  findings: Finding[];
}

export function createOutgoingActivities({ metastore, lakehouse }: OutgoingDeps) {
  /**
   * The dry run's report, for its reasons, diffs and table names. Only through the worker's own storage client and
   * only a gs://bucket/object path (the path is the API's output, never read as a URL). Cloud Storage not answering
   * throws (the activity is retried); a report that is not there, not readable or not a report will not be by
   * retrying: the plan goes on from the summary and the finding says why.
   */
  async function readDryRunReport(
    reportPath: string | undefined,
  ): Promise<{ report?: MigrationReport; finding: Finding }> {
    if (!lakehouse) {
      return { finding: dryRunReportFinding({ problem: 'this worker was built without Cloud Storage access' }) };
    }
    if (!reportPath) return { finding: dryRunReportFinding({ problem: 'the dry run names no reportPath' }) };
    try {
      const report = await readMigrationReport(lakehouse.storage, reportPath);
      return { report, finding: dryRunReportFinding({ reportPath }) };
    } catch (err) {
      if (!(err instanceof BackfillReportError) || err.transient) throw err;
      log.warn('the dry run report could not be read', { reportPath, problem: err.problem });
      return { finding: dryRunReportFinding({ problem: redact(err.message) }) };
    }
  }

  return {
    /**
     * startMigration of the outgoing kind, the body checked against the contract at the worker's API version
     * before it is sent. The requestId makes a retry after a timeout get the first operation back; an execution id
     * already taken by this workflow's own earlier attempt (ALREADY_EXISTS) is that attempt's execution.
     */
    async startBiglakeMigration(args: {
      service: string;
      config: BiglakeMetastoreMigrationConfigInput;
      migrationExecutionId?: string;
      requestId: string;
    }): Promise<OperationOutcome | { migrationExecution: string; alreadyStarted: true }> {
      const { service, config, migrationExecutionId, requestId } = args;
      log.info('starting an outgoing migration', { service, requestId, dryRun: config.dryRun === true });
      const known = migrationExecutionId && migrationExecutionName(service, migrationExecutionId);
      try {
        const operation = await metastore.startBiglakeMigration(service, { config, migrationExecutionId, requestId });
        return { operation: operation.name, ...(known && { migrationExecution: known }) };
      } catch (err) {
        // Only for the dry run, whose id the workflow derived itself: an engineer's id taken by another execution
        // must not be taken over silently (the real start's retry is covered by its requestId).
        if (known && config.dryRun === true && hasApiStatus(err, 'ALREADY_EXISTS')) {
          return { migrationExecution: known, alreadyStarted: true };
        }
        throw err;
      }
    },

    /**
     * cancelMigration after SUCCEEDED, while the service is in PROXY: the API rolls the migration back (the
     * execution ROLLED_BACK, the service ACTIVE, §F). A retry that finds it already rolled back counts as done.
     */
    rollbackMigration({ service, execution }: { service: string; execution?: string }): Promise<MigrationCallResult> {
      return idempotent(
        () => metastore.cancelMigration(service),
        async () => {
          if (!execution) return false;
          return (await metastore.getMigrationExecution(execution)).state === 'ROLLED_BACK';
        },
      );
    },

    /** The backfill's outcome from the execution's summary, bounded: counts, and at most a few failed names. */
    async readBackfillOutcome({ execution }: { execution: string }): Promise<BackfillOutcome> {
      const read = await metastore.getMigrationExecution(execution);
      return boundedOutcome(backfillOutcome(read.biglakeMetastoreMigrationConfig?.backfillStatus ?? {}));
    },

    /**
     * One read of a dry run's execution: once it ended, its plan and findings; until then a benign "again" after
     * the interval (retry-as-poll: no slot is held and no history event written between reads).
     */
    async awaitDryRun({ execution, pollIntervalMs }: { execution: string; pollIntervalMs: number }) {
      return withinAttempt<DryRunResult>(Context.current(), async () => {
        const read = await metastore.getMigrationExecution(execution);
        if (!isTerminalExecution(read.state)) {
          const state = read.biglakeMetastoreMigrationConfig?.backfillStatus?.state ?? 'no backfill status';
          return { again: pollIntervalMs, message: `dry run ${read.state ?? '?'} (backfill ${state})` };
        }
        const status = read.biglakeMetastoreMigrationConfig?.backfillStatus;
        const { report, finding: reportFinding } = await readDryRunReport(status?.reportPath);
        const plan = dryRunPlan(status?.migrationSummary, report, status?.state);
        const findings = [...dryRunFindings(plan), reportFinding];
        if (read.state !== 'SUCCEEDED') {
          // A dry run that did not succeed has no plan worth judging: its own reason blocks the start.
          const why = read.stateMessage ? `: ${read.stateMessage}` : '';
          const finding: Finding = {
            check: DRY_RUN_CHECKS.finished,
            level: 'error',
            message: `the dry run ended ${read.state ?? 'STATE_UNSPECIFIED'}${why}`,
          };
          findings.splice(0, findings.length, finding, ...findings.filter((f) => f.check !== DRY_RUN_CHECKS.finished));
        }
        const databasesOmitted = Math.max(0, plan.databases.length - DRY_RUN_DATABASES_KEPT);
        return {
          done: {
            execution,
            plan: boundedDryRunPlan(plan, DRY_RUN_DATABASES_KEPT),
            databasesOmitted,
            findings,
          },
        };
      });
    },
  };
}

/** At most OUTGOING_NAMES_KEPT failed databases and tables; the counts stay whole. */
function boundedOutcome(outcome: BackfillOutcome): BackfillOutcome {
  return {
    ...outcome,
    failedDatabases: outcome.failedDatabases.slice(0, OUTGOING_NAMES_KEPT),
    failedTables: outcome.failedTables.slice(0, OUTGOING_NAMES_KEPT),
    unknown: outcome.unknown.slice(0, OUTGOING_NAMES_KEPT),
  };
}
