// Every precheck, run by both `planMigration` (report only) and `managedMigration` (refuses to start on an
// error that was not overridden). Nothing here changes anything: the activities only read.
import { uuid4, workflowInfo } from '@temporalio/workflow';
import type { PrecheckBatch, Settled } from '../activities/precheck-batch';
import type { PrecheckReport } from '../migration/dry-run';
import type { Finding } from '../migration/findings';
import { kindOf, serviceProblems } from '../migration/kinds';
import { buildReport } from '../migration/report';
import type { ServiceFacts } from '../migration/service';
import type { MigrationRequest } from '../schemas';
import type { ActivityProxies } from './activity-proxies';
import { failureFinding, rethrowBug } from './failures';
import { kindSteps } from './kind-steps';
import type { DryRunIds, Retrying } from './kind-steps';
import { legacySequentialPrechecks } from './legacy';
import { isPatched } from './patch-gate';
import { PATCHES } from './patches';
import { sourceArgs } from './source-args';

export interface PrecheckResult {
  report: PrecheckReport;
  /** Absent when the service could not be read. */
  facts?: ServiceFacts;
}

/**
 * `dryRunIds`: the ids of the outgoing kind's dry run (asked for only when it is about to start one), fixed by the
 * caller so that a retried precheck never starts a second.
 */
export async function runPrechecks(
  acts: ActivityProxies,
  request: MigrationRequest,
  retrying: Retrying,
  dryRunIds?: () => DryRunIds,
  answered?: PrecheckBatch,
): Promise<PrecheckResult> {
  const service = request.service;
  const kind = kindSteps(kindOf(request.migrationExecution)).prechecks;
  // Read from the config alone (the guide's advice on regions, private IP …): no I/O.
  const findings: Finding[] = [...kind.fromConfig(request)];
  // One activity for every check that only reads; what it could not settle runs below as before (its own activity).
  const batch = isPatched(PATCHES.precheckBatch) ? await batchedChecks(acts, request, retrying, answered) : {};
  const serviceCheck = () =>
    batch.service
      ? Promise.resolve(batch.service)
      : retrying(() => acts.precheck.checkService({ service })).then(
          (facts): [ServiceFacts | undefined, Finding[]] => [facts, serviceFindings(facts, request)],
          (err: unknown): [ServiceFacts | undefined, Finding[]] => [undefined, [failureFinding('service.exists', err)]],
        );
  const permissionsCheck = () =>
    batch.permissions
      ? Promise.resolve(batch.permissions)
      : retrying(() => acts.precheck.checkPermissions({ service })).catch((err: unknown) => [
          failureFinding('permissions', err),
        ]);
  const kindCheck = () =>
    batch.alongside ? Promise.resolve(batch.alongside) : kind.alongside(acts, request, retrying);
  // The three independent reads run together: one round trip instead of three before the kind's later checks.
  // Runs recorded before ran them one after another and replay that way.
  const [[facts, serviceResult], permissions, alongside] = isPatched(PATCHES.parallelPrechecks)
    ? await Promise.all([serviceCheck(), permissionsCheck(), kindCheck()])
    : await legacySequentialPrechecks(serviceCheck, permissionsCheck, kindCheck);
  findings.push(...serviceResult, ...permissions, ...alongside);
  findings.push(...(batch.after ?? (await kind.after(acts, request, retrying, facts, alongside))));
  // The outgoing kind's dry run, last: it starts an execution, so only once everything else is in.
  const dryRun = kind.dryRun && dryRunIds ? await kind.dryRun(acts, request, retrying, findings, dryRunIds) : undefined;
  if (dryRun) findings.push(...dryRun.findings);
  const report = buildReport(service, findings, request.options.overrides);
  return { report: dryRun?.record ? { ...report, dryRun: dryRun.record } : report, facts };
}

/** The batch's answers as the single checks' results; a check it left unsettled is absent (run alone). */
interface BatchedResults {
  service?: [ServiceFacts | undefined, Finding[]];
  permissions?: Finding[];
  alongside?: Finding[];
  after?: Finding[];
}

/**
 * The prechecks that read, in one activity (checkBeforeStart). The Cloud SQL kind's secrets and source go with
 * them; the outgoing kind's target catalogs, read from the Lakehouse under their own timeouts, still go alongside.
 * The batch itself failing (a lost worker past its retries) settles nothing: every check then runs alone.
 */
