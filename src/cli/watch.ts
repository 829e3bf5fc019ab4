// `watch`: a live view of one migration (stage timeline, execution state and phase, the migration's last and next
// poll, the source check, what it is doing now, last error, decisions) or of every running one. On a terminal it
// redraws in place; on a pipe, or with --json, it prints one line per change, so a script can follow it. One
// migration's view ends when its workflow has.
import { forTerminal } from '../secrets/redact';
import type { MigrationStatus } from '../migration/state';
import type { LiveActivity } from './live';
import { formatDuration } from './duration';
import { stageFor } from './format';
import { type Progress, clock, executionWords, pollsLine, progressOf, sourceCheckLine } from './progress';

export interface MigrationView {
  service: string;
  stage: string;
  outcome?: string;
  outcomeMessage?: string;
  executionState?: string;
  phase?: string;
  timeline: { stage: string; at: string }[];
  /** The migration's own polls (never the source check's): see src/cli/progress.ts. */
  lastPoll?: string;
  /** An ISO time, or "now" while the read runs. */
  nextPoll?: string;
  sourceCheck?: Progress['sourceCheck'];
  /** What the workflow is doing now, in words. */
  doing: string[];
  lastError?: string;
  decisions: string[];
  ended: boolean;
}

export interface FleetRow {
  workflowId: string;
  stage?: string;
  executionState?: string;
  startTime: string;
}

/** `closed`: the workflow is no longer running (describe()), whatever its state says. */
export function migrationView(
  status: MigrationStatus,
  live: LiveActivity[],
  closed: boolean,
  now?: Date,
): MigrationView {
  const progress = progressOf(status, live, now);
  const error = status.lastError && !status.lastError.resolvedAt ? status.lastError : undefined;
  return {
    service: status.service,
    stage: status.stage,
    ...(status.outcome && { outcome: status.outcome, outcomeMessage: status.outcomeMessage }),
    ...(status.execution?.state && { executionState: status.execution.state }),
    ...(status.execution?.phase && { phase: status.execution.phase }),
    timeline: status.stageHistory,
    ...(progress.lastPoll && { lastPoll: progress.lastPoll }),
    ...(progress.nextPoll && { nextPoll: progress.nextPoll }),
    ...(progress.sourceCheck && { sourceCheck: progress.sourceCheck }),
    doing: progress.doing,
    ...(error && {
      lastError: `${error.type}: ${error.message} (since ${error.since ?? error.at}${error.count && error.count > 1 ? `, ${error.count} times` : ''})`,
    }),
    decisions: status.requests.map(
      (r) =>
        `${r.action}${r.by ? ` by ${r.by}` : ''} at ${r.at} via ${r.via}${r.accepted ? '' : ` (not accepted: ${r.note})`}`,
    ),
    ended: closed,
  };
}

/** `now`: what "today" is for the times shown (tests fix it). */
export function formatMigrationView(v: MigrationView, now?: Date): string {
  const lines = [
    `service    ${v.service}`,
    `stage      ${v.stage}${v.outcome ? ` — ${v.outcome}${v.outcomeMessage ? `: ${v.outcomeMessage}` : ''}` : stageFor(v.timeline, (now ?? new Date()).getTime())}`,
    `execution  ${executionWords(v.executionState, v.phase)}`,
    `timeline   ${v.timeline.map((t) => `${t.stage} ${clock(t.at, now)}`).join(' → ')}`,
    `polls      ${pollsLine(v, v.ended, now)}`,
  ];
  if (v.sourceCheck) lines.push(`source     ${sourceCheckLine(v.sourceCheck, now)}`);
  if (!v.ended && v.doing.length > 0) lines.push(`now        ${v.doing.join('; ')}`);
  if (v.lastError) lines.push(`last error ${v.lastError}`);
  for (const decision of v.decisions) lines.push(`decision   ${decision}`);
  return lines.join('\n');
}

/** `now`: what the RUNNING FOR column counts to (tests fix it). */
export function formatFleet(rows: FleetRow[], now = Date.now()): string {
  if (rows.length === 0) return 'no running migrations';
  const header = ['SERVICE', 'STAGE', 'EXECUTION', 'STARTED', 'RUNNING FOR'];
  const table = rows.map((r) => [
    r.workflowId.replace(/^migration\//, ''),
    r.stage ?? 'not recorded yet',
    executionWords(r.executionState),
    r.startTime,
    Number.isNaN(Date.parse(r.startTime)) ? '' : formatDuration(now - Date.parse(r.startTime)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...table.map(line)].join('\n');
}

export interface WatchLoop<V> {
  read(): Promise<V>;
  render(view: V): string;
  /** The view is final: print it and stop. */
  done(view: V): boolean;
  write(text: string): void;
  /** Redraw in place (a terminal, no --json) or print one line per change. */
  redraw: boolean;
  json: boolean;
  intervalMs: number;
}

const CLEAR = '\x1b[H\x1b[2J';

export async function watchLoop<V>(loop: WatchLoop<V>): Promise<void> {
  let last: string | undefined;
  for (;;) {
    const view = await loop.read();
    const key = JSON.stringify(view);
    // What is rendered quotes the API: its control characters are neutralised before our own CLEAR is added.
    if (loop.redraw) loop.write(`${CLEAR}${forTerminal(loop.render(view))}\n`);
    else if (key !== last) loop.write(`${loop.json ? key : forTerminal(loop.render(view)).replace(/\n\s*/g, ' | ')}\n`);
    last = key;
    if (loop.done(view)) return;
    await new Promise((resolve) => setTimeout(resolve, loop.intervalMs));
  }
}
