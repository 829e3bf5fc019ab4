// BigLake's Iceberg REST catalog (/iceberg/v1/restcatalog): not served yet; its paths answer 404.
import type { SurfaceReply, SurfaceRequest } from '../surface-types';

export function isIcebergPath(pathname: string): boolean {
  return pathname.startsWith('/iceberg/v1/restcatalog/');
}

export function handleIcebergRequest({ url }: SurfaceRequest): SurfaceReply {
  return {
    status: 404,
    json: { error: { message: `No route ${url.pathname}`, type: 'NotFoundException', code: 404 } },
  };
}
