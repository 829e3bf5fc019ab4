// What the migration keeps of its source (the self-managed metastore's MySQL): how it looked right before the
// start, and its health while replicating. Plain JSON.
import type { Finding } from './findings';

/** Sessions of one user from one host on the Hive database. */
export interface SourceSession {
  user: string;
  /** The client address without its port ('10.1.2.3', 'localhost'). */
  host: string;
  /** How many sessions this user holds from this host. */
  count: number;
}

/** What the workflow keeps of the source at the start: the Hive schema VERSION and the client hosts with sessions. */
export type SourceBaseline =
  | {
      schemaVersion?: string;
      hosts: string[];
      sessions: SourceSession[];
      seesAllUsers: boolean;
      recordedAt: string;
      takenAt?: BaselineTakenAt;
    }
  | { skipped: string; takenAt?: BaselineTakenAt };

/**
 * `adoption`: recorded when this run adopted an execution already running, not before its start: clients that
 * connected between the start and the adoption (DPMS's or old ones) cannot be told apart. Absent: before the start.
 */
export type BaselineTakenAt = 'adoption';

/** "at the start" or "at adoption": when the baseline was taken, for messages. */
export function baselineWhen(baseline: { takenAt?: BaselineTakenAt } | undefined): string {
  return baseline?.takenAt === 'adoption' ? 'at adoption' : 'at the start';
}

export type SourceHealthStatus = 'OK' | 'WARN' | 'ERROR';

export interface SourceHealthChange {
  check: string;
  /** Absent for a check seen for the first time. */
  from?: string;
  to: string;
  at: string;
  message: string;
}

export interface SourceHealth {
  status: SourceHealthStatus;
  checkedAt: string;
  /** The level of each check at the last change. */
  levels: Record<string, string>;
  /** The newest changes last, at most MAX_CHANGES. */
  changes: SourceHealthChange[];
}

/** One run of the source checks while replicating. */
export interface SourceHealthRead {
  checkedAt: string;
  findings: Finding[];
}
