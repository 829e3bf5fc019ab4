// ListPartitions' `filter` is SQL-like text (`dt = '2026-01-01' AND hr = "00"`). The emulator evaluates the subset a
// verification needs — equality and inequality of partition keys with literals, joined by AND — and refuses the
// rest by name rather than returning every partition as if it had matched.
import { invalidArgument } from '../errors';

const TERM = /^\s*`?([A-Za-z_][A-Za-z0-9_]*)`?\s*(=|!=|<>)\s*(?:'((?:[^']|'')*)'|"([^"]*)"|(-?\d+(?:\.\d+)?))\s*$/;

/** A predicate over a partition's values (in key order); undefined filter = every partition. */
export function compilePartitionFilter(
  filter: string | undefined,
  keys: readonly string[],
): (values: readonly string[]) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const terms = filter.split(/\s+AND\s+/i).map((term) => {
    const match = TERM.exec(term);
    const index = match ? keys.findIndex((k) => k.toLowerCase() === (match[1] ?? '').toLowerCase()) : -1;
    if (!match || index === -1) {
      throw invalidArgument(
        `filter: unsupported expression "${term.trim()}"; the emulator supports KEY = 'VALUE' (or !=) joined by AND, KEY a partition key (${keys.join(', ') || 'none'}).`,
        'INVALID_FILTER',
        [{ field: 'filter', description: 'unsupported expression' }],
      );
    }
    const literal = match[3]?.replace(/''/g, "'") ?? match[4] ?? match[5] ?? '';
    const equal = match[2] === '=';
    return (values: readonly string[]) => (values[index] === literal) === equal;
  });
  return (values) => terms.every((test) => test(values));
}
