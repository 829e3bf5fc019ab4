// One GET against a Lakehouse surface: bounded in flight, timed out, parsed with zod, and failed the Metastore
// client's way (MetastoreApiError with the API's status and message, MetastoreContractError for a body that does
// not match) so src/activities/failures.ts classifies both APIs alike. BigLake's own methods answer errors as
// google.rpc; the Iceberg REST catalog as the spec's ErrorModel.
import type { GaxiosOptions } from 'gaxios';
import { ZodError } from 'zod';
import type { z } from 'zod';
import { statusFromHttp } from '../metastore/client';
import { MetastoreApiError, MetastoreContractError, noResponseError } from '../metastore/errors';
import { ApiErrorBodySchema } from '../schemas/api';
import { IcebergErrorBodySchema } from '../schemas/lakehouse-catalogs';
import type { LakehouseTarget } from './target';

export interface LakehouseHttpOptions {
  target: LakehouseTarget;
  /** Per request; a timeout surfaces as DEADLINE_EXCEEDED. */
  timeoutMs?: number;
  /** Requests in flight at once, however many reads a verification fans out. */
  concurrency?: number;
}

export interface LakehouseGet<S extends z.ZodType> {
  /** For errors and logs, e.g. `hive.tables.list`. */
  method: string;
  /** The resource named in errors. */
  resource: string;
  /** Path below the base URL, segments already encoded. */
  path: string;
  params?: Record<string, string | number | undefined>;
  schema: S;
  signal?: AbortSignal;
}

/** A listing that never ends is a broken contract, not a reason to read forever. */
export const MAX_PAGES = 10_000;

export class LakehouseHttp {
  private readonly target: LakehouseTarget;
  private readonly timeoutMs: number;
  private readonly slots: Limiter;

  constructor({ target, timeoutMs = 30_000, concurrency = 8 }: LakehouseHttpOptions) {
    this.target = target;
    this.timeoutMs = timeoutMs;
    this.slots = new Limiter(concurrency);
  }

  async get<S extends z.ZodType>(call: LakehouseGet<S>): Promise<z.infer<S>> {
    const request: GaxiosOptions = {
      url: `${this.target.baseUrl.replace(/\/+$/, '')}/${call.path}`,
      method: 'GET',
      params: definedOnly(call.params),
      timeout: this.timeoutMs,
      signal: call.signal,
      // The activity's retry policy is the one retry loop.
      retry: false,
      responseType: 'json',
    };
    let body: unknown;
    try {
      body = (await this.slots.run(() => this.target.authClient.request(request))).data;
    } catch (err) {
      if (call.signal?.aborted) throw err;
      throw apiError(err, call);
    }
    const parsed = call.schema.safeParse(body);
    if (!parsed.success) throw new MetastoreContractError(call.method, parsed.error);
    return parsed.data;
  }

  /** Every page of a listing (or enough for the `first` items), following the page token until there is none. */
  async all<S extends z.ZodType, T>(
    call: LakehouseGet<S>,
    read: (page: z.infer<S>) => { items: T[]; next?: string | null },
    { tokenParam = 'pageToken', first }: { tokenParam?: string; first?: number } = {},
  ): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (let pages = 0; ; pages++) {
      const page = read(await this.get({ ...call, params: { ...call.params, [tokenParam]: token } }));
      items.push(...page.items);
      token = page.next || undefined;
      if (!token || (first !== undefined && items.length >= first)) return items;
      if (seen.has(token) || pages + 1 >= MAX_PAGES) {
        const issue = {
          code: 'custom' as const,
          path: ['nextPageToken'],
          message: 'the listing does not end',
          input: token,
        };
        throw new MetastoreContractError(call.method, new ZodError([issue]));
      }
      seen.add(token);
    }
  }
}

/** At most `size` tasks running; the rest wait their turn in order. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.size) this.running += 1;
    // A finishing task hands its slot straight to the next in line, so a newcomer can never slip in between.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/** Runs `work` over `items` with at most `concurrency` at once; results in the items' order. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

function definedOnly(params?: Record<string, string | number | undefined>) {
  if (!params) return undefined;
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined && value !== ''));
}

interface HttpishError {
  name?: string;
  code?: string;
  message?: string;
  cause?: { name?: string };
  response?: { status: number; data?: unknown };
}

function apiError(err: unknown, call: LakehouseGet<z.ZodType>): MetastoreApiError {
  const e = err as HttpishError;
  const base = { method: call.method, resource: call.resource, cause: err };
  if (!e.response) return noResponseError(e, base);
  const httpStatus = e.response.status;
  // Both shapes carry {error: {code, message}}; google.rpc adds the status name, the Iceberg spec the exception type.
  const google = ApiErrorBodySchema.safeParse(e.response.data);
  if (google.success && google.data.error.status) {
    return new MetastoreApiError({
      ...base,
      httpStatus,
      status: google.data.error.status,
      message: google.data.error.message,
    });
  }
  const iceberg = IcebergErrorBodySchema.safeParse(e.response.data);
  const message = iceberg.success
    ? `${iceberg.data.error.type ? `${iceberg.data.error.type}: ` : ''}${iceberg.data.error.message}`
    : `HTTP ${httpStatus} without an error body`;
  return new MetastoreApiError({ ...base, httpStatus, status: statusFromHttp(httpStatus), message });
}
