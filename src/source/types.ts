// What a source precheck returns. Plain JSON (no classes, no secrets), so an activity can hand it to a workflow.

import type { Finding as CheckFinding } from '../migration/findings';

/** A source check always runs or fails: it is never `skipped` (the activity turns "not reachable" into that). */
export type FindingLevel = Exclude<CheckFinding['level'], 'skipped'>;

/** Ids: 'source.reachable' (connect, auth, database, timeouts), 'source.query' (a check's query failed),
 * 'hive.schemaVersion', 'cdc.binlogFormat', 'cdc.grants'; checkHiveSchema and checkCdcReadiness list theirs. */
export interface Finding extends CheckFinding {
  level: FindingLevel;
}

export interface SourceCheck {
  /** True when no finding is an error (warnings do not block a migration). */
  ok: boolean;
  findings: Finding[];
}

/**
 * How to reach the Cloud SQL (MySQL) database behind the self-managed Hive metastore: the private IP, port and
 * Hive database name of `cloudSqlConnectionConfig`, with either the DPMS (`cloudSqlConnectionConfig`) or the
 * Datastream (`cdcConfig`) credentials.
 */
export interface SourceConnectionOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The Hive metastore database (`hiveDatabaseName`). */
  database: string;
  /** How the connection is secured; the password goes only over a channel this accepts. */
  tls: SourceTls;
  /** Bound on TCP connect plus the MySQL handshake; default 5000 ms. */
  connectTimeoutMs?: number;
  /** Bound on each query; default 10000 ms. */
  queryTimeoutMs?: number;
}

/**
 * `verify`: TLS whose server certificate chains to `ca` (PEM: Cloud SQL's server CA), required before anything
 * of the login is sent; the host name is checked only against `serverName` (Cloud SQL's certificates do not name
 * the IP). `off`: plain TCP, only by the worker's lab opt-out (METASTORE_MIGRATOR_SOURCE_TLS=off), never by
 * workflow input. `missing`: no CA was named on a worker that requires TLS, so nothing connects at all.
 */
export type SourceTls = { mode: 'verify'; ca: string; serverName?: string } | { mode: 'off' } | { mode: 'missing' };

/** The worker's rule (METASTORE_MIGRATOR_SOURCE_TLS), set by its operator: `off` is the lab opt-out. */
export type SourceTlsPolicy = 'required' | 'off';

export function sourceCheck(findings: Finding[]): SourceCheck {
  return { ok: findings.every((finding) => finding.level !== 'error'), findings };
}

export function finding(check: string, level: FindingLevel, message: string): Finding {
  return { check, level, message };
}
