// Text rendering for the CLI. --json prints the same objects unformatted.
import { formatSourceHealth } from './cutover';
import { membershipText } from '../migration/rollout-membership';
import { findingLines } from './findings';
import { formatVerification } from './verification';
import type { LiveActivity } from './live';
import { executionWords, pollsLine, progressOf } from './progress';
import { verdictLine } from '../migration/report';
import { EXECUTION_STATES, PHASES, SERVICE_STATES } from '../schemas';
import type { MigrationExecution } from '../schemas';
import type { ExecutionSnapshot } from '../migration/snapshot';
import type { MigrationStatus } from '../migration/state';
import { adoptedBackupsLine } from '../migration/adoption';
import { formatDuration, withRelative } from './duration';
import { dryRunPlanLines, formatBackfillOutcome, formatDryRunPlan } from './lakehouse-format';
import type { PrecheckReport } from '../migration/dry-run';
import { BIGLAKE_KIND } from '../migration/kinds';

/** An execution as `list`/`describe` read it (with its migration config) or as the workflow records it. */
export type ExecutionView = ExecutionSnapshot & Partial<Pick<MigrationExecution, MigrationConfigMember>>;
type MigrationConfigMember = 'cloudSqlMigrationConfig' | 'biglakeMetastoreMigrationConfig';

export function formatExecution(e: ExecutionView): string {
  const state = labelled(e.state ?? 'STATE_UNSPECIFIED', EXECUTION_STATES);
  const phase = labelled(e.phase ?? 'PHASE_UNSPECIFIED', PHASES);
  const parts = [`${e.name}`, `  state ${state}  phase ${phase}`];
  const kind = migrationKind(e);
  if (kind) parts.push(`  kind ${kind}`);
  if (e.stateMessage) parts.push(`  message ${e.stateMessage}`);
  if (e.createTime) parts.push(`  created ${e.createTime}${e.endTime ? `  ended ${e.endTime}` : ''}`);
  return parts.join('\n');
}

/** A value from a newer API revision is printed as sent, marked so nobody reads it as a known one. */
function labelled(value: string, known: readonly string[]): string {
  return known.includes(value) ? value : `${value} (not known to this tool)`;
}

/** Which member of the migration_config union the execution carries: incoming or outgoing, with its settings. */
function migrationKind(e: ExecutionView): string | undefined {
  if (e.cloudSqlMigrationConfig) return 'incoming from Cloud SQL for MySQL (cloudSqlMigrationConfig)';
  const biglake = e.biglakeMetastoreMigrationConfig;
  if (!biglake) return undefined;
  const settings = (['mode', 'conflictPolicy', 'dryRun'] as const)
    .filter((key) => biglake[key] !== undefined)
    .map((key) => `${key} ${JSON.stringify(biglake[key])}`);
  const detail = settings.length ? `; ${settings.join(', ')}` : '';
  return `outgoing to BigLake Metastore (biglakeMetastoreMigrationConfig${detail})`;
}

/** `now`: what "today" is for the times shown (tests fix it). */
export function formatStatus(s: MigrationStatus, live: LiveActivity[] = [], now?: Date): string {
  const progress = progressOf(s, live, now);
  const lines = [
    `workflow   ${s.workflowId} (run ${s.runId})`,
    `service    ${s.service} — ${s.serviceState ? labelled(s.serviceState, SERVICE_STATES) : s.lastSnapshot && !s.lastSnapshot.serviceFound ? 'GONE' : 'not read yet'}`,
    `stage      ${s.stage}${s.outcome ? ` — outcome ${s.outcome}` : stageFor(s.stageHistory, (now ?? new Date()).getTime())}`,
  ];
  if (s.outcomeMessage) lines.push(`           ${s.outcomeMessage}`);
  lines.push(
    s.execution
      ? `execution  ${formatExecution(s.execution).replace(/\n {2}/g, '\n           ')}`
      : 'execution  no execution yet',
  );
  if (s.kind === 'biglakeMetastoreMigrationConfig') lines.push(...outgoingLines(s, (now ?? new Date()).getTime()));
  lines.push(`started    ${withRelative(s.startedAt, (now ?? new Date()).getTime())}`);
  lines.push(`polls      ${pollsLine(progress, s.outcome !== undefined, now)}`);
  if (progress.doing.length > 0) lines.push(`now        ${progress.doing.join('; ')}`);
  if (s.unknownValues?.length) {
    lines.push(`newer API  ${s.unknownValues.join(', ')}: not acted on (no cutover or cancel) until known again`);
  }
  if (s.rollout) {
    const who = s.rollout.by ? ` by ${s.rollout.by}` : '';
    lines.push(`rollout    ${membershipText(s.rollout)} (joined ${s.rollout.joinedAt}${who})`);
    const refused = s.rollout.refused;
    if (refused) lines.push(`           refused rollout ${refused.rollout} at ${refused.at}: ${refused.reason}`);
  }
  const adoption = s.adoption;
  if (adoption) {
    const who = adoption.by ? ` by ${adoption.by}` : '';
    const why = adoption.reason ? ` — "${adoption.reason}"` : '';
    const found = executionWords(adoption.found.state, adoption.found.phase);
    lines.push(`adopted    ${adoption.execution} (${found}) at ${adoption.at}${who}${why}`);
    lines.push(`           ${adoptedBackupsLine(adoption.backups, s.savedScheduledBackup)}`);
  }
  const backup = s.savedScheduledBackup;
  if (backup) {
    const saved = backup.enabled
      ? `enabled, "${backup.cronSchedule ?? ''}" ${backup.timeZone ?? ''} → ${backup.backupLocation ?? ''}`
      : 'disabled';
    const now = s.backupsRestored ? 'restored' : s.backupsDisabled ? 'disabled during the migration' : 'untouched';
    lines.push(`backups    saved: ${saved}; ${now}`);
  }
  for (const r of s.requests) {
    const who = r.by ? ` by ${r.by}` : '';
    const why = r.reason ? ` — "${r.reason}"` : '';
    lines.push(
      `request    ${r.action}${who} at ${r.at} via ${r.via}${why}${r.accepted ? '' : ` (not accepted: ${r.note})`}`,
    );
  }
  if (s.lastError) {
    const resolved = s.lastError.resolvedAt ? `, resolved ${s.lastError.resolvedAt}` : ', retrying';
    const e = s.lastError;
    const seen = e.count && e.count > 1 ? `${e.count} times since ${e.since ?? e.at}, last ${e.at}` : e.at;
    lines.push(`last error ${e.type}: ${e.message} (${seen}${resolved})`);
  }
  const inventory = s.cutoverInventory;
  if (inventory) {
    lines.push(
      'skipped' in inventory
        ? `cutover    source inventory not recorded: ${inventory.skipped}`
        : `cutover    source inventory recorded ${inventory.recordedAt}: ${inventory.counts.databases} databases, ${inventory.counts.tables} tables, ${inventory.counts.partitions} partitions, ${inventory.counts.functions} functions`,
    );
  }
  lines.push(...formatSourceHealth(s, progress.sourceCheck, now));
  if (s.verification) lines.push(formatVerification(s.verification));
  lines.push(
    `history    ${s.historyLength} events in this run${s.continuedAsNew ? `, ${s.continuedAsNew} earlier runs` : ''}`,
  );
  return lines.join('\n');
}

