// Pure judgement of the server variables Datastream's MySQL source depends on (reference §6). Input: the rows of
// SHOW GLOBAL VARIABLES as a map, names lower-case. MySQL and MariaDB name some of them differently.
import { finding, type Finding } from './types';

/** Every variable read; ones a server does not have are simply absent from the map. */
export const CDC_VARIABLES = [
  'version',
  'log_bin',
  'binlog_format',
  'binlog_row_image',
  'binlog_row_value_options', // MySQL 8.0+
  'binlog_expire_logs_seconds', // MySQL 8.0+, MariaDB 10.6+
  'binlog_expire_logs_auto_purge', // MySQL 8.0.29+
  'expire_logs_days',
  'log_replica_updates', // MySQL 8.0.26+
  'log_slave_updates',
  'gtid_mode', // MySQL
  'enforce_gtid_consistency', // MySQL
  'gtid_strict_mode', // MariaDB
  'net_read_timeout',
  'net_write_timeout',
  'wait_timeout',
  'max_allowed_packet',
] as const;

export type ServerVariables = Map<string, string>;

const RETENTION_SECONDS = 7 * 24 * 3600;
/** Datastream's documented flags for Cloud SQL sources; below them it only risks dropped connections, so warnings. */
const MINIMUMS = [
  { check: 'cdc.netReadTimeout', variable: 'net_read_timeout', minimum: 3600, unit: 's' },
  { check: 'cdc.netWriteTimeout', variable: 'net_write_timeout', minimum: 3600, unit: 's' },
  { check: 'cdc.waitTimeout', variable: 'wait_timeout', minimum: 86400, unit: 's' },
  { check: 'cdc.maxAllowedPacket', variable: 'max_allowed_packet', minimum: 1073741824, unit: ' bytes' },
] as const;

/**
 * log_bin, binlog_format, binlog_row_image, binlog_row_value_options (MySQL only), retention: errors when wrong.
 * `retentionNeeded` (seconds, with why) raises the 7-day floor when the CDC stream may need binlogs longer.
 */
export function binlogFindings(vars: ServerVariables, retentionNeeded?: RetentionNeed): Finding[] {
  const findings = [
    expect(vars, 'cdc.logBin', 'log_bin', 'ON', 'binary logging must be on (Cloud SQL: enable point-in-time recovery)'),
    expect(vars, 'cdc.binlogFormat', 'binlog_format', 'ROW', 'Datastream supports only ROW (not MIXED or STATEMENT)'),
    expect(vars, 'cdc.binlogRowImage', 'binlog_row_image', 'FULL', 'Datastream needs the full before/after row'),
  ];
  const valueOptions = vars.get('binlog_row_value_options');
  if (valueOptions !== undefined) {
    findings.push(
      valueOptions === ''
        ? finding('cdc.binlogRowValueOptions', 'ok', 'binlog_row_value_options is empty')
        : finding(
            'cdc.binlogRowValueOptions',
            'error',
            `binlog_row_value_options is '${valueOptions}'; it must be empty`,
          ),
    );
  }
  findings.push(retentionFinding(vars, retentionNeeded));
  return findings;
}

function expect(vars: ServerVariables, check: string, variable: string, wanted: string, why: string): Finding {
  const value = vars.get(variable);
  if (value === undefined) return finding(check, 'error', `the server does not report ${variable}; ${why}`);
  if (value.toUpperCase() === wanted) return finding(check, 'ok', `${variable} is ${wanted}`);
  return finding(check, 'error', `${variable} is ${value}, must be ${wanted}: ${why}`);
}

/**
 * Effective retention: binlog_expire_logs_seconds wins when non-zero (MySQL 8 ignores expire_logs_days then;
 * MariaDB 10.6+ keeps the two in step), else expire_logs_days; both zero (or auto purge off) = never purged.
 */
export interface RetentionNeed {
  seconds: number;
  /** Why the stream may need that long, e.g. 'the execution has awaited user action for 9 days'. */
  why: string;
}

