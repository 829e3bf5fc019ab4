// `watch`: a live view of one migration (stage timeline, execution state and phase, last and next poll, last
// error, decisions) or of every running one. On a terminal it redraws in place; on a pipe, or with --json, it
// prints one line per change, so a script can follow it. One migration's view ends when its workflow has.
import { forTerminal } from '../secrets/redact';
import type { MigrationStatus } from '../migration/state';
import type { LiveActivity } from './live';
import { relativeTime } from './duration';
import { stageFor } from './format';

export interface MigrationView {
  service: string;
  stage: string;
  outcome?: string;
  outcomeMessage?: string;
  executionState?: string;
  phase?: string;
  timeline: { stage: string; at: string }[];
  lastPoll?: string;
  nextPoll?: string;
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
export function migrationView(status: MigrationStatus, live: LiveActivity[], closed: boolean): MigrationView {
  const poll = live.find((activity) => activity.waitingBetweenPolls);
  const error = status.lastError && !status.lastError.resolvedAt ? status.lastError : undefined;
  return {
    service: status.service,
    stage: status.stage,
    ...(status.outcome && { outcome: status.outcome, outcomeMessage: status.outcomeMessage }),
    ...(status.execution?.state && { executionState: status.execution.state }),
    ...(status.execution?.phase && { phase: status.execution.phase }),
    timeline: status.stageHistory,
    ...((poll?.lastPoll?.polledAt ?? status.lastPollTime) && {
      lastPoll: poll?.lastPoll?.polledAt ?? status.lastPollTime,
    }),
    ...(poll?.nextAttemptAt && { nextPoll: poll.nextAttemptAt }),
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

const time = (iso?: string) => (iso ? iso.slice(11, 19) : '—');

/** `now`: the time the durations ("for 3 h 5 min", "12 s ago") are counted to. */
export function formatMigrationView(v: MigrationView, now = Date.now()): string {
  const execution = v.executionState ? `${v.executionState}/${v.phase ?? '-'}` : '(none yet)';
  const relative = (iso?: string) => {
    const span = relativeTime(iso, now);
    return span ? ` (${span})` : '';
  };
  const lines = [
    `service    ${v.service}`,
    `stage      ${v.stage}${v.outcome ? ` — ${v.outcome}: ${v.outcomeMessage ?? ''}` : stageFor(v.timeline, now)}`,
    `execution  ${execution}`,
    `timeline   ${v.timeline.map((t) => `${t.stage} ${time(t.at)}`).join(' → ')}`,
    `polls      last ${time(v.lastPoll)}${relative(v.lastPoll)}   next ${time(v.nextPoll)}${relative(v.nextPoll)}`,
  ];
  if (v.lastError) lines.push(`last error ${v.lastError}`);
  for (const decision of v.decisions) lines.push(`decision   ${decision}`);
  return lines.join('\n');
}

export function formatFleet(rows: FleetRow[]): string {
  if (rows.length === 0) return 'no running migrations';
  const header = ['SERVICE', 'STAGE', 'EXECUTION', 'STARTED'];
  const table = rows.map((r) => [
    r.workflowId.replace(/^migration\//, ''),
    r.stage ?? '?',
    r.executionState ?? '?',
    r.startTime,
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
