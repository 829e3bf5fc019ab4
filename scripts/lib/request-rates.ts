// API requests per second per Google project from the emulator's request log, to set beside the worker's per-project
// budget. A token bucket lets a burst through (its capacity) and then its rate, so one second can hold more than the
// rate without the budget being broken: the peak is taken over a window long enough for the burst to fade.
import type { RequestLogEntry } from '../../src/emulator/stats';

export interface ProjectRates {
  /** Projects that received any request in the span. */
  projects: number;
  /** The busiest project's requests per second over the whole span. */
  meanMax: number;
  /** The mean over projects of their requests per second over the span. */
  meanAll: number;
  /** The most requests one project received in any `windowSeconds` (aligned to whole seconds), per second. */
  peak: number;
  /** The project with that peak. */
  peakProject?: string;
  windowSeconds: number;
}

/** The project of a resource name (`projects/P/…`), or undefined for anything else. */
export function projectOf(resource: string): string | undefined {
  const [collection, project] = resource.split('/');
  return collection === 'projects' && project ? project : undefined;
}

export function projectRates(
  log: readonly RequestLogEntry[],
  from: number,
  to: number,
  windowSeconds = 10,
): ProjectRates {
  const spanSeconds = Math.max(1, (to - from) / 1000);
  const perSecond = new Map<string, Map<number, number>>();
  for (const entry of log) {
    if (entry.at < from || entry.at > to) continue;
    const project = projectOf(entry.resource);
    if (project === undefined) continue;
    const seconds = perSecond.get(project) ?? new Map<number, number>();
    const second = Math.floor(entry.at / 1000);
    seconds.set(second, (seconds.get(second) ?? 0) + 1);
    perSecond.set(project, seconds);
  }
  let peak = 0;
  let peakProject: string | undefined;
  let meanMax = 0;
  let total = 0;
  for (const [project, seconds] of perSecond) {
    let count = 0;
    for (const n of seconds.values()) count += n;
    total += count;
    meanMax = Math.max(meanMax, count / spanSeconds);
    // A sliding window of whole seconds over the seconds that saw requests (and the quiet ones between).
    const keys = [...seconds.keys()].sort((a, b) => a - b);
    let inWindow = 0;
    let tail = 0;
    for (const second of keys) {
      inWindow += seconds.get(second)!;
      while (keys[tail]! <= second - windowSeconds) inWindow -= seconds.get(keys[tail++]!)!;
      if (inWindow / windowSeconds > peak) {
        peak = inWindow / windowSeconds;
        peakProject = project;
      }
    }
  }
  const projects = perSecond.size;
  return {
    projects,
    meanMax,
    meanAll: projects ? total / projects / spanSeconds : 0,
    peak,
    peakProject,
    windowSeconds,
  };
}
