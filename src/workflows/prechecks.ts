// Every precheck, run by both `planMigration` (report only) and `managedMigration` (refuses to start on an
// error that was not overridden). Nothing here changes anything: the activities only read.
import { ActivityFailure, patched } from '@temporalio/workflow';
import { FailureType } from '../failure-types';
import { configWarnings } from '../plan/config-warnings';
import type { Finding } from '../plan/findings';
import { buildReport } from '../plan/report';
import type { PlanReport } from '../plan/report';
import type { MigrationRequest } from '../schemas';
import type { ActivityProxies } from './activity-proxies';
import { failureMessage, failureType } from './failures';
import { precheckProblems } from './migration-state';
import type { ServiceFacts } from './migration-state';

export interface PrecheckResult {
  report: PlanReport;
  /** Absent when the service could not be read. */
  facts?: ServiceFacts;
}

/** Service, permission and secret checks run concurrently (runs recorded before ran them in turn). */
export const PARALLEL_PRECHECKS_PATCH = 'parallel-prechecks';

type Retrying = <T>(call: () => Promise<T>) => Promise<T>;

export async function runPrechecks(
  acts: ActivityProxies,
  request: MigrationRequest,
  retrying: Retrying,
): Promise<PrecheckResult> {
  const service = request.service;
  // The guide's advice read from the config alone (regions, private IP): warnings, computed here, no I/O.
  const findings: Finding[] = [...configWarnings(service, request.migrationExecution)];
  const migrationExecution = request.migrationExecution;
  const serviceCheck = () =>
    retrying(() => acts.precheck.checkService({ service })).then(
      (facts): [ServiceFacts | undefined, Finding[]] => [facts, serviceFindings(facts)],
      (err: unknown): [ServiceFacts | undefined, Finding[]] => [undefined, [errorFinding('service.exists', err)]],
    );
  const permissionsCheck = () =>
    retrying(() => acts.precheck.checkPermissions({ service })).catch((err: unknown) => [
      errorFinding('permissions', err),
    ]);
  const secretsCheck = () =>
    retrying(() => acts.precheck.checkSecrets({ migrationExecution })).then(
      (): Finding[] => [{ check: 'secrets', level: 'ok', message: 'both password references resolve on the worker' }],
      (err: unknown) => [errorFinding('secrets', err)],
    );
  // The three independent reads run together: one round trip instead of three before the source check.
  // Runs recorded before ran them one after another and replay that way.
  const [[facts, serviceResult], permissions, secrets] = patched(PARALLEL_PRECHECKS_PATCH)
    ? await Promise.all([serviceCheck(), permissionsCheck(), secretsCheck()])
    : [await serviceCheck(), await permissionsCheck(), await secretsCheck()];
  findings.push(...serviceResult, ...permissions, ...secrets);
  if (secrets.every((finding) => finding.level !== 'error')) {
    const hiveVersion = facts?.hiveVersion;
    findings.push(
      ...(await retrying(() => acts.precheck.checkSource({ migrationExecution, hiveVersion })).catch((err) => [
        errorFinding('source', err),
      ])),
    );
  }
  return { report: buildReport(service, findings, request.options.overrides), facts };
}

function serviceFindings(facts: ServiceFacts): Finding[] {
  const problems = precheckProblems(facts);
  const byCheck = (check: string, match: RegExp, ok: string): Finding => {
    const problem = problems.find((p) => match.test(p));
    return problem ? { check, level: 'error', message: problem } : { check, level: 'ok', message: ok };
  };
  const backup = facts.scheduledBackup;
  return [
    byCheck('service.state', /service state/, 'the service is ACTIVE'),
    byCheck('service.databaseType', /databaseType/, 'the service uses SPANNER'),
    byCheck('service.migrationInFlight', /in flight/, 'no migration is in flight on the service'),
    backup.enabled
      ? {
          check: 'backups.scheduled',
          level: 'ok',
          message: `scheduled backups ("${backup.cronSchedule ?? ''}" ${backup.timeZone ?? 'UTC'}) will be disabled during the migration and restored after it`,
        }
      : { check: 'backups.scheduled', level: 'ok', message: 'scheduled backups are off; nothing to disable' },
  ];
}

/** A read that failed for good (NOT_FOUND, PERMISSION_DENIED, an unresolvable secret …) becomes an error finding. */
function errorFinding(check: string, err: unknown): Finding {
  if (!(err instanceof ActivityFailure)) throw err;
  const type = failureType(err) ?? FailureType.PrecheckFailed;
  return { check, level: 'error', message: `${type}: ${failureMessage(err)}` };
}
