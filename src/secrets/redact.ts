// Masks secrets in text bound for logs, errors and CLI output. Two nets: the exact values this process has
// resolved (registered by resolver.ts, plus codec keys), and patterns that look secret whatever their value.
// Secret *references* (env:NAME, file:PATH) are not secrets and stay readable: they say what to fix.

export const MASK = '[REDACTED]';

/**
 * Values shorter than this are not masked: replacing every "abc" in a log would hide far more than it protects,
 * and such a password is guessable anyway.
 */
const MIN_SECRET_LENGTH = 4;

const registry = new Set<string>();

/** Remembers a resolved secret so every later redact() masks it, also in its JSON-escaped form. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH) return;
  registry.add(value);
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) registry.add(escaped);
}

export function registeredSecrets(): string[] {
  return [...registry];
}

// The key's prefix is bounded: unbounded, every word boundary of a long dotted or hyphenated text started a scan to
// its end, which made redaction quadratic (32 K characters took half a second; it runs on every log line).
const KEY = String.raw`[\w.-]{0,64}(?:password|passwd|secret|token|api[_-]?key)`;
const NOT_A_REFERENCE = String.raw`(?!env:|file:)`;
const SECRET_KEY = new RegExp(`^${KEY}$`, 'i');
const REFERENCE = /^(?:env|file):/;
const PATTERNS: [RegExp, string][] = [
  // -----BEGIN RSA PRIVATE KEY----- … END, or to the end of a truncated text; also with JSON-escaped newlines.
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, `${MASK} private key`],
  // "password": "…" in JSON, also with escaped quotes inside the value.
  [new RegExp(String.raw`("${KEY}"\s*:\s*)"${NOT_A_REFERENCE}(?:[^"\\]|\\.)*"`, 'gi'), `$1"${MASK}"`],
  // password: …, password=… in YAML, env files and query strings: a quoted value, or a bare one that ends the
  // line or the field — so "password: must be a secret reference" (our own validation message) stays readable.
  [
    new RegExp(
      String.raw`(\b${KEY}\s*[:=][ \t]*)${NOT_A_REFERENCE}(?!\[REDACTED\])` +
        String.raw`(?:'[^'\n]*'|"[^"\n]*"|[^\s,;&'"}\]]+(?=[ \t]*(?:$|[,;&}\]])))`,
      'gim',
    ),
    `$1${MASK}`,
  ],
  [/\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1${MASK}`],
];

/** Text beyond this is cut off (and says so) before redaction: no log line or message needs more. */
export const MAX_REDACTED_CHARS = 1 << 20;

/** A cheap pass, linear in the text: one split/join per known secret, then four regular expressions. */
export function redact(text: string, secrets: readonly string[] = registeredSecrets()): string {
  let result =
    text.length > MAX_REDACTED_CHARS
      ? `${text.slice(0, MAX_REDACTED_CHARS)} … [${text.length - MAX_REDACTED_CHARS} characters cut]`
      : text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && result.includes(secret)) result = result.split(secret).join(MASK);
  }
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/**
 * The same for log metadata: strings anywhere in plain objects, arrays and errors (to a small depth), the whole
 * string value of a secret-like key (`{ password: … }`), symbol keys (the SDK's log timestamp) kept as they are.
 */
export function redactValue(value: unknown, secrets: readonly string[] = registeredSecrets(), depth = 0): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Error) {
    const copy = new Error(redact(value.message, secrets));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : redact(value.stack, secrets);
    return copy;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const copy: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(value)) {
    const inner = (value as Record<string | symbol, unknown>)[key];
    const secretKey = typeof key === 'string' && typeof inner === 'string' && SECRET_KEY.test(key);
    copy[key] = secretKey && !REFERENCE.test(inner) ? MASK : redactValue(inner, secrets, depth + 1);
  }
  return copy;
}

/**
 * Text for a terminal: control characters other than newline and tab are shown as `\u{…}` escapes. What the CLI
 * prints quotes the API, the source MySQL and Hive (names, messages), and an escape sequence in one of those must
 * not move the cursor, retitle the window or hide lines.
 */
export function forTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
