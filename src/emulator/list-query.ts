// List parameters shared by the list methods: pageSize / pageToken (AIP-158), a small AIP-160 filter subset
// (`field = "VALUE"`, `field=VALUE`, `!=`, joined by AND) and orderBy (`field [asc|desc]`).
import { createHash } from 'node:crypto';
import { invalidArgument } from './errors';

export const DEFAULT_PAGE_SIZE = 500;
export const MAX_PAGE_SIZE = 1000;

export interface ListParams {
  pageSize?: string | undefined;
  pageToken?: string | undefined;
  filter?: string | undefined;
  orderBy?: string | undefined;
}

/** A field a list may filter (and, if `sortable`, sort) on, read as a string from an item. */
export interface FieldSpec<T> {
  read: (item: T) => string | undefined;
  /** The enum's values: a filter naming anything else is refused. */
  values?: readonly string[];
  sortable?: boolean;
}
export type FieldSpecs<T> = Record<string, FieldSpec<T>>;

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** Filters, sorts and pages `items`; `scope` (e.g. the parent) binds tokens to the request that made them. */
export function listPage<T>(items: readonly T[], params: ListParams, fields: FieldSpecs<T>, scope: string): Page<T> {
  const size = pageSize(params.pageSize);
  const selected = items.filter(compileFilter(params.filter, fields));
  const sorted = sortItems(selected, params.orderBy, fields);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([scope, params.filter ?? '', params.orderBy ?? '']))
    .digest('hex')
    .slice(0, 16);
  const offset = decodeToken(params.pageToken, fingerprint);
  const end = offset + size;
  const page: Page<T> = { items: sorted.slice(offset, end) };
  if (end < sorted.length) page.nextPageToken = encodeToken(end, fingerprint);
  return page;
}

function pageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^-?\d+$/.test(raw)) throw invalidArgument('pageSize: must be an integer.');
  const size = Number(raw);
  if (size < 0) throw invalidArgument('pageSize: must not be negative.');
  // 0 means "server default"; larger than the maximum is treated as the maximum.
  return size === 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
}

// Tokens are opaque to clients: base64url of `offset.fingerprint`, checked against the current request.
function encodeToken(offset: number, fingerprint: string): string {
  return Buffer.from(`${offset}.${fingerprint}`).toString('base64url');
}

function decodeToken(token: string | undefined, fingerprint: string): number {
  if (token === undefined || token === '') return 0;
  const match = /^(\d+)\.([0-9a-f]{16})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw invalidArgument('pageToken: invalid page token.', 'INVALID_PAGE_TOKEN');
  if (match[2] !== fingerprint) {
    throw invalidArgument(
      'pageToken: the page token was issued for a different request (filter, orderBy and parent must not change while paging).',
      'INVALID_PAGE_TOKEN',
    );
  }
  return Number(match[1]);
}

const TERM = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|=)\s*(?:"([^"]*)"|([A-Za-z0-9_.:/-]+))\s*$/;

function compileFilter<T>(filter: string | undefined, fields: FieldSpecs<T>): (item: T) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const terms = filter.split(/\s+AND\s+/).map((term) => {
    const match = TERM.exec(term);
    const spec = match ? fields[toCamel(match[1] ?? '')] : undefined;
    if (!match || !spec) {
      throw invalidArgument(
        `filter: unsupported expression "${term.trim()}"; supported: FIELD = "VALUE" joined by AND, FIELD one of ${Object.keys(fields).join(', ')}.`,
        'INVALID_FILTER',
      );
    }
    const value = match[3] ?? match[4] ?? '';
    if (spec.values && !spec.values.includes(value)) {
      throw invalidArgument(`filter: "${value}" is not a valid ${match[1]}.`, 'INVALID_FILTER');
    }
    const { read } = spec;
    return match[2] === '=' ? (item: T) => read(item) === value : (item: T) => read(item) !== value;
  });
  return (item) => terms.every((test) => test(item));
}

function sortItems<T>(items: T[], orderBy: string | undefined, fields: FieldSpecs<T>): T[] {
  if (orderBy === undefined || orderBy.trim() === '') return items;
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/i.exec(orderBy);
  const spec = match ? fields[toCamel(match[1] ?? '')] : undefined;
  if (!match || !spec?.sortable) {
    const sortable = Object.keys(fields).filter((key) => fields[key]?.sortable);
    throw invalidArgument(
      `orderBy: unsupported "${orderBy}"; use one of ${sortable.join(', ')}, optionally with desc.`,
    );
  }
  const desc = match[2]?.toLowerCase() === 'desc';
  const key = (item: T) => spec.read(item) ?? '';
  const compare = (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  // Sorting is stable and items arrive in creation order, so ties keep (or, for desc, reverse) that order.
  return desc ? [...items].reverse().sort((a, b) => compare(b, a)) : [...items].sort(compare);
}

function toCamel(field: string): string {
  return field.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
