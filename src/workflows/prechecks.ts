// Every precheck, run by both `planMigration` (report only) and `managedMigration` (refuses to start on an
// error that was not overridden). Nothing here changes anything: the activities only read.
import { patched } from '@temporalio/workflow';
import type { Finding } from '../migration/findings';
import { kindOf, serviceProblems } from '../migration/kinds';
import { buildReport } from '../migration/report';
import type { PlanReport } from '../migration/report';
import type { ServiceFacts } from '../migration/service';
import type { MigrationRequest } from '../schemas';
import type { ActivityProxies } from './activity-proxies';
import { failureFinding } from './failures';
import { kindSteps } from './kind-steps';
import type { Retrying } from './kind-steps';
import { legacySequentialPrechecks } from './legacy';
import { PATCHES } from './patches';

export interface PrecheckResult {
  report: PlanReport;
  /** Absent when the service could not be read. */
  facts?: ServiceFacts;
}

export async function runPrechecks(
  acts: ActivityProxies,
  request: MigrationRequest,
  retrying: Retrying,
): Promise<PrecheckResult> {
  const service = request.service;
  const kind = kindSteps(kindOf(request.migrationExecution)).prechecks;
  // Read from the config alone (the guide's advice on regions, private IP …): no I/O.
  const findings: Finding[] = [...kind.fromConfig(request)];
  const serviceCheck = () =>
    retrying(() => acts.precheck.checkService({ service })).then(
      (facts): [ServiceFacts | undefined, Finding[]] => [facts, serviceFindings(facts, request)],
      (err: unknown): [ServiceFacts | undefined, Finding[]] => [undefined, [failureFinding('service.exists', err)]],
    );
  const permissionsCheck = () =>
    retrying(() => acts.precheck.checkPermissions({ service })).catch((err: unknown) => [
      failureFinding('permissions', err),
    ]);
  const kindCheck = () => kind.alongside(acts, request, retrying);
  // The three independent reads run together: one round trip instead of three before the kind's later checks.
  // Runs recorded before ran them one after another and replay that way.
  const [[facts, serviceResult], permissions, alongside] = patched(PATCHES.parallelPrechecks.id)
    ? await Promise.all([serviceCheck(), permissionsCheck(), kindCheck()])
    : await legacySequentialPrechecks(serviceCheck, permissionsCheck, kindCheck);
  findings.push(...serviceResult, ...permissions, ...alongside);
  findings.push(...(await kind.after(acts, request, retrying, facts, alongside)));
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
