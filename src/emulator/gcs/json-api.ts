// The subset of the Cloud Storage JSON API (https://cloud.google.com/storage/docs/json_api) the official clients
// need to create and read a bucket and to write, read, list and delete objects: enough for `@google-cloud/storage`
// pointed at the emulator (`apiEndpoint` or STORAGE_EMULATOR_HOST) to fetch a migration report. Object names are
// percent-encoded path segments (a '/' inside a name arrives as %2F), so routing works on the raw path.
import { z } from 'zod';
import type { SurfaceReply, SurfaceRequest } from '../surface-types';
import { type GcsObject, type GcsStore, GcsNotFound, isBucketName } from './store';
import { type UploadMetadata, UploadError, UploadMetadataSchema, parseContentRange, parseMultipart } from './uploads';

const DEFAULT_MAX_RESULTS = 1000;

// `/b/…` too: with STORAGE_EMULATOR_HOST set, the official Node client sends JSON API calls to that host's root,
// without the /storage/v1 prefix (its uploads keep /upload/storage/v1).
export function isStoragePath(pathname: string): boolean {
  return /^\/((storage|upload\/storage|download\/storage)\/v1\/|b(\/|$))/.test(pathname);
}

/** Cloud Storage's error body: `{error: {code, message, errors: [{domain, reason, message}]}}`. */
function gcsError(code: number, reason: string, message: string): SurfaceReply {
  return { status: code, json: { error: { code, message, errors: [{ domain: 'global', reason, message }] } } };
}

const notFound = (message: string) => gcsError(404, 'notFound', message);
const invalid = (message: string) => gcsError(400, 'invalid', message);

export function handleStorageRequest(request: SurfaceRequest): SurfaceReply {
  const { core, method, url } = request;
  const store = core.storage;
  const segments = url.pathname.split('/').slice(1);
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return invalid('The request path has a malformed percent-escape.');
  }
  const [api, ...rest] =
    decoded[0] === 'b'
      ? ['storage', ...decoded]
      : decoded[0] === 'storage'
        ? ['storage', ...decoded.slice(2)]
        : [decoded[0], ...decoded.slice(3)];
  // rest: ['b'] | ['b', bucket] | ['b', bucket, 'o'] | ['b', bucket, 'o', object]
  if (rest[0] !== 'b' || rest.length > 4 || (rest.length >= 3 && rest[2] !== 'o')) {
    return notFound(`No Cloud Storage method ${method} ${url.pathname}`);
  }
  const bucket = rest[1];
  const object = rest[3];
  const origin = `http://${request.headers.host ?? 'localhost'}`;
  try {
    if (api === 'upload' && bucket !== undefined && rest.length === 3) return upload(request, store, bucket, origin);
    if (api === 'download' && bucket !== undefined && object !== undefined && method === 'GET') {
      return readObject(store, bucket, object, url, origin, true);
    }
    if (api !== 'storage') return notFound(`No Cloud Storage method ${method} ${url.pathname}`);
    if (bucket === undefined) return buckets(request, store);
    if (rest.length === 2) return bucketMethod(method, store, bucket);
    if (object === undefined && method === 'GET') return listObjects(store, bucket, url.searchParams, origin);
    if (object !== undefined && method === 'GET') {
      return readObject(store, bucket, object, url, origin, url.searchParams.get('alt') === 'media');
    }
    if (object !== undefined && method === 'DELETE') {
      if (!store.bucket(bucket)) return notFound('The specified bucket does not exist.');
      return store.delete(bucket, object) ? { status: 204 } : notFound(`No such object: ${bucket}/${object}`);
    }
    return notFound(`No Cloud Storage method ${method} ${url.pathname}`);
  } catch (error) {
    if (error instanceof UploadError) return invalid(error.message);
    if (error instanceof GcsNotFound) return notFound(error.message);
    throw error;
  }
}

const CreateBucketSchema = z
  .object({
    name: z.string().refine(isBucketName, 'must be a valid bucket name (3-63 of a-z, 0-9, "-", "_", ".")'),
    location: z.string().min(1).optional(),
  })
  .loose();

function buckets({ method, url, body }: SurfaceRequest, store: GcsStore): SurfaceReply {
  const project = url.searchParams.get('project') ?? undefined;
  if (method === 'GET') {
    const items = store.listBuckets(project).map(renderBucket);
    return { status: 200, json: { kind: 'storage#buckets', ...(items.length ? { items } : {}) } };
  }
  if (method !== 'POST') return notFound(`No Cloud Storage method ${method} ${url.pathname}`);
  if (!project) return gcsError(400, 'required', 'Required parameter: project');
  const parsed = parseJsonBody(CreateBucketSchema, body);
  const created = store.createBucket({ name: parsed.name, project, location: parsed.location ?? 'US' });
  if (!created) return gcsError(409, 'conflict', 'The requested bucket name is not available.');
  return { status: 200, json: renderBucket(created) };
}

