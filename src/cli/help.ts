// A flag's value that must be one of a list (--stage, --state): the usage error names the nearest one. The help
// itself is commander's, from the table in spec.ts.
import { nearestKey } from '../schemas';
import { UsageError } from './errors';

/** A flag taking one of `known` values: anything else is a usage error listing them, with the nearest one. */
export function enumFlag(flag: string, value: string, known: readonly string[]): string {
  if (known.includes(value)) return value;
  const nearest = nearestKey(value, known);
  const hint = nearest ? ` (did you mean ${nearest}?)` : '';
  throw new UsageError(`--${flag}: unknown value ${JSON.stringify(value)}${hint}; expected one of ${known.join(', ')}`);
}
