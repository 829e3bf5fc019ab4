// BigLake's Hive catalog API (/hive/v1): not served yet; its paths answer Google's 404 so nothing else claims them.
import { errorBody, ApiError } from '../errors';
import type { SurfaceReply, SurfaceRequest } from '../surface-types';

export function isHiveRestPath(pathname: string): boolean {
  return pathname.startsWith('/hive/v1/');
}

export function handleHiveRestRequest({ method, url }: SurfaceRequest): SurfaceReply {
  const error = new ApiError('NOT_FOUND', `Method not found: ${method} ${url.pathname}`, 'METHOD_NOT_FOUND');
  return { status: 404, json: errorBody(error) };
}
