// Counters for GET /_emulator/stats, so a test or a rehearsal can assert "the workflow met N faults and
// still finished". Kinds are a canonical status name for an injected error (RESOURCE_EXHAUSTED, …),
// `latency`, `hang`, `neverFinish`, `failWith`, or a scheduled event's action (failExecution, serviceError…).

export interface StatsSnapshot {
  /** Requests received per REST method (faulted ones included). */
  requests: Record<string, number>;
  /** Fired request and operation faults per REST method. */
  faults: Record<string, number>;
  /** Every fired fault and scheduled event, by kind. */
  faultsByKind: Record<string, number>;
  /** The fault-rate RNG seed of this run. */
  seed: number;
}

/** One received REST request, for GET /_emulator/requests (reaction times, per-second rates). */
export interface RequestLogEntry {
  /** Epoch milliseconds when it arrived. */
  at: number;
  method: string;
  resource: string;
}

/** The log keeps the newest entries only: enough for a benchmark window, bounded for a year-long rehearsal. */
const REQUEST_LOG_LIMIT = 1_000_000;

export interface RequestLogQuery {
  since?: number;
  method?: string;
  /** Entries whose resource starts with this (e.g. `projects/p1/`). */
  resourcePrefix?: string;
}

export class Stats {
  private readonly requests: Record<string, number> = {};
  private log: RequestLogEntry[] = [];
  private readonly faults: Record<string, number> = {};
  private readonly byKind: Record<string, number> = {};

  constructor(public seed: number) {}

  countRequest(method: string, resource = ''): void {
    bump(this.requests, method);
    this.log.push({ at: Date.now(), method, resource });
    if (this.log.length > REQUEST_LOG_LIMIT * 1.1) this.log = this.log.slice(-REQUEST_LOG_LIMIT);
  }

  requestLog({ since = 0, method, resourcePrefix }: RequestLogQuery = {}): RequestLogEntry[] {
    return this.log.filter(
      (entry) =>
        entry.at >= since &&
        (method === undefined || entry.method === method) &&
        (resourcePrefix === undefined || entry.resource.startsWith(resourcePrefix)),
    );
  }

  /** One fired fault (counted once for its method) with each of its effects counted by kind. */
  countFault(method: string | undefined, kinds: readonly string[]): void {
    if (method !== undefined) bump(this.faults, method);
    for (const kind of kinds) bump(this.byKind, kind);
  }

  snapshot(): StatsSnapshot {
    return {
      requests: { ...this.requests },
      faults: { ...this.faults },
      faultsByKind: { ...this.byKind },
      seed: this.seed,
    };
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
