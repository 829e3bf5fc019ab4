// Text rendering for the CLI. --json prints the same objects unformatted.
import type { LiveActivity } from './cli-live';
import type { PlanReport } from './plan/report';
import type { ExecutionSnapshot, MigrationStatus } from './workflows/migration-state';

export function formatExecution(e: ExecutionSnapshot): string {
  const parts = [`${e.name}`, `  state ${e.state ?? 'STATE_UNSPECIFIED'}  phase ${e.phase ?? 'PHASE_UNSPECIFIED'}`];
  if (e.stateMessage) parts.push(`  message ${e.stateMessage}`);
  if (e.createTime) parts.push(`  created ${e.createTime}${e.endTime ? `  ended ${e.endTime}` : ''}`);
  return parts.join('\n');
}

export function formatStatus(s: MigrationStatus, live: LiveActivity[] = []): string {
  const lines = [
    `workflow   ${s.workflowId} (run ${s.runId})`,
    `service    ${s.service} — ${s.serviceState ?? (s.lastSnapshot && !s.lastSnapshot.serviceFound ? 'GONE' : 'unknown')}`,
    `stage      ${s.stage}${s.outcome ? ` — outcome ${s.outcome}` : ''}`,
  ];
  if (s.outcomeMessage) lines.push(`           ${s.outcomeMessage}`);
  lines.push(
    s.execution
      ? `execution  ${formatExecution(s.execution).replace(/\n {2}/g, '\n           ')}`
      : 'execution  (none yet)',
  );
  lines.push(`started    ${s.startedAt}   last poll ${s.lastPollTime ?? 'never'}`);
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
    lines.push(`last error ${s.lastError.type}: ${s.lastError.message} (${s.lastError.at}${resolved})`);
  }
  for (const activity of live) {
    const poll = activity.lastPoll ? `; last poll ${activity.lastPoll.polledAt}` : '';
    const next = activity.nextAttemptAt ? `; next ${activity.nextAttemptAt}` : '';
    const retry =
      activity.attempt > 1 && !activity.waitingBetweenPolls
        ? `; attempt ${activity.attempt}, last failure: ${activity.lastFailure ?? '?'}`
        : '';
    lines.push(`${activity.waitingBetweenPolls ? 'polling' : 'running'}    ${activity.activity}${poll}${next}${retry}`);
  }
  lines.push(
    `history    ${s.historyLength} events in this run${s.continuedAsNew ? `, ${s.continuedAsNew} earlier runs` : ''}`,
  );
  return lines.join('\n');
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
        `${r.workflowId}\n  ${r.status}  stage ${r.stage ?? '?'}  execution ${r.executionState ?? '?'}  since ${r.startTime}`,
    )
    .join('\n');
}

const MARK = { ok: 'ok  ', warning: 'WARN', error: 'FAIL', skipped: 'skip' } as const;

export function formatPlan(report: PlanReport): string {
  const lines = [
    `plan for ${report.service}: ${report.ok ? 'ready to start' : `blocked by ${report.blocking.join(', ')}`}`,
  ];
  for (const f of report.findings) lines.push(`  ${MARK[f.level]}  ${f.check.padEnd(28)} ${f.message}`);
  if (report.overridden.length > 0) lines.push(`overridden: ${report.overridden.join(', ')}`);
  return lines.join('\n');
}
