// Admin API methods of the Cloud Storage stand-in (/_emulator/buckets…): a test or rehearsal creates the
// bucket a migration's reportPath names before starting it, as one would in a real project.
import { z } from 'zod';
import { parseBody } from '../context';
import type { ApiDeps } from '../dispatch';
import { ApiError, notFound } from '../errors';
import { isBucketName } from './store';

const BucketBodySchema = z
  .object({
    name: z.string().refine(isBucketName, 'must be a valid bucket name (3-63 of a-z, 0-9, "-", "_", ".")'),
    project: z.string().min(1).default('emulator'),
    location: z.string().min(1).default('US'),
  })
  .strict();

const NameBodySchema = z.object({ name: z.string().min(1) }).strict();

type AdminHandler = (deps: ApiDeps, body: unknown, query: URLSearchParams) => unknown;

export const GCS_ADMIN_ROUTES: Record<string, AdminHandler> = {
  'GET buckets': ({ core }, _body, query) => ({ buckets: core.storage.listBuckets(query.get('project') ?? undefined) }),
  'POST buckets': ({ core }, body) => {
    const bucket = core.storage.createBucket(parseBody(BucketBodySchema, body));
    if (!bucket) throw new ApiError('ALREADY_EXISTS', 'The bucket already exists.', 'BUCKET_ALREADY_EXISTS');
    return bucket;
  },
  // Removes the bucket with its objects (the JSON API's delete refuses a non-empty bucket).
  'POST buckets:remove': ({ core }, body) => {
    const { name } = parseBody(NameBodySchema, body);
    if (!core.storage.deleteBucket(name)) throw notFound('Bucket', name);
    return {};
  },
};
