// MetastoreClient: one method per REST method of the Dataproc Metastore API that this tool uses.
// Every response is parsed with zod; every failure becomes one of the typed errors in ./errors.
import type { AuthClient } from 'google-auth-library';
import type { GaxiosOptions } from 'gaxios';
import { ZodError } from 'zod';
import type { z } from 'zod';
import {
  ApiErrorBodySchema,
  ListMigrationExecutionsResponseSchema,
  ListServicesResponseSchema,
  MigrationExecutionSchema,
  OperationSchema,
  ServiceSchema,
  TestIamPermissionsSchema,
} from '../schemas';
import type { ApiVersion, MigrationExecution, Operation, Service, StartMigrationRequest } from '../schemas';
import { resourcePathProblem } from '../migration/names';
import { biglakeStartMigrationBody } from './biglake-start';
import type { BiglakeStartInput } from './biglake-start';
import type { BudgetGate } from './budget';
import { MetastoreApiError, MetastoreContractError, MetastoreOperationError, noResponseError } from './errors';

export interface MetastoreClientOptions {
  baseUrl: string;
  authClient: Pick<AuthClient, 'request'>;
  apiVersion?: ApiVersion;
  /** Per-request timeout; a timeout surfaces as DEADLINE_EXCEEDED. */
  timeoutMs?: number;
  /** Asked before every call (the fleet's per-project API budget); told about every 429. */
  budget?: BudgetGate;
  /** Told about every call that reached the API (metrics); not about calls the budget turned away. */
  observe?: (call: ApiCallObservation) => void;
}

export interface ApiCallObservation {
  /** The REST method, e.g. `services.migrationExecutions.get`. */
  method: string;
  /** `OK`, the API's error status (`UNAVAILABLE`, …), or `CONTRACT` for a response that did not parse. */
  status: string;
  seconds: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ListParams {
  pageSize?: number;
  pageToken?: string;
  filter?: string;
  orderBy?: string;
}

export interface AwaitOperationOptions extends CallOptions {
  pollIntervalMs?: number;
  /** Called after every read of the operation (the activity heartbeats here). */
  onPoll?: (operation: Operation) => void;
}

interface Call<S extends z.ZodType> extends CallOptions {
  method: string;
  verb: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  resource: string;
  path: string;
  schema: S;
  params?: Record<string, string | number | undefined>;
  data?: unknown;
}

export class MetastoreClient {
  readonly apiVersion: ApiVersion;
  private readonly baseUrl: string;
  private readonly authClient: Pick<AuthClient, 'request'>;
  private readonly timeoutMs: number;
  private readonly budget?: BudgetGate;
  private readonly observe?: (call: ApiCallObservation) => void;

