// The three upload protocols of the Cloud Storage JSON API (uploadType=media, multipart, resumable), reduced to
// what they carry: the object's metadata and its bytes. The official Node client uses resumable by default and
// multipart with `resumable: false`.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** The object metadata a client may send with an upload; fields we do not model are accepted and ignored. */
export const UploadMetadataSchema = z
  .object({
    name: z.string().min(1).max(1024).optional(),
    contentType: z.string().min(1).optional(),
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .loose();
export type UploadMetadata = z.infer<typeof UploadMetadataSchema>;

export class UploadError extends Error {
  override readonly name = 'UploadError';
}

/** A multipart/related body: a JSON metadata part, then the media part. */
export function parseMultipart(contentType: string, body: Buffer): { metadata: unknown; media: Buffer; type?: string } {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!/^multipart\/related/i.test(contentType) || !boundary) {
    throw new UploadError('uploadType=multipart needs a multipart/related body with a boundary.');
  }
  const parts = splitParts(body, boundary);
  if (parts.length !== 2) throw new UploadError(`A multipart upload has 2 parts, this one has ${parts.length}.`);
  const [metaPart, mediaPart] = parts as [Part, Part];
  let metadata: unknown;
  try {
    metadata = JSON.parse(metaPart.body.toString('utf8'));
  } catch {
    throw new UploadError('The first part of a multipart upload must be the JSON object metadata.');
  }
  return { metadata, media: mediaPart.body, ...(mediaPart.type ? { type: mediaPart.type } : {}) };
}

interface Part {
  type: string | undefined;
  body: Buffer;
}

function splitParts(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    // `--boundary--` closes the body.
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const raw = body.subarray(start, next);
    const headerEnd = raw.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw new UploadError('A multipart part has no header section.');
    const headers = raw.subarray(0, headerEnd).toString('latin1');
    let content = raw.subarray(headerEnd + 4);
    // The CRLF before the next delimiter belongs to the delimiter, not to the part.
    if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
    parts.push({ type: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim(), body: content });
    at = next;
  }
  return parts;
}

export interface ResumableSession {
  bucket: string;
  metadata: UploadMetadata;
  /** Bytes received so far, in order. */
  received: Buffer;
}

/**
 * Open resumable uploads by upload_id. In memory only: a session outlives no restart, as a client would retry the
 * whole upload after a 404 on its session anyway.
 */
export class ResumableSessions {
  private readonly sessions = new Map<string, ResumableSession>();

  open(bucket: string, metadata: UploadMetadata): string {
    const id = randomUUID();
    this.sessions.set(id, { bucket, metadata, received: Buffer.alloc(0) });
    return id;
  }

  get(id: string): ResumableSession | undefined {
    return this.sessions.get(id);
  }

  close(id: string): void {
    this.sessions.delete(id);
  }
}

// `Content-Range` of a resumable PUT, four forms ("T" a total or "*" for unknown):
//   bytes FIRST-LAST/T   a chunk; more may follow until T bytes have arrived
//   bytes FIRST-* /T     the official client's single request: this body is the rest, complete when it ends
//   bytes * /T           a status query, or the final empty chunk
// (written here with a space before the slash only so this comment stays a comment). Absent = the whole object.
export function parseContentRange(
  header: string | undefined,
  length: number,
): { first: number; total: number | undefined; rest: boolean } {
  if (header === undefined) return { first: 0, total: length, rest: true };
  const match = /^bytes (?:(\d+)-(\d+|\*)|\*)\/(\d+|\*)$/.exec(header.trim());
  if (!match) {
    throw new UploadError(
      'Content-Range must be "bytes FIRST-LAST/TOTAL", "bytes FIRST-*/TOTAL" or "bytes */TOTAL" (TOTAL may be *).',
    );
  }
  const total = match[3] === '*' ? undefined : Number(match[3]);
  if (match[1] === undefined) return { first: -1, total, rest: false };
  const first = Number(match[1]);
  if (match[2] === '*') return { first, total, rest: true };
  if (Number(match[2]) - first + 1 !== length) throw new UploadError('Content-Range does not match the body length.');
  return { first, total, rest: false };
}
