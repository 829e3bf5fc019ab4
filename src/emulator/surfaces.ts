// The other Google services the emulator stands in for, beside the Metastore API on the same port, told apart
// by their path prefix as Google's hosts tell them apart: Cloud Storage's JSON API (`/storage/v1`, `/upload/…`,
// `/download/…`), BigLake's Hive catalog API (`/hive/v1`) and its Iceberg REST catalog (`/iceberg/v1/restcatalog`).
// Each surface renders its own error shape; none is subject to --require-token or the request faults, which
// belong to the Metastore API (the migrator's only direct counterpart).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from './core';
import type { SurfaceReply, SurfaceRequest } from './surface-types';
import { handleStorageRequest, isStoragePath } from './gcs/json-api';
import { handleHiveRestRequest, isHiveRestPath } from './lakehouse/hive-rest';
import { handleIcebergRequest, isIcebergPath } from './lakehouse/iceberg-rest';

/** Uploads of reports and seeded objects; larger bodies are refused before they are buffered. */
const MAX_SURFACE_BODY_BYTES = 32 * 1024 * 1024;

type Surface = (request: SurfaceRequest) => SurfaceReply | Promise<SurfaceReply>;

function surfaceFor(pathname: string): Surface | undefined {
  if (isStoragePath(pathname)) return handleStorageRequest;
  if (isHiveRestPath(pathname)) return handleHiveRestRequest;
  if (isIcebergPath(pathname)) return handleIcebergRequest;
  return undefined;
}

/** Serves the request if a surface owns its path; returns the status sent, or undefined if none does. */
export async function serveSurface(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<number | undefined> {
  const surface = surfaceFor(url.pathname);
  if (!surface) return undefined;
  let reply: SurfaceReply;
  try {
    const body = await readRawBody(req);
    if (body === undefined) {
      reply = { status: 413, json: { error: { code: 413, message: 'Request body too large.' } } };
    } else {
      // Due transitions first, as on the Metastore API: a backfill that has finished is visible in its targets.
      core.scheduler.advance();
      reply = await surface({ core, method: req.method ?? 'GET', url, headers: req.headers, body });
      if (req.method !== 'GET' && req.method !== 'HEAD' && reply.status < 300) core.changed();
    }
  } catch (error) {
    // Our own messages never carry request bodies, so the stack is safe to print.
    console.error('metastore emulator: unexpected error', error);
    reply = { status: 500, json: { error: { code: 500, message: 'Internal error in the emulator.' } } };
  }
  if (!res.destroyed) send(res, req.method === 'HEAD', reply);
  return reply.status;
}

async function readRawBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_SURFACE_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, head: boolean, reply: SurfaceReply): void {
  const payload =
    reply.status === 204
      ? Buffer.alloc(0)
      : (reply.bytes ??
        (reply.json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.json, null, 2))));
  const contentType = reply.contentType ?? (reply.json === undefined ? undefined : 'application/json; charset=UTF-8');
  res.writeHead(reply.status, {
    ...(contentType ? { 'content-type': contentType } : {}),
    'content-length': payload.length,
    ...reply.headers,
  });
  res.end(head ? undefined : payload);
}
