// Who is connected to the Hive metastore database, and whether the workloads have moved to DPMS. The guide has
// DPMS connect with the same user as the self-managed metastore, so clients are told apart by host: the hosts
// holding sessions on the Hive database before the migration started are the self-managed metastore servers;
// DPMS's proxy shows up from hosts first seen after the start (or from the CIDRs the engineer gives).
import { withSourceConnection } from './connection';
import { globalPrivileges, parseGrants, showGrants } from './grants';
import { inIpv4Range, parseIpv4 } from '../schemas/ipv4';
import type { SourceSession } from '../migration/source';
import { finding, type Finding, type SourceConnectionOptions } from './types';

export type { SourceSession };

export interface SourceSessions {
  /** VERSION.SCHEMA_VERSION, when the table has exactly one row. */
  schemaVersion?: string;
  /** Sessions on the Hive database, other than the one reading them. */
  sessions: SourceSession[];
  /** False without the PROCESS privilege: then only the connecting user's own sessions are listed. */
  seesAllUsers: boolean;
  readAt: string;
}

/** One connection as the DPMS user: VERSION and the processlist of the Hive database. */
export async function readSourceSessions(
  options: SourceConnectionOptions,
): Promise<SourceSessions | { unreachable: string }> {
  let read: SourceSessions | undefined;
  const check = await withSourceConnection(options, { useDatabase: true }, async (session) => {
    const versions = await session.query('SELECT SCHEMA_VERSION AS version FROM `VERSION`');
    const rows = await session.query(
      `SELECT USER AS user, HOST AS host, COUNT(*) AS count FROM information_schema.PROCESSLIST
       WHERE DB = ? AND ID <> CONNECTION_ID() GROUP BY USER, HOST`,
      [options.database],
    );
    const global = globalPrivileges(parseGrants(await showGrants(session)));
    const byClient = new Map<string, SourceSession>();
    for (const row of rows) {
      const user = String(row.user);
      const host = clientHost(String(row.host));
      const key = `${user}@${host}`;
      const seen = byClient.get(key);
      if (seen) seen.count += Number(row.count);
      else byClient.set(key, { user, host, count: Number(row.count) });
    }
    read = {
      ...(versions.length === 1 && { schemaVersion: String(versions[0]?.version) }),
      sessions: [...byClient.values()].sort((a, b) => `${a.user}@${a.host}`.localeCompare(`${b.user}@${b.host}`)),
      seesAllUsers: global.has('PROCESS') || global.has('ALL PRIVILEGES'),
      readAt: new Date().toISOString(),
    };
    return [];
  });
  if (read) return read;
  return { unreachable: check.findings[0]?.message ?? 'the source could not be read' };
}

/** '10.1.2.3:51234' → '10.1.2.3', '[fd00::1]:5123' → 'fd00::1', 'localhost' as it is. */
export function clientHost(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1] as string;
  const v4 = /^([^:]+):\d+$/.exec(host);
  return v4 ? (v4[1] as string) : host;
}

export interface WorkloadRules {
  /** Hosts with sessions on the Hive database before the migration started (the self-managed metastore). */
  baselineHosts: string[];
  /** The CDC user: its sessions are Datastream's. */
  cdcUser: string;
  /** DPMS's proxy range; without it, any host first seen after the start counts as DPMS's. */
  dpmsClientCidrs?: string[];
  /** Known read-only clients: 'host', 'CIDR', 'user@host' or 'user@CIDR'. */
  allowedClients?: string[];
}

/** `workloads.moved`: error naming every user@host that still uses the old metastore or is unaccounted for. */
export function workloadsFinding(read: SourceSessions, rules: WorkloadRules): Finding {
  const baseline = new Set(rules.baselineHosts);
  const blocking: string[] = [];
  let dpms = 0;
  for (const s of read.sessions) {
    if (s.user === rules.cdcUser || allowed(s, rules.allowedClients ?? [])) continue;
    const who = `${s.user}@${s.host} (${s.count} session${s.count === 1 ? '' : 's'})`;
    if (baseline.has(s.host)) blocking.push(`${who}, a host of the self-managed metastore`);
    else if (rules.dpmsClientCidrs && !rules.dpmsClientCidrs.some((cidr) => inCidr(s.host, cidr))) {
      blocking.push(`${who}, outside the DPMS proxy range ${rules.dpmsClientCidrs.join(', ')}`);
    } else dpms += s.count;
  }
  const visibility = read.seesAllUsers
    ? ''
    : ' (only sessions of the DPMS user’s own account are visible: grant it PROCESS to see every account’s)';
  if (blocking.length > 0) {
    return finding(
      'workloads.moved',
      'error',
      `clients still use the source's Hive database: ${blocking.join('; ')}. Move them to DPMS first${visibility}`,
    );
  }
  // Clean as far as it can see: a warning when other accounts' sessions are out of sight, never a silent pass.
  return finding(
    'workloads.moved',
    read.seesAllUsers ? 'ok' : 'warning',
    `only DPMS (${dpms} sessions) and Datastream use the Hive database${visibility}`,
  );
}

function allowed(s: SourceSession, allowList: string[]): boolean {
  return allowList.some((entry) => {
    const at = entry.lastIndexOf('@');
    const user = at < 0 ? undefined : entry.slice(0, at);
    const where = at < 0 ? entry : entry.slice(at + 1);
    if (user !== undefined && user !== s.user) return false;
    return where.includes('/') ? inCidr(s.host, where) : where === s.host;
  });
}

/** IPv4 only (Cloud SQL private IPs); a host that is not an IPv4 address is in no CIDR. */
export function inCidr(host: string, cidr: string): boolean {
  const [base = '', bits = ''] = cidr.split('/');
  const address = parseIpv4(host);
  const start = parseIpv4(base);
  const prefix = Number(bits);
  if (address === undefined || start === undefined || !/^\d{1,2}$/.test(bits) || prefix > 32) return false;
  return inIpv4Range(address, start, prefix);
}