  constructor(options: MetastoreClientOptions) {
    this.budget = options.budget;
    this.observe = options.observe;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authClient = options.authClient;
    this.apiVersion = options.apiVersion ?? 'v1';
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** `GET /v1/{name}` — services.get. */
  getService(name: string, options: CallOptions = {}): Promise<Service> {
    return this.call({
      ...options,
      method: 'services.get',
      verb: 'GET',
      resource: name,
      path: name,
      schema: ServiceSchema,
    });
  }

  /** `GET /v1/{parent}/services` — services.list (one page). */
  listServices(parent: string, params: ListParams = {}, options: CallOptions = {}) {
    return this.call({
      ...options,
      method: 'services.list',
      verb: 'GET',
      resource: parent,
      path: `${parent}/services`,
      params: { ...params },
      schema: ListServicesResponseSchema,
    });
  }

  /** `PATCH /v1/{name}?updateMask=…&requestId=…` — services.patch; only the masked paths change. */
  patchService(
    name: string,
    service: Partial<Service>,
    updateMask: readonly string[],
    requestId?: string,
    options: CallOptions = {},
  ): Promise<Operation> {
    return this.call({
      ...options,
      method: 'services.patch',
      verb: 'PATCH',
      resource: name,
      path: name,
      params: { updateMask: updateMask.join(','), requestId },
      data: service,
      schema: OperationSchema,
    });
  }

  /** `POST /v1/{service}:startMigration` — the body carries plaintext passwords; it is never logged. */
  startMigration(service: string, request: StartMigrationRequest, options: CallOptions = {}): Promise<Operation> {
    return this.call({
      ...options,
      method: 'services.startMigration',
      verb: 'POST',
      resource: service,
      path: `${service}:startMigration`,
      data: request,
      schema: OperationSchema,
    });
  }

  /**
   * `POST /v1/{service}:startMigration` for the outgoing kind (biglakeMetastoreMigrationConfig): the body is built
   * and checked against the contract at this client's API version first; a bad one is refused before anything is
   * sent (biglakeStartMigrationBody).
   */
  async startBiglakeMigration(
    service: string,
    input: BiglakeStartInput,
    options: CallOptions = {},
  ): Promise<Operation> {
    const body = biglakeStartMigrationBody(input, this.apiVersion, service);
    return this.call({
      ...options,
      method: 'services.startMigration',
      verb: 'POST',
      resource: service,
      path: `${service}:startMigration`,
      data: body,
      schema: OperationSchema,
    });
  }

  /** `POST /v1/{service}:completeMigration` with an empty body — begins CUTOVER. */
  completeMigration(service: string, options: CallOptions = {}): Promise<Operation> {
    return this.postVerb('services.completeMigration', service, 'completeMigration', options);
  }

  /** `POST /v1/{service}:cancelMigration` with an empty body. */
  cancelMigration(service: string, options: CallOptions = {}): Promise<Operation> {
    return this.postVerb('services.cancelMigration', service, 'cancelMigration', options);
  }

  /** `GET /v1/{name}` — services.migrationExecutions.get. */
  getMigrationExecution(name: string, options: CallOptions = {}): Promise<MigrationExecution> {
    return this.call({
      ...options,
      method: 'services.migrationExecutions.get',
      verb: 'GET',
      resource: name,
      path: name,
      schema: MigrationExecutionSchema,
    });
  }

  /** `GET /v1/{service}/migrationExecutions` — one page; see listAllMigrationExecutions. */
  listMigrationExecutions(service: string, params: ListParams = {}, options: CallOptions = {}) {
    return this.call({
      ...options,
      method: 'services.migrationExecutions.list',
      verb: 'GET',
      resource: service,
      path: `${service}/migrationExecutions`,
      params: { ...params },
      schema: ListMigrationExecutionsResponseSchema,
    });
  }

  /**
   * Follows nextPageToken until the last page, at most MAX_LIST_PAGES of them: a server that never stops handing out
   * tokens breaks the contract (ContractViolation) rather than keeping an activity reading forever.
   */
  async listAllMigrationExecutions(
    service: string,
    params: Omit<ListParams, 'pageToken'> = {},
    options: CallOptions = {},
  ) {
    const all: MigrationExecution[] = [];
    let pageToken: string | undefined;
    for (let pages = 0; ; pages++) {
      if (pages === MAX_LIST_PAGES) {
        const issue = {
          code: 'custom' as const,
          path: ['nextPageToken'],
          message: `still set after ${pages} pages`,
          input: pageToken,
        };
        throw new MetastoreContractError('services.migrationExecutions.list', new ZodError([issue]));
      }
      const page = await this.listMigrationExecutions(service, { ...params, pageToken }, options);
      all.push(...(page.migrationExecutions ?? []));
      pageToken = page.nextPageToken || undefined;
      if (!pageToken) return all;
    }
  }

  /** `DELETE /v1/{name}?requestId=…` — services.migrationExecutions.delete. */
  deleteMigrationExecution(name: string, requestId?: string, options: CallOptions = {}): Promise<Operation> {
    return this.call({
      ...options,
      method: 'services.migrationExecutions.delete',
      verb: 'DELETE',
      resource: name,
      path: name,
      params: { requestId },
      schema: OperationSchema,
    });
  }

  /** `POST /v1/{resource}:testIamPermissions` — the subset of `permissions` the caller holds. */
  async testIamPermissions(resource: string, permissions: readonly string[], options: CallOptions = {}) {
    const held = await this.call({
      ...options,
      method: 'services.testIamPermissions',
      verb: 'POST',
      resource,
      path: `${resource}:testIamPermissions`,
      data: { permissions },
      schema: TestIamPermissionsSchema,
    });
    return held.permissions ?? [];
  }

  /** `GET /v1/{name}` — operations.get. */
  getOperation(name: string, options: CallOptions = {}): Promise<Operation> {
    return this.call({
      ...options,
      method: 'operations.get',
      verb: 'GET',
      resource: name,
      path: name,
      schema: OperationSchema,
    });
  }

  /**
   * Reads the operation until it is done. Returns it on success; throws MetastoreOperationError when it
   * finished with an error. Abort via `signal` (an activity's cancellation signal).
   */
  async awaitOperation(name: string, options: AwaitOperationOptions = {}): Promise<Operation> {
    const pollIntervalMs = options.pollIntervalMs ?? 2000;
    for (;;) {
      const operation = await this.getOperation(name, options);
      options.onPoll?.(operation);
      if (operation.done) return succeeded(operation);
      await abortableDelay(pollIntervalMs, options.signal);
    }
  }

  private postVerb(method: string, service: string, verb: string, options: CallOptions): Promise<Operation> {
    return this.call({
      ...options,
      method,
      verb: 'POST',
      resource: service,
      path: `${service}:${verb}`,
      data: {},
      schema: OperationSchema,
    });
  }

  private async call<S extends z.ZodType>(call: Call<S>): Promise<z.infer<S>> {
    const problem = resourcePathProblem(call.path);
    if (problem) {
      // Refused before anything is sent (nothing reaches the budget or the API): the name came from the caller.
      const message = `refused before sending: ${problem}`;
      throw new MetastoreApiError({
        httpStatus: 0,
        status: 'INVALID_ARGUMENT',
        message,
        method: call.method,
        resource: call.resource,
      });
    }
    const request: GaxiosOptions = {
      url: `${this.baseUrl}/${this.apiVersion}/${call.path}`,
      method: call.verb,
      params: definedOnly(call.params),
      data: call.data,
      headers: call.data === undefined ? undefined : { 'content-type': 'application/json' },
      timeout: this.timeoutMs,
      signal: call.signal,
      // The activity retry policy is the one retry loop; gaxios must not retry on its own.
      retry: false,
      responseType: 'json',
    };
    await this.budget?.take(call.resource, call.method);
    const began = performance.now();
    const observed = (status: string) =>
      this.observe?.({ method: call.method, status, seconds: (performance.now() - began) / 1000 });
    let body: unknown;
    try {
      body = (await this.authClient.request(request)).data;
    } catch (err) {
      const apiError = toApiError(withoutRequestBody(err), call);
      observed(apiError instanceof MetastoreApiError ? apiError.status : 'UNKNOWN');
      if (apiError instanceof MetastoreApiError && apiError.status === 'RESOURCE_EXHAUSTED') {
        this.budget?.throttled(call.resource, apiError.retryAfterMs ?? 1000);
      }
      throw apiError;
    }
    const parsed = call.schema.safeParse(body);
    observed(parsed.success ? 'OK' : 'CONTRACT');
    if (!parsed.success) throw new MetastoreContractError(call.method, parsed.error);
    return parsed.data;
  }
}

/** A done operation, or its `error` as a MetastoreOperationError. */
export function succeeded(operation: Operation): Operation {
  if (!operation.error) return operation;
  throw new MetastoreOperationError({
    code: operation.error.code,
    message: operation.error.message,
    operation: operation.name,
    target: operation.metadata?.target,
  });
}

function definedOnly(params?: Record<string, string | number | undefined>) {
  if (!params) return undefined;
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined && value !== ''));
}

