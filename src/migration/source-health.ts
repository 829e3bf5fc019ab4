// Source health while replicating, as pure functions over the state: the status of a set of findings, the levels
// a read is compared with, and applying a read (what changed, with its time). The watch itself is in
// src/workflows/source-health-watch.ts.
import type { Finding } from './findings';
import type { SourceHealthChange, SourceHealthRead, SourceHealthStatus } from './source';
import type { MigrationState } from './state';

const MAX_CHANGES = 50;

/** ERROR when a check fails, WARN when one warns or could not run (skipped), else OK. */
export function healthStatus(findings: readonly Finding[]): SourceHealthStatus {
  if (findings.some((f) => f.level === 'error')) return 'ERROR';
  if (findings.some((f) => f.level === 'warning' || f.level === 'skipped')) return 'WARN';
  return 'OK';
}

/** The source checks' levels in the plan the start was decided on (overridden errors as the errors they were). */
export function planLevels(state: MigrationState): Record<string, string> {
  const plan = state.plan;
  if (!plan) return {};
  const source = plan.findings.filter((f) => /^(hive|cdc)\./.test(f.check));
  return Object.fromEntries(source.map((f) => [f.check, plan.overridden.includes(f.check) ? 'error' : f.level]));
}

/** The levels the next read is compared with: the last read's, or at first the plan's. */
export function lastLevels(state: MigrationState): Record<string, string> {
  return state.sourceHealth?.levels ?? planLevels(state);
}

/**
 * Applies a read and returns what changed against the last levels. A check not seen before counts only when it
 * is not ok (the first read adds checks the plan does not have, such as hive.schemaUnchanged).
 */
export function applyHealth(state: MigrationState, read: SourceHealthRead): SourceHealthChange[] {
  const before = state.sourceHealth;
  const previous = lastLevels(state);
  const levels = Object.fromEntries(read.findings.map((f) => [f.check, f.level]));
  const changes: SourceHealthChange[] = [];
  for (const f of read.findings) {
    const from = previous[f.check];
    if (from === f.level || (from === undefined && f.level === 'ok')) continue;
    changes.push({
      check: f.check,
      ...(from !== undefined && { from }),
      to: f.level,
      at: read.checkedAt,
      message: f.message,
    });
  }
  for (const [check, from] of Object.entries(previous)) {
    if (!(check in levels))
      changes.push({ check, from, to: 'gone', at: read.checkedAt, message: 'no longer reported' });
  }
  state.sourceHealth = {
    status: healthStatus(read.findings),
    checkedAt: read.checkedAt,
    levels,
    changes: [...(before?.changes ?? []), ...changes].slice(-MAX_CHANGES),
  };
  return changes;
}
