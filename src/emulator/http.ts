// Plain node:http plumbing: bodies in, JSON out, query parameters checked the way Google's front end does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidArgument } from './errors';

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw invalidArgument('Request payload is too large.', 'PAYLOAD_TOO_LARGE');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Parses a JSON body; an empty body is `undefined`. The error never quotes the input: V8's SyntaxError
 * messages include a slice of the text, which could be a password.
 */
export function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw invalidArgument('Invalid JSON payload received: the request body is not valid JSON.', 'INVALID_JSON');
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  options: { pretty?: boolean; headers?: Record<string, string> } = {},
): void {
  const text = JSON.stringify(body, null, options.pretty === false ? undefined : 2);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    ...options.headers,
  });
  res.end(text);
}

// Google's standard system parameters: accepted on every method and otherwise ignored here.
const SYSTEM_PARAMS = new Set([
  '$.xgafv',
  'alt',
  'fields',
  'key',
  'accessToken',
  'oauthToken',
  'prettyPrint',
  'quotaUser',
  'callback',
  'uploadType',
  'uploadProtocol',
]);

/** Query parameters, with snake_case names read as camelCase; a name the method does not take is refused. */
export class QueryParams {
  private readonly values = new Map<string, string>();

  constructor(search: URLSearchParams, allowed: readonly string[]) {
    for (const [rawName, value] of search) {
      const name = rawName.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      if (!allowed.includes(name) && !SYSTEM_PARAMS.has(name)) {
        throw invalidArgument(
          `Invalid JSON payload received. Unknown name "${rawName}": Cannot bind query parameter.`,
          'UNKNOWN_QUERY_PARAMETER',
        );
      }
      this.values.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }
}
