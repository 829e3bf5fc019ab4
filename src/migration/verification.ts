// What a migration records of the reconciliation around cutover: the inventory counts and the record kept of the
// source right before completeMigration, and the comparison of DPMS's metastore with it. Plain JSON. The
// inventories themselves and the comparison are in src/hive/.

export interface InventoryCounts {
  databases: number;
  tables: number;
  partitions: number;
  columns: number;
  functions: number;
}

/** What history holds of an inventory recorded in the store (src/hive/inventory-store.ts). */
export interface InventoryRecord {
  key: string;
  /** sha256 of the inventory's JSON. */
  digest: string;
  counts: InventoryCounts;
  recordedAt: string;
}

/** The source's inventory recorded before cutover, or why it was not. */
export type RecordedInventory = InventoryRecord | { skipped: string };

export type DifferenceKind = 'database' | 'table' | 'partition' | 'function';

export interface Difference {
  kind: DifferenceKind;
  /** 'db', 'db.table', 'db.table/dt=2026-01-01', 'db.function'. */
  name: string;
  problem: 'missing' | 'extra' | 'differs';
  /** For `differs`: what differs, e.g. "type MANAGED_TABLE in the source, EXTERNAL_TABLE in DPMS". */
  detail?: string;
}

/** A table an outgoing backfill's report says it did not move (FAILED), or skipped and the target does not hold. */
export interface NotMigratedTable {
  /** 'db.table'. */
  name: string;
  /** The target catalog, projects/p/catalogs/c. */
  catalog: string;
  result: 'FAILED' | 'SKIPPED';
  /** The report's errorMessage (FAILED) or plan reason (SKIPPED), cut short. */
  message?: string;
}

export interface VerificationReport {
  /** True when both sides hold the same objects with the same types, columns and partition keys. */
  ok: boolean;
  /**
   * Absent: the incoming kind (the source's inventory against DPMS). `lakehouse`: an outgoing backfill — `source`
   * counts what DPMS serves in the migration's scope, `dpms` what the Lakehouse target catalogs hold of it.
   */
  compared?: 'lakehouse';
  checkedAt: string;
  source: InventoryCounts;
  dpms: InventoryCounts;
  totals: { missing: number; extra: number; differing: number };
  /** The first `cap` differences in name order; `truncated` when there are more. */
  differences: Difference[];
  truncated: boolean;
  /**
   * Outgoing backfill only: tables the report says were not moved, named (capped) and counted. They are not
   * `missing`: the backfill said so itself, and its verdict already counts them.
   */
  notMigrated?: { totals: { failed: number; skipped: number }; tables: NotMigratedTable[]; truncated: boolean };
}

/** What a migration records of its verification: the report, or why there is none. Plain JSON. */
export interface Verification {
  /** ok: DPMS serves what the source held; mismatch: it does not (see report); skipped: not compared (reason). */
  status: 'ok' | 'mismatch' | 'skipped';
  ok: boolean;
  checkedAt: string;
  /** The Thrift endpoint DPMS was read through. */
  endpoint?: string;
  /** Outgoing backfill: the report taken into account (absent when it could not be read; `note` says why). */
  reportPath?: string;
  /** cutover: the inventory recorded right before completeMigration; now: the source as it is at the check. */
  sourceFrom?: 'cutover' | 'now';
  /** Why the source was read now instead of the cutover record, or why nothing was compared. */
  note?: string;
  report?: VerificationReport;
  /**
   * Outgoing kind: the execution compared was ROLLED_BACK — the service is ACTIVE and serves from DPMS again, so
   * the target catalogs, whatever they still hold, are no longer what is served. `at`: when the rollback ended, as
   * the migration's workflow recorded it (the API keeps no time for it).
   */
  rolledBack?: { execution: string; at?: string };
}

/** One line for logs, notifications and the CLI. */
export function verificationSummary(report: VerificationReport): string {
  if (report.compared === 'lakehouse') return backfillVerificationSummary(report);
  const s = report.source;
  const d = report.dpms;
  const counts = `${s.databases}/${s.tables}/${s.partitions}/${s.functions} databases/tables/partitions/functions in the source, ${d.databases}/${d.tables}/${d.partitions}/${d.functions} in DPMS`;
  if (report.ok) return `verified: DPMS serves what the source held (${counts})`;
  const { missing, extra, differing } = report.totals;
  const first = report.differences
    .slice(0, 5)
    .map((x) => `${x.problem} ${x.kind} ${x.name}`)
    .join(', ');
  return `MISMATCH: ${missing} missing, ${extra} extra, ${differing} differing in DPMS (${counts}); first: ${first}`;
}

function backfillVerificationSummary(report: VerificationReport): string {
  const s = report.source;
  const t = report.dpms;
  const counts = `${s.databases}/${s.tables}/${s.partitions} databases/tables/partitions in DPMS, ${t.databases}/${t.tables}/${t.partitions} in the Lakehouse catalogs`;
  const notMoved = report.notMigrated;
  const reported =
    notMoved && notMoved.totals.failed + notMoved.totals.skipped > 0
      ? `; per the report ${notMoved.totals.failed} failed, ${notMoved.totals.skipped} skipped and not in the target` +
        ` (${notMoved.tables
          .slice(0, 5)
          .map((x) => x.name)
          .join(', ')}${notMoved.truncated || notMoved.tables.length > 5 ? ', …' : ''})`
      : '';
  if (report.ok) return `verified: the Lakehouse catalogs hold what the backfill moved (${counts})${reported}`;
  const { missing, differing } = report.totals;
  const first = report.differences
    .slice(0, 5)
    .map((x) => `${x.problem} ${x.kind} ${x.name}`)
    .join(', ');
  return `MISMATCH: ${missing} missing, ${differing} differing in the Lakehouse catalogs (${counts}); first: ${first}${reported}`;
}

export function verificationLine(verification: Verification): string {
  // A rollback is said first: whatever the comparison finds, the targets are not what the service serves.
  const rolledBack = verification.rolledBack ? `${rolledBackLine(verification.rolledBack)}; ` : '';
  if (verification.status === 'skipped') return `${rolledBack}not verified: ${verification.note ?? 'no reason given'}`;
  const line = verification.report ? verificationSummary(verification.report) : verification.status;
  const from = verification.sourceFrom === 'now' ? ' [source as read now]' : '';
  const compared = rolledBack ? `what they still hold: ${line}` : line;
  return `${rolledBack}${compared}${from}${verification.note ? ` (${verification.note})` : ''}`;
}

/** "ROLLED BACK: migration execution …/m1 was rolled back at T; …": what an engineer must know before any count. */
export function rolledBackLine({ execution, at }: { execution: string; at?: string }): string {
  return (
    `ROLLED BACK: migration execution ${execution} was rolled back${at ? ` at ${at}` : ''}; ` +
    'the service serves from DPMS again and the target catalogs are no longer served'
  );
}
