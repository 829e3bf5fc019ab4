// Helpers for BigLake's own (Google-style) methods on the Lakehouse surfaces: errors in google.rpc shape
// (errors.ts), query parameters checked as Google's front end checks them, JSON bodies parsed without echoing them.
import type { z } from 'zod';
import { ApiError, errorBody, fromZodError, invalidArgument } from '../errors';
import { QueryParams } from '../http';
import type { SurfaceReply } from '../surface-types';

export const BIGLAKE_DOMAIN = 'biglake.googleapis.com';

/** Runs a Google-style handler: an ApiError becomes its google.rpc body with the matching HTTP status. */
export function googleReply(run: () => unknown): SurfaceReply {
  try {
    return { status: 200, json: run() };
  } catch (error) {
    if (error instanceof ApiError) return { status: error.httpStatus, json: errorBody(error) };
    throw error;
  }
}

export function methodNotFound(method: string, path: string): ApiError {
  return new ApiError('NOT_FOUND', `Method not found: ${method} ${path}`, 'METHOD_NOT_FOUND', [], undefined, {
    domain: BIGLAKE_DOMAIN,
  });
}

/** The query, refusing a parameter the method does not take (snake_case and camelCase both accepted). */
export function queryOf(search: URLSearchParams, allowed: readonly string[]): QueryParams {
  return new QueryParams(search, allowed);
}

export function parseJsonBody<T>(schema: z.ZodType<T>, body: Buffer, root = ''): T {
  let raw: unknown = {};
  if (body.length > 0) {
    try {
      raw = JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw invalidArgument('Invalid JSON payload received: the request body is not valid JSON.', 'INVALID_JSON');
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw fromZodError(parsed.error, root);
  return parsed.data;
}

/** pageSize as Google's list methods read it: absent or 0 = the default, negative or not a number = refused. */
export function pageSizeOf(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw invalidArgument('pageSize: must be a non-negative integer.');
  const size = Number(raw);
  return size === 0 ? fallback : Math.min(size, max);
}
