// Response enums are open: see vocabulary.ts. Requests are still checked against the known values.
import { z } from 'zod';
import type { OpenEnum } from '../migration/vocabulary';

/**
 * A response enum: the known values, or any other string kept as is (a number, proto's ordinal, as its digits).
 * `_known` only types the result: at run time every value is accepted.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(_known: T) {
  return z.union([z.string(), z.number().int()]).transform((value) => String(value) as OpenEnum<T[number]>);
}
