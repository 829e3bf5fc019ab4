// Concurrency for the CLI's read-only fan-outs (rollout plan's location reads and member prechecks): at most `limit`
// at once, and at most `perKey` of one key (a project), so one project's members never crowd out the rest.

/**
 * `work` for every item in order, at most `limit` at once and at most `perKey` of one key at once: an item whose key
 * is full waits while later items of other keys go ahead. The first failure stops new work; the running items are
 * let finish before it is thrown, so none is left unobserved.
 */
export async function eachPaced<T>(
  items: readonly T[],
  key: (item: T) => string,
  limit: number,
  perKey: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const pending = [...items];
  const busy = new Map<string, number>();
  const running = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;
  for (;;) {
    while (!failure && running.size < limit) {
      const next = pending.findIndex((item) => (busy.get(key(item)) ?? 0) < perKey);
      if (next < 0) break;
      const [item] = pending.splice(next, 1) as [T];
      const k = key(item);
      busy.set(k, (busy.get(k) ?? 0) + 1);
      const run: Promise<void> = work(item)
        .catch((err: unknown) => {
          failure ??= { err };
        })
        .finally(() => {
          busy.set(k, (busy.get(k) ?? 1) - 1);
          running.delete(run);
        });
      running.add(run);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  if (failure) throw failure.err;
}
