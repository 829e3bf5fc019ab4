// The comparison behind an outgoing backfill's verification: every table DPMS serves in the migration's scope
// against what its target catalog holds, read together with the backfill's report.
//  - the report says FAILED: listed as failed (with its error), never as missing;
//  - SKIPPED (say conflictPolicy SKIP, or a table of the other kind): fine when the target holds a table of that
//    name (left as it was), listed as skipped when it does not;
//  - otherwise the table must be there: missing if not; a Hive table must hold the source's partitions less those
//    the report says failed; an Iceberg table must point at the source's metadata_location;
//  - per Hive database, the summary's partitionSuccessCount must match what the catalog holds of its moved tables.
// Tables the target holds beyond the source's are not the backfill's business (a target may be shared) and are
// not counted as extra.
import type { InventoryCounts, Difference, NotMigratedTable, VerificationReport } from '../migration/verification';
import type { MigrationReport, TableReport } from '../migration/migration-summary';
import { ERROR_MESSAGE_CHARS } from '../migration/backfill-report';
import type { ExpectedTable } from './backfill-scope';
import type { TargetContents, TargetTable } from './read-targets';
import type { TableInventory } from '../hive/inventory';

export const DEFAULT_CAP = 100;

export function compareBackfill(
  expected: readonly ExpectedTable[],
  target: TargetContents,
  report: MigrationReport | undefined,
  { cap = DEFAULT_CAP, at = new Date().toISOString() }: { cap?: number; at?: string } = {},
): VerificationReport {
  const reports = tableReports(report);
  const totals = { missing: 0, extra: 0, differing: 0 };
  const differences: Difference[] = [];
  const note = (difference: Difference) => {
    totals[difference.problem === 'differs' ? 'differing' : difference.problem] += 1;
    if (differences.length < cap) differences.push(difference);
  };
  const notMoved: NotMigratedTable[] = [];
  const notMovedTotals = { failed: 0, skipped: 0 };
  const notMigrated = (entry: NotMigratedTable) => {
    notMovedTotals[entry.result === 'FAILED' ? 'failed' : 'skipped'] += 1;
    if (notMoved.length < cap) notMoved.push(entry);
  };
  const source: InventoryCounts = { databases: 0, tables: 0, partitions: 0, columns: 0, functions: 0 };
  const held: InventoryCounts = { databases: 0, tables: 0, partitions: 0, columns: 0, functions: 0 };
  const sourceDatabases = new Set<string>();
  const heldDatabases = new Set<string>();
  const missingDatabases = new Set<string>();
  /** Per Hive catalog|database: partitions held by the tables the report says SUCCEEDED. */
  const movedPartitions = new Map<string, number>();

  for (const table of expected) {
    const name = `${table.database}.${table.table}`;
    const where = `${table.kind}|${table.catalog}|${table.database}`;
    sourceDatabases.add(where);
    source.tables += 1;
    source.partitions += table.source.partitions.length;
    source.columns += table.source.columns.length;
    const database = target.get(table.catalog)?.get(table.database);
    const present = database?.get(table.table);
    if (database) heldDatabases.add(where);
    if (present) {
      held.tables += 1;
      held.partitions += present.partitions ?? 0;
    }
    const reported =
      reports.get(`${table.catalog}|${table.database}|${table.table}`) ??
      reports.get(`${table.kind}|${table.database}|${table.table}`);
    const result = reported?.executionResult?.state;
    if (result === 'FAILED') {
      notMigrated({
        name,
        catalog: table.catalog,
        result: 'FAILED',
        ...message(reported?.executionResult?.errorMessage),
      });
      continue;
    }
    if (result === 'SKIPPED') {
      if (!present)
        notMigrated({ name, catalog: table.catalog, result: 'SKIPPED', ...message(reported?.executionPlan?.reason) });
      continue;
    }
    if (!present) {
      if (!database && !missingDatabases.has(where)) {
        missingDatabases.add(where);
        note({ kind: 'database', name: table.database, problem: 'missing', detail: `not in ${table.catalog}` });
      }
      note({ kind: 'table', name, problem: 'missing', detail: `not in ${table.catalog}` });
      continue;
    }
    if (table.kind === 'HIVE') {
      // One entry per table, however many ways it differs.
      const details = [shapeDifference(table.source, present)];
      const failed = reported?.partitionReport?.partitionFailedCount ?? 0;
      const want = table.source.partitions.length - failed;
      const have = present.partitions ?? 0;
      if (have !== want) {
        const why =
          failed > 0
            ? `${table.source.partitions.length} in DPMS less ${failed} the report says failed`
            : `${want} in DPMS`;
        details.push(`partitions: ${why}, ${have} in ${table.catalog}`);
      }
      const detail = details.filter((d) => d !== undefined).join('; ');
      if (detail) note({ kind: 'table', name, problem: 'differs', detail });
      if (result === 'SUCCEEDED') movedPartitions.set(where, (movedPartitions.get(where) ?? 0) + have);
    } else {
      const want = table.source.parameters?.['metadata_location'];
      if (want !== undefined && present.metadataLocation !== want) {
        const have = present.metadataLocation ?? 'none';
        note({
          kind: 'table',
          name,
          problem: 'differs',
          detail: `metadata location ${want} in DPMS, ${have} in ${table.catalog}`,
        });
      }
    }
  }
  for (const difference of summaryDifferences(report, movedPartitions)) note(difference);
  source.databases = sourceDatabases.size;
  held.databases = heldDatabases.size;
  const count = totals.missing + totals.extra + totals.differing;
  return {
    ok: count === 0,
    compared: 'lakehouse',
    checkedAt: at,
    source,
    dpms: held,
    totals,
    differences,
    truncated: count > differences.length,
    notMigrated: {
      totals: notMovedTotals,
      tables: notMoved,
      truncated: notMovedTotals.failed + notMovedTotals.skipped > notMoved.length,
    },
  };
}

