// The source around cutover: what it looked like at the start (the Hive schema VERSION, the client hosts holding
// sessions: the self-managed metastore servers), its health while replicating (the plan's source checks again,
// by retry-as-poll: no slot and no history event while nothing changes), and the cutover readiness checks.
import { ApplicationFailure, log } from '@temporalio/activity';
import { FailureType } from '../migration/failure-types';
import type { Finding } from '../migration/findings';
import { type BaselineTakenAt, baselineWhen } from '../migration/source';
import type { RetentionNeed } from '../source/cdc-settings';
import { readSourceSessions, type SourceSessions, workloadsFinding } from '../source/sessions';
import { heartbeating } from './heartbeating';
import { sourceFindings } from './plan';
import { unchanged } from './failures';
import { type SourceArgs, type SourceConnections, type SourceDeps, sourceConnections } from './source-connections';

/** What the workflow keeps of the source at the start. */
export type SourceBaseline =
  | {
      schemaVersion?: string;
      hosts: string[];
      sessions: SourceSessions['sessions'];
      seesAllUsers: boolean;
      recordedAt: string;
      takenAt?: BaselineTakenAt;
    }
  | { skipped: string; takenAt?: BaselineTakenAt };

export interface SourceCheckArgs extends SourceArgs {
  hiveVersion?: string;
  baseline?: SourceBaseline;
  /** Days of binlog the CDC stream may need (options.binlogRetentionDays). */
  retentionDays: number;
  /** Since when the execution awaits user action (its stream stopped): that time adds to the retention need. */
  awaitingSince?: string;
}

export interface WorkloadOptions {
  dpmsClientCidrs?: string[];
  allowedClients?: string[];
}

export interface SourceHealthArgs extends SourceCheckArgs {
  /** The levels of the last check by id; the watch returns when they differ. */
  last: Record<string, string>;
  intervalMs: number;
  /** No check before this time (the first one comes an interval after the previous). */
  dueAt: string;
}

export interface SourceHealthRead {
  checkedAt: string;
  findings: Finding[];
}

export interface CutoverReadinessArgs extends SourceCheckArgs, WorkloadOptions {}

const DAY_SECONDS = 86_400;

export function createCutoverActivities(deps: SourceDeps) {
  const connections = async (args: SourceArgs): Promise<SourceConnections> => {
    const source = await sourceConnections(args, deps);
    if (!source)
      throw ApplicationFailure.nonRetryable('the migration has no Cloud SQL source', FailureType.InvalidArgument);
    return source;
  };
  /** The plan's source checks, VERSION against the start's, and the sessions (for the gate). */
  const checkSourceNow = async (args: SourceCheckArgs, now: number) => {
    const source = await connections(args);
    const findings = await sourceFindings(source, args.hiveVersion, retentionNeed(args, now));
    // After the checks, not beside them: their own session on the Hive database would be listed as a client.
    const sessions = await readSourceSessions(source.hive);
    return { source, findings: [...findings, schemaUnchangedFinding(args.baseline, sessions)], sessions };
  };
  return {
    /** Right before startMigration: VERSION and the hosts with sessions on the Hive database. */
    async readSourceBaseline(args: SourceArgs): Promise<SourceBaseline> {
      return heartbeating(async () => {
        const source = await connections(args);
        const read = await readSourceSessions(source.hive);
        if ('unreachable' in read) return { skipped: read.unreachable };
        const cdcUser = source.cdc.user;
        const hosts = [...new Set(read.sessions.filter((s) => s.user !== cdcUser).map((s) => s.host))].sort();
        log.info('source baseline', { schemaVersion: read.schemaVersion, hosts });
        return { ...read, hosts, recordedAt: read.readAt };
      });
    },

    /**
     * One attempt of the health watch: when due, runs the source checks; returns when a check's level differs
     * from `last`, else fails benignly and the server comes back after the interval.
     */
    async watchSourceHealth(args: SourceHealthArgs): Promise<SourceHealthRead> {
      const now = Date.now();
      const due = Date.parse(args.dueAt);
      if (now < due) throw unchanged(due - now, 'source check not due yet');
      const { findings } = await checkSourceNow(args, now);
      const changed =
        findings.some((f) => args.last[f.check] !== f.level) || Object.keys(args.last).length !== findings.length;
      const checkedAt = new Date(now).toISOString();
      if (changed) return { checkedAt, findings };
      // The state records a check only when a level changed: `status` reads when it last ran from here.
      throw unchanged(args.intervalMs, 'source health unchanged', { checkedAt });
    },

    /** The source side of the cutover gate: the source checks, VERSION unchanged, and the workloads moved. */
    async checkCutoverReadiness(args: CutoverReadinessArgs): Promise<Finding[]> {
      return heartbeating(async () => {
        const { source, findings, sessions } = await checkSourceNow(args, Date.now());
        return [...findings, workloadsCheck(args, sessions, source.cdc.user)];
      });
    },
  };
}