function bucketMethod(method: string, store: GcsStore, name: string): SurfaceReply {
  const bucket = store.bucket(name);
  if (!bucket) return notFound('The specified bucket does not exist.');
  if (method === 'GET') return { status: 200, json: renderBucket(bucket) };
  if (method === 'DELETE') {
    if ((store.list(name) ?? []).length > 0)
      return gcsError(409, 'conflict', 'The bucket you tried to delete is not empty.');
    store.deleteBucket(name);
    return { status: 204 };
  }
  return notFound(`No Cloud Storage method ${method} for a bucket`);
}

function listObjects(store: GcsStore, bucket: string, query: URLSearchParams, origin: string): SurfaceReply {
  const all = store.list(bucket);
  if (!all) return notFound('The specified bucket does not exist.');
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxRaw = query.get('maxResults');
  if (maxRaw !== null && !/^\d+$/.test(maxRaw)) return invalid('maxResults: must be a non-negative integer.');
  const max = maxRaw === null || maxRaw === '0' ? DEFAULT_MAX_RESULTS : Math.min(Number(maxRaw), DEFAULT_MAX_RESULTS);
  // The page token is the name of the last object the previous page consumed (listed, or folded into one of its
  // prefixes): names are unique and listed in byte order, so the next page starts right after it.
  const token = query.get('pageToken');
  const after = token ? Buffer.from(token, 'base64url') : undefined;
  const items: GcsObject[] = [];
  const prefixes = new Set<string>();
  let lastConsumed: string | undefined;
  let next: string | undefined;
  for (const object of all) {
    if (!object.name.startsWith(prefix) || (after && Buffer.compare(Buffer.from(object.name), after) <= 0)) continue;
    const cut = delimiter ? object.name.indexOf(delimiter, prefix.length) : -1;
    const folded = cut === -1 ? undefined : object.name.slice(0, cut + delimiter.length);
    const isNewEntry = folded === undefined || !prefixes.has(folded);
    if (isNewEntry && items.length + prefixes.size >= max) {
      next = Buffer.from(lastConsumed ?? '').toString('base64url');
      break;
    }
    if (folded === undefined) items.push(object);
    else prefixes.add(folded);
    lastConsumed = object.name;
  }
  return {
    status: 200,
    json: {
      kind: 'storage#objects',
      ...(items.length ? { items: items.map((o) => renderObject(o, origin)) } : {}),
      ...(prefixes.size ? { prefixes: [...prefixes] } : {}),
      ...(next ? { nextPageToken: next } : {}),
    },
  };
}

function readObject(store: GcsStore, bucket: string, name: string, url: URL, origin: string, media: boolean) {
  if (!store.bucket(bucket)) return notFound('The specified bucket does not exist.');
  const object = store.get(bucket, name);
  const generation = url.searchParams.get('generation');
  if (!object || (generation !== null && generation !== String(object.generation))) {
    return notFound(`No such object: ${bucket}/${name}`);
  }
  if (!media) return { status: 200, json: renderObject(object, origin) };
  return {
    status: 200,
    bytes: Buffer.from(object.data, 'base64'),
    contentType: object.contentType,
    // The official client validates a download against x-goog-hash when the server sends it.
    headers: {
      'x-goog-hash': `crc32c=${object.crc32c},md5=${object.md5Hash}`,
      'x-goog-generation': String(object.generation),
      'x-goog-stored-content-length': String(object.size),
    },
  };
}

function upload(request: SurfaceRequest, store: GcsStore, bucket: string, origin: string): SurfaceReply {
  const { method, url, headers, body } = request;
  if (!store.bucket(bucket)) return notFound('The specified bucket does not exist.');
  const uploadType = url.searchParams.get('uploadType');
  const contentType = headers['content-type'];
  if (method === 'POST' && uploadType === 'media') {
    const name = url.searchParams.get('name');
    if (!name) return gcsError(400, 'required', 'Required parameter: name');
    return stored(store.put(bucket, name, body, contentType ?? 'application/octet-stream'), origin);
  }
  if (method === 'POST' && uploadType === 'multipart') {
    const parts = parseMultipart(contentType ?? '', body);
    const metadata = parseMetadata(parts.metadata);
    return finish(store, bucket, metadata, url, parts.media, parts.type, origin);
  }
  if (method === 'POST' && uploadType === 'resumable') {
    const metadata = parseMetadata(body.length ? parseJson(body) : {});
    // The resumable protocol carries the media's type in a header of the session's start.
    const mediaType = headers['x-upload-content-type'];
    const id = store.uploads.open(bucket, {
      ...metadata,
      name: metadata.name ?? url.searchParams.get('name') ?? '',
      ...(metadata.contentType === undefined && typeof mediaType === 'string' ? { contentType: mediaType } : {}),
    });
    const location = new URL(`${origin}${url.pathname}`);
    location.searchParams.set('uploadType', 'resumable');
    location.searchParams.set('upload_id', id);
    return { status: 200, headers: { location: location.toString() } };
  }
  if (method === 'PUT' && uploadType === 'resumable') return resumablePut(request, store, origin);
  return invalid(`Unsupported upload: ${method} uploadType=${uploadType ?? '(none)'}.`);
}

