// The Cloud Storage stand-in's buckets and objects, in memory and plain JSON (the state file keeps them, the
// bytes as base64). One generation per object: a write replaces it with a higher generation number, as an
// unversioned bucket does. Only what a migration report needs: no ACLs, versioning, lifecycle or preconditions.
import type { ReportSink } from '../lakehouse/store';
import { crc32c, md5 } from './checksums';
import { ResumableSessions } from './uploads';

export interface GcsBucket {
  name: string;
  /** The project it was created in (informational; bucket names are global). */
  project: string;
  location: string;
  timeCreated: string;
}

export interface GcsObject {
  bucket: string;
  name: string;
  generation: number;
  contentType: string;
  /** User metadata (`metadata` in the JSON API). */
  metadata: Record<string, string>;
  timeCreated: string;
  md5Hash: string;
  crc32c: string;
  size: number;
  /** The bytes, base64: JSON all the way to the state file. */
  data: string;
}

export interface GcsDump {
  buckets: GcsBucket[];
  objects: GcsObject[];
}

/** Why a write or read was refused: the JSON API turns these into 404s. */
export class GcsNotFound extends Error {
  override readonly name = 'GcsNotFound';
}

// Cloud Storage's own naming rules (3–63 characters; dotted names up to 222 are not needed here).
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

export function isBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes('..') && !name.startsWith('goog');
}

export class GcsStore {
  private readonly buckets = new Map<string, GcsBucket>();
  /** bucket → object name → object */
  private readonly objects = new Map<string, Map<string, GcsObject>>();
  private generation = 1;
  /** Open resumable uploads (not part of dump(): see ResumableSessions). */
  readonly uploads = new ResumableSessions();

  constructor(private readonly now: () => number) {}

  createBucket(bucket: Omit<GcsBucket, 'timeCreated'>): GcsBucket | undefined {
    if (this.buckets.has(bucket.name)) return undefined;
    const created = { ...bucket, timeCreated: new Date(this.now()).toISOString() };
    this.buckets.set(bucket.name, created);
    this.objects.set(bucket.name, new Map());
    return created;
  }

  bucket(name: string): GcsBucket | undefined {
    return this.buckets.get(name);
  }

  listBuckets(project?: string): GcsBucket[] {
    return [...this.buckets.values()]
      .filter((b) => project === undefined || b.project === project)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Deletes the bucket and everything in it (the admin API's reset; the JSON API refuses a non-empty one). */
  deleteBucket(name: string): boolean {
    this.objects.delete(name);
    return this.buckets.delete(name);
  }

  put(bucket: string, name: string, data: Buffer, contentType: string, metadata: Record<string, string> = {}) {
    const objects = this.objects.get(bucket);
    if (!objects) throw new GcsNotFound(`The specified bucket does not exist: ${bucket}`);
    const object: GcsObject = {
      bucket,
      name,
      // Microsecond-ish generations like Google's are not needed: unique and increasing is the contract.
      generation: this.now() * 1000 + (this.generation++ % 1000),
      contentType,
      metadata,
      timeCreated: new Date(this.now()).toISOString(),
      md5Hash: md5(data),
      crc32c: crc32c(data),
      size: data.length,
      data: data.toString('base64'),
    };
    objects.set(name, object);
    return object;
  }

  get(bucket: string, name: string): GcsObject | undefined {
    return this.objects.get(bucket)?.get(name);
  }

  /** Objects of a bucket by name (byte order, as Cloud Storage lists them), or undefined without the bucket. */
  list(bucket: string): GcsObject[] | undefined {
    const objects = this.objects.get(bucket);
    if (!objects) return undefined;
    return [...objects.values()].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  }

  delete(bucket: string, name: string): boolean {
    return this.objects.get(bucket)?.delete(name) ?? false;
  }

  dump(): GcsDump {
    return {
      buckets: structuredClone([...this.buckets.values()]),
      objects: structuredClone([...this.objects.values()].flatMap((objects) => [...objects.values()])),
    };
  }

  restore(dump: GcsDump): void {
    for (const bucket of dump.buckets) {
      this.buckets.set(bucket.name, { ...bucket });
      this.objects.set(bucket.name, new Map());
    }
    for (const object of dump.objects) this.objects.get(object.bucket)?.set(object.name, { ...object });
  }
}

/** `gs://bucket/object` → its parts; undefined for anything else (a bucket alone names no object). */
export function parseGsUri(uri: string): { bucket: string; object: string } | undefined {
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2] || !isBucketName(match[1])) return undefined;
  return { bucket: match[1], object: match[2] };
}

/** The emulated service's report writer: straight into the store, as the service agent's write would land. */
export class GcsReportSink implements ReportSink {
  constructor(
    private readonly store: GcsStore,
    private readonly changed: () => void,
  ) {}

  write(uri: string, body: string, contentType: string): Promise<void> {
    const target = parseGsUri(uri);
    if (!target) return Promise.reject(new Error(`not a gs://bucket/object URI: ${uri}`));
    try {
      this.store.put(target.bucket, target.object, Buffer.from(body, 'utf8'), contentType);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.changed();
    return Promise.resolve();
  }
}