/** Column and partition key names, in order ('id bigint' in DPMS is 'id' here: types are BigLake's to spell). */
function shapeDifference(source: TableInventory, held: TargetTable): string | undefined {
  const parts: string[] = [];
  const names = (list: string[]) => list.map((entry) => entry.slice(0, entry.indexOf(' ')).toLowerCase());
  const differs = (a: string[], b: string[]) => a.length !== b.length || a.some((x, i) => x !== b[i]);
  const columns = names(source.columns);
  const heldColumns = (held.columns ?? []).map((c) => c.toLowerCase());
  if (held.columns && differs(columns, heldColumns)) {
    parts.push(`columns (${columns.join(', ')}) in DPMS, (${heldColumns.join(', ')}) in the catalog`);
  }
  const keys = names(source.partitionKeys);
  const heldKeys = (held.partitionKeys ?? []).map((k) => k.toLowerCase());
  if (held.partitionKeys && differs(keys, heldKeys)) {
    parts.push(`partition keys (${keys.join(', ')}) in DPMS, (${heldKeys.join(', ')}) in the catalog`);
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function message(text: string | undefined): { message?: string } {
  if (text === undefined) return {};
  return { message: text.length > ERROR_MESSAGE_CHARS ? `${text.slice(0, ERROR_MESSAGE_CHARS - 1)}…` : text };
}

/**
 * The report's table entries by catalog|database|table, and by catalogType|database|table: the report may name a
 * catalog by project number where the config named it by project id (R4 allows both).
 */
function tableReports(report: MigrationReport | undefined): Map<string, TableReport> {
  const byName = new Map<string, TableReport>();
  for (const catalog of report?.catalogReports ?? []) {
    for (const [dbKey, db] of Object.entries(catalog.databaseReports ?? {})) {
      for (const [tableKey, table] of Object.entries(db.tableReports ?? {})) {
        const where = `${db.database ?? dbKey}|${table.table ?? tableKey}`;
        byName.set(`${catalog.catalog ?? ''}|${where}`, table);
        if (catalog.catalogType) byName.set(`${catalog.catalogType}|${where}`, table);
      }
    }
  }
  return byName;
}

/** A Hive database whose summary counts more (or fewer) partitions moved than its catalog holds. */
function summaryDifferences(report: MigrationReport | undefined, moved: Map<string, number>): Difference[] {
  const out: Difference[] = [];
  for (const catalog of report?.summary?.catalogSummaries ?? []) {
    if (catalog.catalogType !== 'HIVE') continue;
    for (const db of catalog.databaseSummaries ?? []) {
      const where = `HIVE|${catalog.catalog ?? ''}|${db.database ?? ''}`;
      const have = moved.get(where);
      const said = db.tableSummary?.partitionSuccessCount ?? 0;
      // Only databases whose tables were read: one out of scope or unreadable says nothing here.
      if (have === undefined || have === said) continue;
      out.push({
        kind: 'database',
        name: db.database ?? '?',
        problem: 'differs',
        detail: `the migration summary counts ${said} partitions moved, ${catalog.catalog} holds ${have} of its moved tables`,
      });
    }
  }
  return out;
}
