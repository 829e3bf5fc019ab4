// requestId idempotency: a repeat of the same requestId for the same method and resource within 60 minutes
// gets the original Operation back and changes nothing, so a client retrying after a timeout cannot start
// a second migration.
import { RequestIdSchema } from '../schemas/api';
import { fromZodError } from './errors';

export const REQUEST_ID_TTL_MS = 60 * 60 * 1000;

export interface Entry {
  operation: string;
  at: number;
}

export class RequestIdCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  /** Validates an optional requestId: a UUID, not all zeros; anything else is INVALID_ARGUMENT. */
  static parse(value: unknown, field = 'requestId'): string | undefined {
    if (value === undefined || value === '') return undefined;
    const parsed = RequestIdSchema.safeParse(value);
    if (!parsed.success) throw fromZodError(parsed.error, field);
    return parsed.data.toLowerCase();
  }

  /** The operation name first created for this request, if it was seen in the last 60 minutes. */
  lookup(method: string, resource: string, requestId: string | undefined): string | undefined {
    if (requestId === undefined) return undefined;
    const key = `${method} ${resource} ${requestId}`;
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at <= REQUEST_ID_TTL_MS) return entry.operation;
    this.entries.delete(key);
    return undefined;
  }

  remember(method: string, resource: string, requestId: string | undefined, operation: string): void {
    if (requestId === undefined) return;
    this.entries.set(`${method} ${resource} ${requestId}`, { operation, at: this.now() });
  }

  /** Unexpired entries as [key, entry] pairs, for the state file. */
  dump(): [string, Entry][] {
    const fresh = [...this.entries].filter(([, entry]) => this.now() - entry.at <= REQUEST_ID_TTL_MS);
    return structuredClone(fresh);
  }

  restore(entries: readonly [string, Entry][]): void {
    for (const [key, entry] of entries) this.entries.set(key, { ...entry });
  }
}
