// Optional bearer-token check (--require-token), so a rehearsal exercises the client's auth errors. Without a
// required token any caller is accepted, as with Google's other emulators. The admin API is never checked:
// it is the test's hand, not the client's. Bodies copy the shape Google's front end sends.
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';
import type { MethodId } from './routes';

/** The IAM permission each method needs (reference §1); testIamPermissions needs none. */
const PERMISSIONS: Record<MethodId, string | undefined> = {
  'services.list': 'metastore.services.list',
  'services.create': 'metastore.services.create',
  'services.get': 'metastore.services.get',
  'services.patch': 'metastore.services.update',
  'services.delete': 'metastore.services.delete',
  'services.startMigration': 'metastore.migrations.start',
  'services.completeMigration': 'metastore.migrations.complete',
  'services.cancelMigration': 'metastore.migrations.cancel',
  'services.testIamPermissions': undefined,
  'services.migrationExecutions.list': 'metastore.migrations.list',
  'services.migrationExecutions.get': 'metastore.migrations.get',
  'services.migrationExecutions.delete': 'metastore.migrations.delete',
  'operations.list': 'metastore.operations.list',
  'operations.get': 'metastore.operations.get',
  'operations.cancel': 'metastore.operations.cancel',
  'operations.delete': 'metastore.operations.delete',
  'secretmanager.versions.access': 'secretmanager.versions.access',
};

export function permissionFor(method: MethodId): string | undefined {
  return PERMISSIONS[method];
}

export type Caller = 'anyone' | 'authorized' | 'unauthorized';

/** The token from `Authorization: Bearer …`, or the `access_token` system parameter. */
function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const header = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return header?.[1] ?? url.searchParams.get('access_token') ?? url.searchParams.get('accessToken') ?? undefined;
}

/**
 * Checks the caller against `required`: a missing token is 401 UNAUTHENTICATED, a wrong one 403
 * PERMISSION_DENIED naming the permission. testIamPermissions needs no permission, so a wrong token reaches
 * it as an 'unauthorized' caller, who holds none of the permissions asked about.
 */
export function authenticate(
  required: string | undefined,
  req: IncomingMessage,
  url: URL,
  method: MethodId,
  resource: string,
): Caller {
  if (required === undefined) return 'anyone';
  const token = presentedToken(req, url);
  if (token === undefined) {
    throw new ApiError(
      'UNAUTHENTICATED',
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      'CREDENTIALS_MISSING',
      [],
      401,
      { domain: 'googleapis.com', metadata: { service: 'metastore.googleapis.com', method } },
    );
  }
  if (token === required) return 'authorized';
  const permission = PERMISSIONS[method];
  if (permission === undefined) return 'unauthorized';
  throw new ApiError(
    'PERMISSION_DENIED',
    `Permission '${permission}' denied on resource '//metastore.googleapis.com/${resource}' (or it may not exist).`,
    'IAM_PERMISSION_DENIED',
    [],
    403,
    { domain: 'iam.googleapis.com', metadata: { permission, resource: resource } },
  );
}

/** The WWW-Authenticate header Google sends with a 401. */
export const UNAUTHENTICATED_HEADERS = { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' };