/** " for 41 d 3 h": how long the migration has been in its stage, from the stage history's last entry. */
export function stageFor(history: readonly { at: string }[], now: number): string {
  const since = Date.parse(history.at(-1)?.at ?? '');
  return Number.isNaN(since) ? '' : ` for ${formatDuration(now - since)}`;
}

export interface WorkflowRow {
  workflowId: string;
  status: string;
  stage?: string;
  executionState?: string;
  startTime: string;
}

export function formatWorkflowList(rows: WorkflowRow[]): string {
  if (rows.length === 0) return 'no migration workflows match';
  return rows
    .map(
      (r) =>
        `${r.workflowId}\n  ${r.status}  stage ${r.stage ?? 'not recorded yet'}  execution ${executionWords(r.executionState)}  since ${r.startTime}`,
    )
    .join('\n');
}

/**
 * The outgoing kind's part of `status`: the kind, the dry run's verdict, the backfill (its state, then its outcome),
 * the namespaces the service forwards in PROXY, and the rollback window's end.
 */
function outgoingLines(s: MigrationStatus, now: number): string[] {
  const lines = [`kind       outgoing: ${BIGLAKE_KIND.title}`];
  const dryRun = s.plan?.dryRun;
  if (s.plan && dryRun) {
    const blocking = s.plan.blocking.filter((check) => check.startsWith('dryRun.'));
    const overridden = s.plan.overridden.filter((check) => check.startsWith('dryRun.'));
    const verdict =
      blocking.length > 0
        ? `blocked by ${blocking.join(', ')}`
        : overridden.length > 0
          ? `ok with ${overridden.join(', ')} overridden`
          : 'ok';
    lines.push(
      `dry run    ${verdict}: ${dryRun.plan.databases.length + dryRun.databasesOmitted} databases planned (${dryRun.execution})`,
      // Its databases under it, as `plan` shows them (the plain ones counted in a large plan).
      ...dryRunPlanLines(dryRun.plan, ' '.repeat(11)),
    );
  }
  if (s.backfill) {
    lines.push(
      ...formatBackfillOutcome(s.backfill)
        .split('\n')
        .map((line, i) => (i === 0 ? `backfill   ${line}` : `         ${line}`)),
    );
  } else if (s.execution?.backfill) {
    lines.push(
      `backfill   ${s.execution.backfill}${s.execution.backfill === 'RUNNING' ? ' (the API gives counts only once it ends)' : ''}`,
    );
  }
  const proxy = s.lastSnapshot?.lakehouseProxy;
  if (s.serviceState === 'PROXY' && proxy) {
    lines.push(
      `proxy      forwarding ${(proxy.namespaces ?? []).join(', ') || 'no namespace'} to ${proxy.catalog ?? '?'}`,
    );
  }
  if (s.rollbackWindowEndsAt && s.stage === 'ROLLBACK_WINDOW') {
    lines.push(`rollback   possible until ${withRelative(s.rollbackWindowEndsAt, now)}`);
  }
  return lines;
}

export function formatPlan(report: PrecheckReport): string {
  // The outgoing kind: the dry run database by database, then every check and the verdict.
  if (report.dryRun) {
    const omitted = report.dryRun.databasesOmitted;
    return [
      formatDryRunPlan(report.dryRun.plan, report),
      ...(omitted > 0 ? [`(${omitted} more databases planned; the report has them all)`] : []),
      ...(report.overridden.length > 0 ? [`overridden: ${report.overridden.join(', ')}`] : []),
    ].join('\n');
  }
  const lines = [`plan for ${report.service}: ${verdictLine(report, 'ready to start')}`];
  lines.push(...findingLines(report.findings));
  if (report.overridden.length > 0) lines.push(`overridden: ${report.overridden.join(', ')}`);
  return lines.join('\n');
}