function retentionFinding(vars: ServerVariables, need?: RetentionNeed): Finding {
  const seconds = Number(vars.get('binlog_expire_logs_seconds') ?? 0);
  const days = Number(vars.get('expire_logs_days') ?? 0);
  if (!vars.has('binlog_expire_logs_seconds') && !vars.has('expire_logs_days')) {
    return finding('cdc.binlogRetention', 'warning', 'the server reports no binlog retention setting');
  }
  const retention = seconds > 0 ? seconds : days * 86400;
  if (vars.get('binlog_expire_logs_auto_purge') === 'OFF' || retention === 0) {
    return finding('cdc.binlogRetention', 'ok', 'binlogs are never purged automatically (mind the disk)');
  }
  if (need && need.seconds > RETENTION_SECONDS) {
    if (retention >= need.seconds) {
      return finding('cdc.binlogRetention', 'ok', `binlogs are kept ${formatDays(retention)}, enough for ${need.why}`);
    }
    return finding(
      'cdc.binlogRetention',
      'error',
      `binlogs are purged after ${formatDays(retention)}, but the CDC stream may need ${formatDays(need.seconds)}: ${need.why}`,
    );
  }
  if (retention >= RETENTION_SECONDS) {
    return finding('cdc.binlogRetention', 'ok', `binlogs are kept ${formatDays(retention)}`);
  }
  return finding(
    'cdc.binlogRetention',
    'error',
    `binlogs are purged after ${formatDays(retention)}; Datastream needs at least 7 days ` +
      '(binlog_expire_logs_seconds=604800, or expire_logs_days=7)',
  );
}

function formatDays(seconds: number): string {
  const days = Math.round((seconds / 86400) * 100) / 100;
  return `${days} day${days === 1 ? '' : 's'} (${seconds} s)`;
}

/**
 * GTID settings only ever warn: which CDC method DPMS's stream uses is undocumented [INF], and binlog-position CDC
 * works without GTIDs. MariaDB's GTIDs (domain-server-sequence, gtid_strict_mode) are not MySQL GTIDs at all.
 */
export function gtidFinding(vars: ServerVariables): Finding {
  const mode = vars.get('gtid_mode');
  if (mode !== undefined) {
    const consistency = vars.get('enforce_gtid_consistency') ?? 'unknown';
    if (mode.toUpperCase() === 'ON' && consistency.toUpperCase() === 'ON') {
      return finding('cdc.gtid', 'ok', 'gtid_mode and enforce_gtid_consistency are ON');
    }
    return finding(
      'cdc.gtid',
      'warning',
      `gtid_mode is ${mode} and enforce_gtid_consistency ${consistency}: GTID-based CDC needs both ON; ` +
        'binlog-position CDC works without',
    );
  }
  const strict = vars.get('gtid_strict_mode');
  if (strict !== undefined) {
    return finding(
      'cdc.gtid',
      'warning',
      `MariaDB server (gtid_strict_mode ${strict}): its GTIDs are not MySQL GTIDs, so only binlog-position CDC applies`,
    );
  }
  return finding('cdc.gtid', 'warning', 'the server reports no GTID settings; only binlog-position CDC applies');
}

/** The Datastream timeouts, max_allowed_packet and log_replica_updates: warnings below the documented values. */
export function tuningFindings(vars: ServerVariables): Finding[] {
  const findings = MINIMUMS.map(({ check, variable, minimum, unit }) => {
    const value = vars.get(variable);
    if (value === undefined) return finding(check, 'warning', `the server does not report ${variable}`);
    if (Number(value) >= minimum) return finding(check, 'ok', `${variable} is ${value}${unit}`);
    return finding(
      check,
      'warning',
      `${variable} is ${value}${unit}; Datastream recommends at least ${minimum}${unit}`,
    );
  });
  const replicaUpdates = vars.get('log_replica_updates') ?? vars.get('log_slave_updates');
  if (replicaUpdates !== undefined && replicaUpdates.toUpperCase() !== 'ON') {
    findings.push(
      finding(
        'cdc.logReplicaUpdates',
        'warning',
        'log_replica_updates (log_slave_updates) is OFF: needed only if this server is a replica',
      ),
    );
  } else if (replicaUpdates !== undefined) {
    findings.push(finding('cdc.logReplicaUpdates', 'ok', 'log_replica_updates is ON'));
  }
  return findings;
}
