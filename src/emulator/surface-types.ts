// What a non-Metastore surface (surfaces.ts) receives and answers: apart from surfaces.ts so the surfaces and
// their router import it without importing each other.
import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorCore } from './core';

export interface SurfaceRequest {
  core: EmulatorCore;
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SurfaceReply {
  status: number;
  /** Sent as JSON; absent with `bytes`, or for an answer without a body (204, HEAD). */
  json?: unknown;
  bytes?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}
