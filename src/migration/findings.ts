// One finding of a check (a precheck, a source check, a cutover check): plain JSON, so activities, workflows and
// the CLI can all pass it on. The source's own checks (src/source/) never report `skipped`.

/** `skipped`: the check could not run here (e.g. the source is not reachable from the worker); the message says why. */
export type FindingLevel = 'error' | 'warning' | 'ok' | 'skipped';

export interface Finding {
  /**
   * Stable id, e.g. 'service.state', 'hive.reachable', 'cdc.binlogFormat', 'workloads.moved': what an engineer
   * names to override it.
   */
  check: string;
  level: FindingLevel;
  /** For an engineer; never contains a password. */
  message: string;
}
