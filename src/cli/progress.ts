// One story for `status` and `watch`: the migration's last and next poll (its own, never the source check's), the
// source check apart from it, and what the workflow is doing now, in the engineer's words. Both commands read it
// from here, so they cannot tell it differently.
import { MIGRATION_POLLS, SOURCE_CHECK, activityWords } from './activity-words';
import type { LiveActivity } from './live';
import type { MigrationStatus } from '../migration/state';
import { relativeTime } from './duration';

export interface Progress {
  /** The migration's last read (the pending poll's, else the last one the workflow recorded). */
  lastPoll?: string;
  /** When the next read of the migration runs: absent while no poll is waiting (another step is under way). */
  nextPoll?: string;
  /** The source checks while replicating; absent when none ran and none is waiting. */
  sourceCheck?: { status?: string; last?: string; next?: string };
  /** What the workflow does now, e.g. "watching the migration", "waiting for Google's operation (attempt 2: …)". */
  doing: string[];
}

/** `now` stands for "the attempt is running at this moment" in nextPoll and sourceCheck.next. */
export const NOW = 'now';

/** `now`: what "today" is for the times in `doing` (tests fix it). */
export function progressOf(status: MigrationStatus, live: LiveActivity[], now?: Date): Progress {
  const poll = live.find((a) => MIGRATION_POLLS.includes(a.activity));
  const check = live.find((a) => a.activity === SOURCE_CHECK);
  const lastPoll = latest(poll?.lastPoll?.polledAt, status.lastPollTime);
  const lastCheck = latest(check?.lastCheck, status.sourceHealth?.checkedAt);
  const sourceCheck =
    status.sourceHealth || check
      ? {
          ...(status.sourceHealth && { status: status.sourceHealth.status }),
          ...(lastCheck && { last: lastCheck }),
          ...(check && { next: nextOf(check) }),
        }
      : undefined;
  return {
    ...(lastPoll && { lastPoll }),
    ...(poll && { nextPoll: nextOf(poll) }),
    ...(sourceCheck && { sourceCheck }),
    doing: live.map((activity) => doingLine(activity, now)),
  };
}

/** A retry-as-poll attempt waits for the server's next attempt; any other pending attempt is running now. */
function nextOf(activity: LiveActivity): string {
  return activity.waitingBetweenPolls && activity.nextAttemptAt ? activity.nextAttemptAt : NOW;
}

function doingLine(activity: LiveActivity, now?: Date): string {
  const words = activityWords(activity.activity);
  if (activity.waitingBetweenPolls) return words;
  if (activity.attempt <= 1) return words;
  const failure = activity.lastFailure ? `: ${activity.lastFailure}` : '';
  const next = activity.nextAttemptAt ? `, next try ${clock(activity.nextAttemptAt, now)}` : '';
  return `${words} (attempt ${activity.attempt}${failure}${next})`;
}

/** ISO times compare as strings. */
function latest(...times: (string | undefined)[]): string | undefined {
  return times
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);
}

/** "12:00:05" on the day of `now`, "2026-12-01 12:00:05" before it (UTC, as every time the tool records). */
export function clock(iso: string, now: Date = new Date()): string {
  if (iso === NOW) return NOW;
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  return day === now.toISOString().slice(0, 10) ? time : `${day} ${time}`;
}

/** "last 12:00:05, next ~12:00:35": the migration's polls. */
/** " (12 s ago)", " (in 48 s)" beside a time; empty when it cannot be read. */
function ago(iso: string, now?: Date): string {
  const relative = relativeTime(iso, (now ?? new Date()).getTime());
  return relative ? ` (${relative})` : '';
}

export function pollsLine(p: Progress, ended: boolean, now?: Date): string {
  const last = p.lastPoll ? `last ${clock(p.lastPoll, now)}${ago(p.lastPoll, now)}` : 'not read yet';
  if (ended) return `${last}; no more polls (the workflow has ended)`;
  const next = p.nextPoll
    ? p.nextPoll === NOW
      ? 'reading now'
      : `next ~${clock(p.nextPoll, now)}${ago(p.nextPoll, now)}`
    : p.doing.length > 0
      ? `next after ${p.doing.join(' and ')}`
      : 'next once the workflow schedules it';
  return `${last}, ${next}`;
}

/** "OK, checked 12:00:00, next ~13:00:00": the source checks while replicating. */
export function sourceCheckLine(check: NonNullable<Progress['sourceCheck']>, now?: Date): string {
  const last = check.last ? `checked ${clock(check.last, now)}${ago(check.last, now)}` : 'not checked yet';
  const next = check.next
    ? check.next === NOW
      ? ', checking now'
      : `, next ~${clock(check.next, now)}${ago(check.next, now)}`
    : '';
  return `${check.status ? `${check.status}, ` : ''}${last}${next}`;
}

/** An execution's state and phase in words: "RUNNING in REPLICATION", "no execution yet". */
export function executionWords(state?: string, phase?: string): string {
  if (!state || state === 'NONE') return 'no execution yet';
  return phase && phase !== 'PHASE_UNSPECIFIED' ? `${state} in ${phase}` : state;
}
