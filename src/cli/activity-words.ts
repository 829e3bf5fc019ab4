// What a pending activity means to the engineer: `status` and `watch` say what the migration is doing in these
// words, never the activity's type name. Keyed by every activity the worker registers, so a new activity without
// words does not compile.
import type { Activities } from '../activities';

const WORDS: Record<keyof Activities, string> = {
  checkRequest: 'checking the request (and, for a start, the service, the permissions and the source)',
  checkService: 'checking the service',
  checkPermissions: 'checking the permissions',
  checkSecrets: 'checking the secrets',
  checkSource: 'checking the source',
  checkBeforeStart: 'checking the service, the permissions and the source',
  checkAdoptedSource: 'checking the source of the migration it adopts',
  disableScheduledBackups: 'turning scheduled backups off',
  restoreScheduledBackups: 'turning scheduled backups back on',
  readSourceBaseline: 'recording the source before the start',
  startMigration: 'starting the migration',
  completeMigration: 'asking Google to complete the migration',
  cancelMigration: 'asking Google to cancel the migration',
  awaitOperation: "waiting for Google's operation",
  checkOperation: "waiting for Google's operation",
  pollMigration: 'reading the migration',
  pollMigrationChange: 'watching the migration',
  watchMigration: 'watching the migration',
  watchSourceHealth: 'checking the source',
  checkCutoverReadiness: 'running the cutover checks',
  recordSourceInventory: 'recording the source before cutover',
  verifyMigration: 'comparing DPMS with the source',
  checkTargetCatalogs: 'checking the Lakehouse target catalogs',
  readBackfillReport: "reading the backfill's report",
  verifyBackfill: 'comparing the Lakehouse catalogs with DPMS',
  notify: 'sending a notification',
  startBiglakeMigration: 'starting the migration to the Lakehouse catalog',
  rollbackMigration: 'asking Google to roll the migration back',
  readBackfillOutcome: "reading the backfill's outcome",
  awaitDryRun: 'waiting for the dry run',
  checkRolloutInput: 'checking the rollout',
  driveRolloutMembers: "driving the wave's members",
  watchRolloutMembers: "watching the wave's members",
  readRolloutMembers: "reading the wave's members",
  rolloutRunning: 'asking whether the rollout holding it still runs',
  requestMemberDecision: 'asking a member of a bulk decision',
};

/** The migration's own polls: what its last and next poll are read from (not the source check's). */
export const MIGRATION_POLLS: readonly string[] = ['pollMigrationChange', 'watchMigration'];
/** The source check while replicating: shown apart from the migration's polls. */
export const SOURCE_CHECK = 'watchSourceHealth';

/** An activity type a newer worker registers and this CLI does not know is said as such, not by its name alone. */
export function activityWords(type: string): string {
  return (WORDS as Record<string, string | undefined>)[type] ?? `working (step "${type}", not known to this tool)`;
}
