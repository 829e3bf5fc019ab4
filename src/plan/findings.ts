// One finding of a precheck or plan. Plain JSON, no imports: workflows, activities and the CLI share it.

/** `skipped`: the check could not run here (e.g. the source is not reachable from the worker), with why. */
export type FindingLevel = 'ok' | 'warning' | 'error' | 'skipped';

export interface Finding {
  /** Stable id, e.g. 'service.state', 'permissions', 'source.reachable', 'cdc.binlogFormat'. */
  check: string;
  level: FindingLevel;
  /** For an engineer; never contains a secret. */
  message: string;
}
