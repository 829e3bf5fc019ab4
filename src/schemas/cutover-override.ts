// Cutover checks accepted by name, as `complete --override` takes them, in a manifest wave's `override` and a bulk
// decision's member: only the gate's own check ids — a misspelt one would block the cutover it was meant to let
// through.
import { z } from 'zod';
import { CUTOVER_CHECKS } from '../migration/cutover';
import { expected } from './field-rules';

const CUTOVER_CHECK_SET: ReadonlySet<string> = new Set(CUTOVER_CHECKS);

export const CutoverOverrideSchema = z
  .array(
    z
      .string({ error: expected('a cutover check id such as workloads.moved') })
      .refine(
        (check) => CUTOVER_CHECK_SET.has(check),
        `is not a cutover check; the gate's checks are ${CUTOVER_CHECKS.join(', ')}`,
      ),
    { error: expected('a list of cutover check ids') },
  )
  .max(50, 'at most 50 overrides');