interface RequestConfig {
  data?: unknown;
  body?: unknown;
}

interface HttpishError {
  name?: string;
  code?: string;
  message?: string;
  cause?: { name?: string };
  config?: RequestConfig;
  response?: { status: number; data?: unknown; headers?: Headers | Record<string, string>; config?: RequestConfig };
}

/** A GaxiosError keeps copies of the request config; the startMigration body holds plaintext passwords. */
function withoutRequestBody(err: unknown): unknown {
  const e = err as HttpishError | undefined;
  for (const config of [e?.config, e?.response?.config]) {
    if (config) {
      delete config.data;
      delete config.body;
    }
  }
  return err;
}

/** GaxiosError → MetastoreApiError. Abort by the caller is passed through untouched. */
function toApiError(err: unknown, call: Call<z.ZodType>): unknown {
  if (call.signal?.aborted) return err;
  const e = err as HttpishError;
  const base = { method: call.method, resource: call.resource, cause: err };
  // The caller's own abort returned above, so an abort here is our timeout signal.
  if (!e.response) return noResponseError(e, base);
  const parsed = ApiErrorBodySchema.safeParse(e.response.data);
  const httpStatus = e.response.status;
  return new MetastoreApiError({
    ...base,
    httpStatus,
    status: parsed.success && parsed.data.error.status ? parsed.data.error.status : statusFromHttp(httpStatus),
    message: parsed.success ? parsed.data.error.message : `HTTP ${httpStatus} without a google.rpc.Status body`,
    retryAfterMs: retryAfter(e.response.headers),
  });
}

/** Canonical status for a bare HTTP code (AIP-193's mapping), used when the body is not a google.rpc error. */
export function statusFromHttp(httpStatus: number): string {
  const table: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    409: 'ABORTED',
    429: 'RESOURCE_EXHAUSTED',
    499: 'CANCELLED',
    501: 'UNIMPLEMENTED',
    503: 'UNAVAILABLE',
    504: 'DEADLINE_EXCEEDED',
  };
  return table[httpStatus] ?? (httpStatus >= 500 ? 'INTERNAL' : 'UNKNOWN');
}

/**
 * Retry-After is honoured up to this: a server (or something posing as one) answering "come back in a year" must
 * not park a migration's polls, or a whole project's API budget, for longer than a few minutes.
 */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** A service has a handful of migration executions: no listing of them needs more pages than this. */
export const MAX_LIST_PAGES = 100;

function retryAfter(headers?: Headers | Record<string, string>): number | undefined {
  // gaxios on Node hands back node-fetch's Headers, which is not an instance of the global Headers.
  const value = isHeaders(headers) ? headers.get('retry-after') : headers?.['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  const date = Number.isFinite(seconds) ? undefined : Date.parse(value);
  const ms = date === undefined ? seconds * 1000 : Number.isNaN(date) ? undefined : date - Date.now();
  return ms === undefined ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

function isHeaders(headers?: Headers | Record<string, string>): headers is Headers {
  return typeof headers?.get === 'function';
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