/** 7 days (Datastream's floor) or more: the engineer's estimate, plus a stopped stream's time and a day's margin. */
export function retentionNeed(
  args: Pick<SourceCheckArgs, 'retentionDays' | 'awaitingSince'>,
  now: number,
): RetentionNeed | undefined {
  const paused = args.awaitingSince ? Math.max(0, (now - Date.parse(args.awaitingSince)) / 1000) : 0;
  const fromOption = args.retentionDays * DAY_SECONDS;
  const fromPause = paused > 0 ? paused + DAY_SECONDS : 0;
  const seconds = Math.round(Math.max(fromOption, fromPause));
  if (seconds <= 7 * DAY_SECONDS) return undefined;
  const why =
    fromPause > fromOption
      ? `the execution has awaited user action (its stream stopped) for ${(paused / DAY_SECONDS).toFixed(1)} days, plus a day`
      : `binlogRetentionDays is ${args.retentionDays}`;
  return { seconds, why };
}

function schemaUnchangedFinding(
  baseline: SourceBaseline | undefined,
  sessions: SourceSessions | { unreachable: string },
): Finding {
  const id = 'hive.schemaUnchanged';
  if ('unreachable' in sessions)
    return { check: id, level: 'skipped', message: `not checked: ${sessions.unreachable}` };
  if (!baseline || 'skipped' in baseline) {
    return {
      check: id,
      level: 'skipped',
      message: `no VERSION was recorded ${baselineWhen(baseline)} to compare with`,
    };
  }
  if (sessions.schemaVersion === baseline.schemaVersion) {
    return { check: id, level: 'ok', message: `the Hive schema is still ${baseline.schemaVersion ?? 'unversioned'}` };
  }
  return {
    check: id,
    level: 'error',
    message: `the Hive schema VERSION changed from ${baseline.schemaVersion ?? 'none'} to ${sessions.schemaVersion ?? 'none'} ${baseline.takenAt === 'adoption' ? 'since the adoption' : 'since the start'} (schematool during CDC mis-copies rows)`,
  };
}

function workloadsCheck(
  args: CutoverReadinessArgs,
  sessions: SourceSessions | { unreachable: string },
  cdcUser: string,
): Finding {
  if ('unreachable' in sessions) {
    return { check: 'workloads.moved', level: 'skipped', message: `not checked: ${sessions.unreachable}` };
  }
  if (!args.baseline || 'skipped' in args.baseline) {
    if (!args.dpmsClientCidrs) {
      return {
        check: 'workloads.moved',
        level: 'skipped',
        message: `no client hosts were recorded ${baselineWhen(args.baseline)} and no dpmsClientCidrs are set, so old clients cannot be told from DPMS`,
      };
    }
  }
  const baselineHosts = args.baseline && 'hosts' in args.baseline ? args.baseline.hosts : [];
  return workloadsFinding(sessions, {
    baselineHosts,
    cdcUser,
    ...(args.dpmsClientCidrs && { dpmsClientCidrs: args.dpmsClientCidrs }),
    ...(args.allowedClients && { allowedClients: args.allowedClients }),
  });
}