async function batchedChecks(
  acts: ActivityProxies,
  request: MigrationRequest,
  retrying: Retrying,
  answered?: PrecheckBatch,
): Promise<BatchedResults> {
  const cloudSql = request.migrationExecution.cloudSqlMigrationConfig !== undefined;
  const args = { service: request.service, ...(cloudSql && { source: sourceArgs(request) }) };
  // Answered with the request check (lean-start; the same arguments, built by the activity from the same request).
  const batch: Partial<PrecheckBatch> =
    answered ??
    (await retrying(() => acts.precheckBatch.checkBeforeStart(args)).catch((err: unknown) => {
      rethrowBug(err);
      return {};
    }));
  return {
    service:
      batch.service &&
      settledAs<ServiceFacts, [ServiceFacts | undefined, Finding[]]>(
        batch.service,
        (facts) => [facts, serviceFindings(facts, request)],
        (failed) => [undefined, [failed('service.exists')]],
      ),
    permissions:
      batch.permissions &&
      settledAs(
        batch.permissions,
        (found) => found,
        (failed) => [failed('permissions')],
      ),
    // The same finding the Cloud SQL kind's own secrets check gives (kind-steps.ts).
    alongside:
      batch.secrets &&
      settledAs(
        batch.secrets,
        () => [SECRETS_RESOLVE],
        (failed) => [failed('secrets')],
      ),
    after:
      batch.source &&
      settledAs(
        batch.source,
        (found) => found,
        (failed) => [failed('source')],
      ),
  };
}

const SECRETS_RESOLVE: Finding = {
  check: 'secrets',
  level: 'ok',
  message: 'both password references resolve on the worker',
};

/** A settled check as the single check's result; its failure for good the error finding failureFinding makes. */
function settledAs<T, R>(
  settled: Settled<T>,
  ok: (value: T) => R,
  failedAs: (failed: (check: string) => Finding) => R,
): R | undefined {
  if ('value' in settled) return ok(settled.value);
  if (!('failure' in settled)) return undefined;
  const { type, message } = settled.failure;
  return failedAs((check) => ({ check, level: 'error', message: `${type}: ${message}` }));
}

/**
 * The outgoing kind's dry-run ids, derived from the workflow: the execution id from its first run id (stable across
 * retries and continue-as-new; `dryrun-` + 32 hex digits fits the API's 2–63 `a-z0-9-`), a fresh request id.
 */
export function workflowDryRunIds(): DryRunIds {
  const runId = workflowInfo()
    .firstExecutionRunId.replace(/[^a-z0-9]/gi, '')
    .toLowerCase();
  return { migrationExecutionId: `dryrun-${runId}`.slice(0, 63), requestId: uuid4() };
}

function serviceFindings(facts: ServiceFacts, request: MigrationRequest): Finding[] {
  const kind = kindOf(request.migrationExecution);
  // The outgoing kind's targets decide whether a service in PROXY takes it (a further batch); none for the other.
  const problems = serviceProblems(facts, kind, request.migrationExecution.biglakeMetastoreMigrationConfig);
  const byCheck = (check: string, match: RegExp, ok: string): Finding => {
    const problem = problems.find((p) => match.test(p));
    return problem ? { check, level: 'error', message: problem } : { check, level: 'ok', message: ok };
  };
  const backup = facts.scheduledBackup;
  const backups: Finding = !kind.pausesScheduledBackups
    ? {
        check: 'backups.scheduled',
        level: 'ok',
        message: `scheduled backups are ${backup.enabled ? 'on' : 'off'} and stay so: this migration does not write to the service`,
      }
    : backup.enabled
      ? {
          check: 'backups.scheduled',
          level: 'ok',
          message: `scheduled backups ("${backup.cronSchedule ?? ''}" ${backup.timeZone ?? 'UTC'}) will be disabled during the migration and restored after it`,
        }
      : { check: 'backups.scheduled', level: 'ok', message: 'scheduled backups are off; nothing to disable' };
  return [
    byCheck('service.state', /service state/, `the service is ${facts.state ?? 'ACTIVE'}`),
    byCheck(
      'service.databaseType',
      /databaseType/,
      `the service uses ${kind.requiredDatabaseType ?? facts.databaseType}`,
    ),
    byCheck('service.migrationInFlight', /in flight/, 'no migration is in flight on the service'),
    backups,
  ];
}
