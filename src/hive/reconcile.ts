// Compares two inventories by name: what the source held at cutover against what DPMS serves. The report lists
// missing (in the source, not in DPMS), extra (in DPMS only) and differing objects, capped, with exact totals.
import type { HiveInventory, TableInventory } from './inventory';
import type { Difference, VerificationReport } from '../migration/verification';
import { countInventory, entryOf, sortedNames } from './inventory';

export const DEFAULT_DIFFERENCE_CAP = 100;

export function reconcile(
  source: HiveInventory,
  dpms: HiveInventory,
  { cap = DEFAULT_DIFFERENCE_CAP, at = new Date().toISOString() }: { cap?: number; at?: string } = {},
): VerificationReport {
  const totals = { missing: 0, extra: 0, differing: 0 };
  const differences: Difference[] = [];
  const note = (difference: Difference) => {
    totals[difference.problem === 'differs' ? 'differing' : difference.problem] += 1;
    if (differences.length < cap) differences.push(difference);
  };
  for (const database of union(sortedNames(source.databases), sortedNames(dpms.databases))) {
    const ours = entryOf(source.databases, database);
    const theirs = entryOf(dpms.databases, database);
    if (!ours || !theirs) {
      // A whole database missing counts once, and so does each table and partition in it: the totals say how
      // much was lost, the list names the database first.
      const only = (ours ?? theirs) as Record<string, TableInventory>;
      const problem = ours ? 'missing' : 'extra';
      note({ kind: 'database', name: database, problem });
      for (const table of sortedNames(only)) notePresence(note, `${database}.${table}`, entryOf(only, table), problem);
      continue;
    }
    for (const table of union(sortedNames(ours), sortedNames(theirs))) {
      const name = `${database}.${table}`;
      const a = entryOf(ours, table);
      const b = entryOf(theirs, table);
      if (!a || !b) {
        notePresence(note, name, a ?? b, a ? 'missing' : 'extra');
        continue;
      }
      const detail = tableDifference(a, b);
      if (detail) note({ kind: 'table', name, problem: 'differs', detail });
      for (const [partition, problem] of sortedDiff(a.partitions, b.partitions)) {
        note({ kind: 'partition', name: `${name}/${partition}`, problem });
      }
    }
  }
  for (const [fn, problem] of sortedDiff(source.functions, dpms.functions)) {
    note({ kind: 'function', name: fn, problem });
  }
  const count = totals.missing + totals.extra + totals.differing;
  return {
    ok: count === 0,
    checkedAt: at,
    source: countInventory(source),
    dpms: countInventory(dpms),
    totals,
    differences,
    truncated: count > differences.length,
  };
}

function notePresence(
  note: (d: Difference) => void,
  name: string,
  table: TableInventory | undefined,
  problem: 'missing' | 'extra',
): void {
  note({ kind: 'table', name, problem });
  for (const partition of table?.partitions ?? []) note({ kind: 'partition', name: `${name}/${partition}`, problem });
}

function tableDifference(a: TableInventory, b: TableInventory): string | undefined {
  const parts: string[] = [];
  if (a.type !== b.type) parts.push(`type ${a.type} in the source, ${b.type} in DPMS`);
  const columns = listDifference('column', a.columns, b.columns);
  if (columns) parts.push(columns);
  const keys = listDifference('partition key', a.partitionKeys, b.partitionKeys);
  if (keys) parts.push(keys);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Ordered lists of 'name type': what is missing or extra, or that the order differs. */
function listDifference(what: string, source: string[], dpms: string[]): string | undefined {
  if (source.length === dpms.length && source.every((value, i) => value === dpms[i])) return undefined;
  const inDpms = new Set(dpms);
  const inSource = new Set(source);
  const missing = source.filter((value) => !inDpms.has(value));
  const extra = dpms.filter((value) => !inSource.has(value));
  const parts = [
    ...(missing.length > 0 ? [`${what}s missing in DPMS: ${missing.join(', ')}`] : []),
    ...(extra.length > 0 ? [`${what}s only in DPMS: ${extra.join(', ')}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : `${what} order differs`;
}

/** Merge of two sorted name lists: names in only one of them, in order. */
function sortedDiff(source: string[], dpms: string[]): [string, 'missing' | 'extra'][] {
  const out: [string, 'missing' | 'extra'][] = [];
  let i = 0;
  let j = 0;
  while (i < source.length || j < dpms.length) {
    const a = source[i];
    const b = dpms[j];
    if (b === undefined || (a !== undefined && a < b)) {
      out.push([a as string, 'missing']);
      i += 1;
    } else if (a === undefined || b < a) {
      out.push([b, 'extra']);
      j += 1;
    } else {
      i += 1;
      j += 1;
    }
  }
  return out;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
