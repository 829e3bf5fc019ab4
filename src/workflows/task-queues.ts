// Which activities run on the poll queue (pollTaskQueue(base), served by the worker's poll worker with its own
// slots): the waits that hold no slot between attempts. The workflow schedules them there and the worker registers
// exactly these on its poll worker, from this one list.
import type { Activities } from '../activities';

export const POLL_QUEUE_ACTIVITIES = [
  'pollMigrationChange',
  'watchSourceHealth',
] as const satisfies readonly (keyof Activities)[];
export type PollQueueActivity = (typeof POLL_QUEUE_ACTIVITIES)[number];