function resumablePut({ url, headers, body }: SurfaceRequest, store: GcsStore, origin: string): SurfaceReply {
  const id = url.searchParams.get('upload_id') ?? '';
  const session = store.uploads.get(id);
  if (!session) return notFound('No such upload session.');
  const range = parseContentRange(headers['content-range'], body.length);
  if (range.first >= 0) {
    // A chunk we already have (a retry) is acknowledged, not appended twice.
    if (range.first > session.received.length) return invalid('A chunk skipped bytes the upload has not received.');
    session.received = Buffer.concat([session.received.subarray(0, range.first), body]);
  }
  const complete = range.rest || (range.total !== undefined && session.received.length >= range.total);
  if (range.rest && range.total !== undefined && session.received.length !== range.total) {
    return invalid('The upload ended with a size other than its Content-Range total.');
  }
  if (!complete) {
    // 308 Resume Incomplete, with what arrived so far.
    const have = session.received.length;
    return { status: 308, headers: have > 0 ? { range: `bytes=0-${have - 1}` } : {} };
  }
  if (range.total !== undefined && session.received.length > range.total) {
    return invalid('The upload received more bytes than its total.');
  }
  store.uploads.close(id);
  return finish(store, session.bucket, session.metadata, url, session.received, undefined, origin);
}

function finish(
  store: GcsStore,
  bucket: string,
  metadata: UploadMetadata,
  url: URL,
  data: Buffer,
  partType: string | undefined,
  origin: string,
): SurfaceReply {
  const name = metadata.name || url.searchParams.get('name');
  if (!name) return gcsError(400, 'required', 'Required: the object name (metadata name or the name parameter).');
  const type = metadata.contentType ?? partType ?? 'application/octet-stream';
  return stored(store.put(bucket, name, data, type, metadata.metadata ?? {}), origin);
}

function stored(object: GcsObject, origin: string): SurfaceReply {
  return { status: 200, json: renderObject(object, origin) };
}

/** Refusals name each field path, as Google's front end does (`metadata.contentType: …`). */
function parseMetadata(raw: unknown): UploadMetadata {
  const parsed = UploadMetadataSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new UploadError(
    parsed.error.issues.map((i) => `${['metadata', ...i.path].join('.')}: ${i.message}`).join('; '),
  );
}

function parseJsonBody<T>(schema: z.ZodType<T>, body: Buffer): T {
  const parsed = schema.safeParse(body.length ? parseJson(body) : {});
  if (parsed.success) return parsed.data;
  throw new UploadError(parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new UploadError('The request body is not valid JSON.');
  }
}

function renderBucket(bucket: { name: string; location: string; timeCreated: string }) {
  return {
    kind: 'storage#bucket',
    id: bucket.name,
    name: bucket.name,
    location: bucket.location,
    storageClass: 'STANDARD',
    metageneration: '1',
    timeCreated: bucket.timeCreated,
    updated: bucket.timeCreated,
  };
}

function renderObject(object: GcsObject, origin: string) {
  const path = `b/${encodeURIComponent(object.bucket)}/o/${encodeURIComponent(object.name)}`;
  const generation = String(object.generation);
  return {
    kind: 'storage#object',
    id: `${object.bucket}/${object.name}/${generation}`,
    selfLink: `${origin}/storage/v1/${path}`,
    mediaLink: `${origin}/download/storage/v1/${path}?generation=${generation}&alt=media`,
    name: object.name,
    bucket: object.bucket,
    generation,
    metageneration: '1',
    contentType: object.contentType,
    storageClass: 'STANDARD',
    size: String(object.size),
    md5Hash: object.md5Hash,
    crc32c: object.crc32c,
    etag: Buffer.from(`${object.bucket}/${object.name}/${generation}`).toString('base64url'),
    timeCreated: object.timeCreated,
    updated: object.timeCreated,
    timeStorageClassUpdated: object.timeCreated,
    ...(Object.keys(object.metadata).length ? { metadata: object.metadata } : {}),
  };
}
