// The service as the migration sees it: the facts a precheck decides on, and its scheduled-backup setting, which
// the migration turns off and writes back exactly as it was.
import type { LakehouseProxyConfig } from './migration-summary';
import type { ServiceState } from './vocabulary';

export interface SavedScheduledBackup {
  enabled: boolean;
  cronSchedule?: string;
  timeZone?: string;
  backupLocation?: string;
}

/** What checkService reports; the workflow decides with precheckProblems. */
export interface ServiceFacts {
  name: string;
  state?: ServiceState;
  databaseType?: string;
  hiveVersion?: string;
  scheduledBackup: SavedScheduledBackup;
  activeExecutions: string[];
  /** In PROXY: the catalog it forwards to and the namespaces forwarded so far (absent when the API does not say). */
  lakehouseProxyConfig?: LakehouseProxyConfig;
}

/** The patch paths that make up a scheduled-backup setting; restoring writes all of them back. */
export const SCHEDULED_BACKUP_PATHS = [
  'scheduledBackup.enabled',
  'scheduledBackup.cronSchedule',
  'scheduledBackup.timeZone',
  'scheduledBackup.backupLocation',
] as const;

export function sameScheduledBackup(a: SavedScheduledBackup, b: SavedScheduledBackup): boolean {
  return (
    a.enabled === b.enabled &&
    (a.cronSchedule ?? '') === (b.cronSchedule ?? '') &&
    (a.timeZone ?? '') === (b.timeZone ?? '') &&
    (a.backupLocation ?? '') === (b.backupLocation ?? '')
  );
}
