// Every precheck, run by both `planMigration` (report only) and `managedMigration` (refuses to start on an
// error that was not overridden). Nothing here changes anything: the activities only read.
import { ActivityFailure, patched } from '@temporalio/workflow';
import { FailureType } from '../migration/failure-types';
import type { Finding } from '../migration/findings';
import { kindOf, serviceProblems } from '../migration/kinds';
import { buildReport } from '../migration/report';
import type { PlanReport } from '../migration/report';
import type { ServiceFacts } from '../migration/service';
import { configWarnings } from '../plan/config-warnings';
import type { MigrationRequest } from '../schemas';
import type { ActivityProxies } from './activity-proxies';
import { failureMessage, failureType } from './failures';
import { legacySequentialPrechecks } from './legacy';
import { PATCHES } from './patches';

export interface PrecheckResult {
  report: PlanReport;
  /** Absent when the service could not be read. */
  facts?: ServiceFacts;
}

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
      (facts): [ServiceFacts | undefined, Finding[]] => [facts, serviceFindings(facts, request)],
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
  const [[facts, serviceResult], permissions, secrets] = patched(PATCHES.parallelPrechecks.id)
    ? await Promise.all([serviceCheck(), permissionsCheck(), secretsCheck()])
    : await legacySequentialPrechecks(serviceCheck, permissionsCheck, secretsCheck);
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

function serviceFindings(facts: ServiceFacts, request: MigrationRequest): Finding[] {
  const kind = kindOf(request.migrationExecution);
  const problems = serviceProblems(facts, kind);
  const byCheck = (check: string, match: RegExp, ok: string): Finding => {
    const problem = problems.find((p) => match.test(p));
    return problem ? { check, level: 'error', message: problem } : { check, level: 'ok', message: ok };
  };
  const backup = facts.scheduledBackup;
  return [
    byCheck('service.state', /service state/, 'the service is ACTIVE'),
    byCheck(
      'service.databaseType',
      /databaseType/,
      `the service uses ${kind.requiredDatabaseType ?? facts.databaseType}`,
    ),
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
  // Only a failed activity is a finding; anything else is a bug and propagates (see failures.ts).
  if (!(err instanceof ActivityFailure)) throw err;
  const type = failureType(err) ?? FailureType.PrecheckFailed;
  return { check, level: 'error', message: `${type}: ${failureMessage(err)}` };
}
