// The REST surface: `/{version}/{path}` with ':' verbs, mapped to discovery method ids. Paths are matched
// after decoding, so `%3A` works for ':' as Google's front end allows.
import { API_VERSIONS, type ApiVersion } from '../schemas/api';

export const METHOD_IDS = [
  'services.list',
  'services.create',
  'services.get',
  'services.patch',
  'services.delete',
  'services.startMigration',
  'services.completeMigration',
  'services.cancelMigration',
  'services.testIamPermissions',
  'services.migrationExecutions.list',
  'services.migrationExecutions.get',
  'services.migrationExecutions.delete',
  'operations.list',
  'operations.get',
  'operations.cancel',
  'operations.delete',
  'secretmanager.versions.access',
] as const;
export type MethodId = (typeof METHOD_IDS)[number];

interface Route {
  method: MethodId;
  verb: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  pattern: RegExp;
  /** Query parameters the method takes (camelCase), besides Google's system parameters. */
  query: readonly string[];
}

// Domain-scoped project ids (example.com:proj) contain ':'; verbs only follow the last segment.
const LOCATION = 'projects/[^/]+/locations/[^/:]+';
const SERVICE = `${LOCATION}/services/[^/:]+`;
const EXECUTION = `${SERVICE}/migrationExecutions/[^/:]+`;
const OPERATION = `${LOCATION}/operations/[^/:]+`;
const LIST = ['pageSize', 'pageToken', 'filter', 'orderBy'];

const ROUTES: readonly Route[] = [
  { method: 'services.list', verb: 'GET', pattern: re(`(${LOCATION})/services`), query: LIST },
  { method: 'services.create', verb: 'POST', pattern: re(`(${LOCATION})/services`), query: ['serviceId', 'requestId'] },
  { method: 'services.get', verb: 'GET', pattern: re(`(${SERVICE})`), query: [] },
  { method: 'services.patch', verb: 'PATCH', pattern: re(`(${SERVICE})`), query: ['updateMask', 'requestId'] },
  { method: 'services.delete', verb: 'DELETE', pattern: re(`(${SERVICE})`), query: ['requestId'] },
  { method: 'services.startMigration', verb: 'POST', pattern: re(`(${SERVICE}):startMigration`), query: [] },
  { method: 'services.completeMigration', verb: 'POST', pattern: re(`(${SERVICE}):completeMigration`), query: [] },
  { method: 'services.cancelMigration', verb: 'POST', pattern: re(`(${SERVICE}):cancelMigration`), query: [] },
  { method: 'services.testIamPermissions', verb: 'POST', pattern: re(`(${SERVICE}):testIamPermissions`), query: [] },
  {
    method: 'services.migrationExecutions.list',
    verb: 'GET',
    pattern: re(`(${SERVICE})/migrationExecutions`),
    query: LIST,
  },
  { method: 'services.migrationExecutions.get', verb: 'GET', pattern: re(`(${EXECUTION})`), query: [] },
  {
    method: 'services.migrationExecutions.delete',
    verb: 'DELETE',
    pattern: re(`(${EXECUTION})`),
    query: ['requestId'],
  },
  { method: 'operations.list', verb: 'GET', pattern: re(`(${LOCATION})/operations`), query: LIST },
  { method: 'operations.get', verb: 'GET', pattern: re(`(${OPERATION})`), query: [] },
  { method: 'operations.cancel', verb: 'POST', pattern: re(`(${OPERATION}):cancel`), query: [] },
  { method: 'operations.delete', verb: 'DELETE', pattern: re(`(${OPERATION})`), query: [] },
  {
    method: 'secretmanager.versions.access',
    verb: 'GET',
    pattern: re('(projects/[^/]+/secrets/[^/:]+/versions/[^/:]+):access'),
    query: [],
  },
];

function re(body: string): RegExp {
  return new RegExp(`^${body}$`);
}

export interface RouteMatch {
  method: MethodId;
  version: ApiVersion;
  /** The resource path the method acts on (name, parent or service), as the caller spelled it. */
  resource: string;
  query: readonly string[];
}

/** Matches a decoded path such as `/v1/projects/p/locations/l/services/s:startMigration`. */
export function matchRoute(verb: string, path: string): RouteMatch | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(path);
  const version = API_VERSIONS.find((v) => v === match?.[1]);
  if (!match || !version) return undefined;
  for (const route of ROUTES) {
    const found = route.verb === verb ? route.pattern.exec(match[2] ?? '') : null;
    if (found) return { method: route.method, version, resource: found[1] ?? '', query: route.query };
  }
  return undefined;
}

/** Decodes a URL path; `%3A` becomes ':'; a malformed escape gives undefined. An encoded '/' stays invalid. */
export function decodePath(rawPath: string): string | undefined {
  try {
    const decoded = decodeURIComponent(rawPath);
    return /%2f/i.test(rawPath) ? undefined : decoded;
  } catch {
    return undefined;
  }
}
