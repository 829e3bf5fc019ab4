// Workers the demo, tests and benchmarks start talk to the local emulator, at the intervals their requests ask for
// (down to a tenth of a second): their floors are off. A production worker keeps its own (src/config: the
// METASTORE_MIGRATOR_MIN_*_SECONDS defaults; src/activities/min-intervals.ts).
export const EMULATOR_MIN_INTERVALS_ENV = {
  METASTORE_MIGRATOR_MIN_POLL_SECONDS: '0',
  METASTORE_MIGRATOR_MIN_FAST_POLL_SECONDS: '0',
  METASTORE_MIGRATOR_MIN_OPERATION_POLL_SECONDS: '0',
  METASTORE_MIGRATOR_MIN_SOURCE_CHECK_SECONDS: '0',
} as const;

/** The same for in-process workers (createActivities' minIntervals). */
export const NO_MIN_INTERVALS = { pollMs: 0, fastPollMs: 0, operationPollMs: 0, sourceCheckMs: 0 } as const;
