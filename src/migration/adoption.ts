// Adoption: a run that takes over the service's migration execution already running (started by an earlier run
// that was terminated, by gcloud or by the console) instead of starting one. What may be adopted, and what becomes
// of the scheduled backups, decided from the service's own reads — never from the workflow's input, which anyone
// with namespace access can write.
import { migrationExecutionName } from './names';
import type { SavedScheduledBackup, ServiceFacts } from './service';
import type { ExecutionSnapshot, MigrationSnapshot } from './snapshot';

/**
 * What the run does with scheduled backups it finds when adopting:
 * - `disabled-at-adoption`: they were on; turned off now and written back as they were at the end, as in any run;
 * - `restore-at-end`: they were off and the engineer asked (`--restore-backups`): turned on at the end with the
 *   service's own current schedule, time zone and location;
 * - `left-off`: they were off and nobody asked: left off at the end (a terminated run may have turned them off,
 *   but nothing trustworthy says they were ever on).
 */
export type AdoptedBackups = 'disabled-at-adoption' | 'restore-at-end' | 'left-off';

/** The audit record of an adoption: which execution, as it was found, who took it over, when and why. */
export interface Adoption {
  execution: string;
  /** The execution as read when it was adopted. */
  found: Pick<ExecutionSnapshot, 'state' | 'phase' | 'createTime'>;
  at: string;
  by?: string;
  reason?: string;
  backups: AdoptedBackups;
}

/** Execution states a run can take over: in flight, and not already being cancelled. */
const ADOPTABLE_STATES: readonly string[] = ['STARTING', 'RUNNING', 'AWAITING_USER_ACTION'];

/**
 * The one active execution of `service` to adopt, or why there is none: the service must be MIGRATING with exactly
 * one active execution, of its own, and the one named by `migrationExecutionId` when that is given.
 */
export function executionToAdopt(
  service: string,
  facts: ServiceFacts,
  migrationExecutionId?: string,
): { execution: string } | { refusal: string } {
  if (facts.name !== service) return { refusal: `the API answered for ${facts.name}, not ${service}` };
  const own = facts.activeExecutions.filter((name) => name.startsWith(migrationExecutionName(service, '')));
  if (own.length === 0) {
    return { refusal: `no migration execution is active on ${service}: nothing to adopt (start one without --adopt)` };
  }
  if (own.length > 1) return { refusal: `more than one migration execution is active: ${own.join(', ')}` };
  const execution = own[0]!;
  if (migrationExecutionId !== undefined && execution !== migrationExecutionName(service, migrationExecutionId)) {
    return { refusal: `the active migration execution is ${execution}, not ${migrationExecutionId}` };
  }
  if (facts.state !== 'MIGRATING') {
    return { refusal: `the service is ${facts.state ?? 'in no state'}, not MIGRATING: it does not run ${execution}` };
  }
  return { execution };
}

/** Why the read of `execution` cannot be adopted (undefined: it can). */
export function snapshotRefusal(execution: string, snapshot: MigrationSnapshot): string | undefined {
  if (snapshot.error) return `${execution} could not be read: ${snapshot.error.type}: ${snapshot.error.message}`;
  if (!snapshot.serviceFound) return 'the service no longer exists';
  const found = snapshot.execution;
  if (found?.name !== execution) return `${execution} could not be read`;
  if (!ADOPTABLE_STATES.includes(found.state ?? '')) {
    return `${execution} is ${found.state ?? 'in no state'}, not one of ${ADOPTABLE_STATES.join(', ')}`;
  }
  return undefined;
}

/**
 * What happens to scheduled backups, and the setting written back at the end (none for `left-off`); or why the
 * engineer's `restoreBackups` cannot be honoured (the service has no schedule or location of its own to turn on).
 */
export function adoptedBackups(
  current: SavedScheduledBackup,
  restoreBackups: boolean,
): { backups: AdoptedBackups; restore?: SavedScheduledBackup } | { refusal: string } {
  if (current.enabled) return { backups: 'disabled-at-adoption', restore: current };
  if (!restoreBackups) return { backups: 'left-off' };
  if (!current.cronSchedule || !current.backupLocation) {
    return {
      refusal:
        'restoreBackups: scheduled backups are off and the service has no cronSchedule and backupLocation of its ' +
        'own to turn back on; set them on the service first, or adopt without restoreBackups',
    };
  }
  return { backups: 'restore-at-end', restore: { ...current, enabled: true } };
}

/** One line for status and notifications: what becomes of the backups. */
export function adoptedBackupsLine(backups: AdoptedBackups, restore?: SavedScheduledBackup): string {
  const setting = restore
    ? ` ("${restore.cronSchedule ?? ''}" ${restore.timeZone ?? 'UTC'} → ${restore.backupLocation ?? '?'})`
    : '';
  switch (backups) {
    case 'disabled-at-adoption':
      return `scheduled backups were on: disabled now, restored at the end as they were${setting}`;
    case 'restore-at-end':
      return `scheduled backups were already off: turned on at the end as asked, with the service's own setting${setting}`;
    case 'left-off':
      return 'scheduled backups were already off: they stay off at the end (adopt with restoreBackups to turn them on)';
  }
}

/** The fields that say which source a Cloud SQL migration reads (passwords never come back from the API). */
const SOURCE_FIELDS = {
  cloudSqlConnectionConfig: ['instanceConnectionName', 'ipAddress', 'port', 'hiveDatabaseName', 'username'],
  cdcConfig: ['username'],
} as const;

type ConfigSections = Partial<Record<keyof typeof SOURCE_FIELDS, Record<string, unknown> | undefined>>;

/**
 * Where the request's config names another source than the adopted execution reads: the gate, the health watch
 * and the verification would check the wrong database. A field the API does not report is not compared.
 */
export function sourceMismatches(requested: ConfigSections, running: ConfigSections): string[] {
  const mismatches: string[] = [];
  for (const [section, fields] of Object.entries(SOURCE_FIELDS) as [keyof typeof SOURCE_FIELDS, readonly string[]][]) {
    for (const field of fields) {
      const there = running[section]?.[field];
      const here = requested[section]?.[field];
      if (there === undefined || there === null || String(there) === String(here)) continue;
      mismatches.push(`${section}.${field} is ${String(there)} in the execution, ${String(here)} in the config`);
    }
  }
  return mismatches;
}
