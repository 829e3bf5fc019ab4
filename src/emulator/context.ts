// What a REST handler receives, and the body helpers every handler uses.
import { z } from 'zod';
import type { ApiVersion } from '../schemas/api';
import type { Caller } from './auth';
import type { EmulatorCore } from './core';
import { fromZodError, invalidArgument } from './errors';
import type { QueryParams } from './http';
import type { MethodId } from './routes';

export interface RequestContext {
  core: EmulatorCore;
  method: MethodId;
  version: ApiVersion;
  /** The resource path from the URL (name, parent or service), as the caller spelled it. */
  resource: string;
  query: QueryParams;
  /** The parsed JSON body; `undefined` when the request had none. */
  body: unknown;
  /** Who is asking (auth.ts); only testIamPermissions answers differently for an 'unauthorized' caller. */
  caller: Caller;
}

/** Returns the JSON body of a 200 response, or throws ApiError. */
export type Handler = (ctx: RequestContext) => unknown;

/** Parses a body with a zod schema; failures are INVALID_ARGUMENT naming each field path. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, root = ''): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw fromZodError(parsed.error, root);
  return parsed.data;
}

const EmptySchema = z.object({}).strict();

/** completeMigration / cancelMigration / operations.cancel take `{}` or no body at all. */
export function requireEmptyBody(body: unknown): void {
  if (!EmptySchema.safeParse(body ?? {}).success) {
    throw invalidArgument('The request body must be empty ({}).', 'INVALID_REQUEST_BODY');
  }
}

/** A list response in proto3 JSON: an empty repeated field and an absent token are omitted. */
export function listResponse<T>(field: string, items: T[], nextPageToken: string | undefined): Record<string, unknown> {
  return {
    ...(items.length > 0 ? { [field]: items } : {}),
    ...(nextPageToken !== undefined ? { nextPageToken } : {}),
  };
}

export function listParams(query: QueryParams) {
  return {
    pageSize: query.get('pageSize'),
    pageToken: query.get('pageToken'),
    filter: query.get('filter'),
    orderBy: query.get('orderBy'),
  };
}
