// Runs work (an activity) until a condition on workflow state becomes true, whichever comes first.
// The loser is cancelled so nothing is left pending: an activity gets a cancel request (heartbeat),
// a condition is dropped.
import { CancellationScope, condition } from '@temporalio/workflow';

export async function raceUntil<T>(
  work: () => Promise<T>,
  until: () => boolean,
): Promise<{ value: T } | 'interrupted'> {
  const workScope = new CancellationScope();
  const waitScope = new CancellationScope();
  const working = workScope.run(work).then((value) => ({ value }));
  const waiting = waitScope.run(() => condition(until)).then(() => 'interrupted' as const);
  try {
    return await Promise.race([working, waiting]);
  } finally {
    waitScope.cancel();
    workScope.cancel();
    // The loser rejects with a CancelledFailure that nobody needs to see.
    working.catch(() => undefined);
    waiting.catch(() => undefined);
  }
}
