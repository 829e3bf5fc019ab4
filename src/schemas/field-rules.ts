// Field rules of the migration request: what Google documents for each field (names, ranges, sizes), checked
// before any API call. Each rule returns a message that says what is wrong and what is expected, and never
// the value: a password pasted into the wrong field must not reach a log, an error or workflow history.
// Imports nothing but zod, so the workflow bundle may use it.
import { z } from 'zod';
import { parseIpv4 } from './ipv4';

export type Problem = string | undefined;

/** A type-error message: "is required" for a missing field, otherwise what was expected (never the value). */
export function expected(what: string) {
  return (issue: { input?: unknown; code?: string; expected?: unknown }): string => {
    if (issue.input === undefined) return `is required: ${what}`;
    // A failed .int() is an invalid_type too, but "not a number" would be wrong there.
    const wrongType = issue.code === 'invalid_type' && issue.expected !== 'int';
    return wrongType ? `must be ${what}, not ${kindOf(issue.input)}` : `must be ${what}`;
  };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : 'a non-finite number';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** A string field whose value `problem` checks; the first problem found becomes the issue's message. */
export function ruledString(what: string, problem: (value: string) => Problem) {
  return z.string({ error: expected(what) }).superRefine((value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  });
}

// ---- unknown fields --------------------------------------------------------------------------------------

/**
 * A strict object whose unknown-field message names the field (a key, not a value), suggests the nearest
 * known one for typos (ipAdress → ipAddress) and adds a `hints` line for fields that belong elsewhere.
 */
export function strictObject<T extends z.ZodRawShape>(what: string, shape: T, hints: Record<string, string> = {}) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return unknownFields(issue.keys, known, hints);
      return expected(what)(issue);
    },
  });
}

function unknownFields(keys: readonly string[], known: readonly string[], hints: Record<string, string>): string {
  return keys
    .map((key) => {
      const shown = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
      const hint = hints[key];
      if (hint) return `unknown field ${shown}: ${hint}`;
      const nearest = nearestKey(key, known);
      const expectedKeys = `expected only ${known.join(', ')}`;
      return nearest
        ? `unknown field ${shown} (did you mean "${nearest}"?)`
        : `unknown field ${shown}; ${expectedKeys}`;
    })
    .join('; ');
}

/** The known key within edit distance 2 of `key`, or that `key` abbreviates (pollInterval), case-insensitive. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const [a, b] = [key.toLowerCase(), candidate.toLowerCase()];
    const distance = a.length >= 4 && b.startsWith(a) ? 2 : editDistance(a, b);
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** Edit distance counting a swap of two neighbours as one edit (stauts → status), as typos usually are. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

// ---- IPv4 addresses and CIDR ranges -----------------------------------------------------------------------

const IPV4_SHAPE = 'an IPv4 address in dotted-decimal form, e.g. 10.20.0.5';

function ipv4Problem(value: string): Problem {
  if (value.includes(':')) return `must be ${IPV4_SHAPE}; IPv6 is not supported by the API`;
  if (value.includes('/')) return `must be ${IPV4_SHAPE}; a single address, without a /prefix`;
  const parts = value.split('.');
  if (/[a-z]/i.test(value)) return `must be ${IPV4_SHAPE}; not a host name (the API needs the instance's IP)`;
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return `must be ${IPV4_SHAPE}`;
  if (parts.some((part) => part.length > 1 && part.startsWith('0')))
    return `must be ${IPV4_SHAPE}; no part may have leading zeros (some tools read them as octal)`;
  if (parts.some((part) => Number(part) > 255)) return `must be ${IPV4_SHAPE}; each part must be 0-255`;
  return undefined;
}

/** A host's address: not 0.0.0.0/8 ("this network"), multicast 224.0.0.0/4 or reserved 240.0.0.0/4. */
function hostAddressProblem(value: string): Problem {
  const shape = ipv4Problem(value);
  if (shape) return shape;
  const address = parseIpv4(value) ?? 0;
  if (address < 2 ** 24 || address >= 224 * 2 ** 24)
    return 'must be a host address: not in 0.0.0.0/8, multicast (224.0.0.0/4) or reserved (240.0.0.0/4) ranges';
  return undefined;
}

export const Ipv4AddressSchema = ruledString(IPV4_SHAPE, hostAddressProblem);

/** The widest prefix the API takes for subnetIpRange: "a /29 CIDR range" / "a range of at least /29". */
export const MAX_SUBNET_PREFIX = 29;

function cidrProblem(value: string): Problem {
  const shape = `an IPv4 CIDR range a.b.c.d/N with N at most ${MAX_SUBNET_PREFIX} (e.g. 10.0.0.0/29)`;
  const [address = '', prefix, ...rest] = value.split('/');
  if (address.includes(':')) return `must be ${shape}; IPv6 ranges are not supported by the API`;
  if (prefix === undefined) return `must be ${shape}: the /N prefix length is missing`;
  if (rest.length > 0 || ipv4Problem(address))
    return `must be ${shape}: the part before the / is not a dotted-decimal IPv4 address without leading zeros`;
  if (!/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(prefix))
    return `must be ${shape}: the prefix length after the / must be a whole number from 0 to 32`;
  if (Number(prefix) > MAX_SUBNET_PREFIX) {
    return (
      `is too small: the range must be at least /${MAX_SUBNET_PREFIX} (8 addresses), ` +
      `so the prefix length must be ${MAX_SUBNET_PREFIX} or less (/30, /31 and /32 are refused)`
    );
  }
  const base = parseIpv4(address) ?? 0;
  if (base % 2 ** (32 - Number(prefix)) !== 0) {
    return (
      'has host bits set: the address before the / must be the first address of the range ' +
      '(e.g. 10.0.0.0/29, not 10.0.0.1/29)'
    );
  }
  return undefined;
}

/** A CIDR range of at least /29 (prefix length 29 or shorter) with its host bits zero, as subnetIpRange needs. */
export const Cidr29Schema = ruledString(
  `an IPv4 CIDR range of at least /${MAX_SUBNET_PREFIX}, e.g. 10.0.0.0/29`,
  cidrProblem,
);

// ---- Cloud Storage ----------------------------------------------------------------------------------------

function bucketProblem(value: string): Problem {
  if (value.startsWith('gs://'))
    return 'must be the bucket name without the gs:// prefix (a path inside the bucket goes in rootPath)';
  if (value.includes('/')) return 'must be a bucket name only, without a path (the path goes in rootPath)';
  return bucketNameProblem(value);
}

/** Cloud Storage's bucket naming rules, for a name already taken out of its field (cdcConfig.bucket, a gs:// URL). */
function bucketNameProblem(value: string): Problem {
  if (/[A-Z]/.test(value)) return 'must be lowercase: bucket names use lowercase letters, digits, -, _ and .';
  if (!/^[a-z0-9._-]*$/.test(value)) return 'may contain only lowercase letters, digits, -, _ and .';
  const parts = value.split('.');
  if (value.length < 3 || value.length > 222 || (parts.length === 1 && value.length > 63))
    return 'must be 3-63 characters long (up to 222 if it contains dots)';
  if (parts.some((part) => part.length === 0 || part.length > 63))
    return 'must have dot-separated parts of 1-63 characters each';
  if (!/^[a-z0-9]/.test(value) || !/[a-z0-9]$/.test(value)) return 'must start and end with a letter or digit';
  if (value.startsWith('goog')) return 'must not start with "goog" (reserved by Google)';
  if (/g[o0]{2}g[l1]e/.test(value)) return 'must not contain "google" or a close misspelling of it';
  if (parseIpv4(value) !== undefined) return 'must not be an IP address in dotted-decimal form';
  return undefined;
}

export const BucketNameSchema = ruledString('a Cloud Storage bucket name without gs://', bucketProblem);

/** Generous for a folder path: GCS object names stop at 1024 bytes and Datastream appends its own path. */
export const MAX_ROOT_PATH = 512;

function rootPathProblem(value: string): Problem {
  if (value.startsWith('gs://')) return "must be a path inside the bucket starting with '/', not a gs:// URL";
  if (!value.startsWith('/')) return "must start with '/' (a path inside the bucket, e.g. /migration)";
  if (value.length > MAX_ROOT_PATH) return `must be at most ${MAX_ROOT_PATH} characters`;
  if (value.includes('//')) return "must not contain empty segments ('//')";
  if (value.split('/').some((segment) => segment === '.' || segment === '..'))
    return "must not contain '.' or '..' segments";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters or line breaks';
  return undefined;
}

/** GCS object names stop at 1024 bytes; the service writes its report object below the folder. */
export const MAX_REPORT_PATH = 1024;

/**
 * biglakeMetastoreMigrationConfig.reportPath: a Cloud Storage folder `gs://BUCKET[/FOLDER…]` where the service
 * writes the backfill's or dry run's report. Checked here because a wrong one fails only after the backfill ran,
 * when the report cannot be written.
 */
function reportPathProblem(value: string): Problem {
  if (!value.startsWith('gs://')) {
    return /^https?:\/\//.test(value)
      ? 'must be a gs://BUCKET/FOLDER URL, not an https:// link to the console or the JSON API'
      : 'must be a Cloud Storage folder gs://BUCKET or gs://BUCKET/FOLDER';
  }
  if (value.length > MAX_REPORT_PATH) return `must be at most ${MAX_REPORT_PATH} characters`;
  const [bucket = '', ...folder] = value.slice('gs://'.length).split('/');
  if (bucket === '') return 'must name a bucket after gs:// (gs://BUCKET/FOLDER)';
  const problem = bucketNameProblem(bucket);
  if (problem) return `has a bucket name that is not valid: it ${problem}`;
  // One trailing slash is how people write a folder; an empty segment anywhere else is a typo ('a//b').
  const segments = folder.at(-1) === '' ? folder.slice(0, -1) : folder;
  if (segments.some((segment) => segment === '')) return "must not contain empty segments ('//')";
  if (segments.some((segment) => segment === '.' || segment === '..')) return "must not contain '.' or '..' segments";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters or line breaks';
  return undefined;
}

export const ReportPathSchema = ruledString('a Cloud Storage folder gs://BUCKET[/FOLDER]', reportPathProblem);

export const RootPathSchema = ruledString(
  "a path inside the bucket starting with '/', e.g. /migration",
  rootPathProblem,
);

// ---- MySQL ------------------------------------------------------------------------------------------------

/** MySQL 5.7.8+ limit for user names. */
export const MAX_MYSQL_USER = 32;
/** MySQL limit for database names. */
export const MAX_MYSQL_DATABASE = 64;

function mysqlUserProblem(value: string): Problem {
  if (value === '') return 'must not be empty (the MySQL user name)';
  if (/\s/.test(value)) return 'must not contain whitespace';
  if (value.includes('@'))
    return "must be the user name only, without @HOST (the host part belongs to MySQL's CREATE USER 'name'@'%')";
  if (/['"`]/.test(value)) return 'must be the bare user name, without quotes';
  if (value.length > MAX_MYSQL_USER) return `must be at most ${MAX_MYSQL_USER} characters (MySQL's limit)`;
  return undefined;
}

export const MysqlUserSchema = ruledString('a MySQL user name', mysqlUserProblem);

function mysqlDatabaseProblem(value: string): Problem {
  if (value === '') return 'must not be empty (the MySQL database of the Hive metastore)';
  if (value.length > MAX_MYSQL_DATABASE) return `must be at most ${MAX_MYSQL_DATABASE} characters (MySQL's limit)`;
  if (!/^[A-Za-z0-9_$-]+$/.test(value))
    return 'must be a MySQL database name: letters, digits, _, $ or - only (no dots, slashes, spaces or quotes)';
  if (/^\d+$/.test(value)) return 'must not consist only of digits (MySQL reads that as a number)';
  return undefined;
}

export const MysqlDatabaseSchema = ruledString('a MySQL database name', mysqlDatabaseProblem);

// ---- secret references ------------------------------------------------------------------------------------

const PLAINTEXT =
  'must be a secret reference: env:NAME, file:/ABSOLUTE/PATH or a Secret Manager version ' +
  'projects/PROJECT/secrets/SECRET/versions/VERSION (plaintext passwords are refused so they never reach ' +
  'Temporal history)';

function secretRefProblem(value: string): Problem {
  if (value.startsWith('env:')) {
    return /^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value)
      ? undefined
      : 'env: must be followed by an environment variable name (letters, digits and _, not starting with a digit)';
  }
  if (value.startsWith('file:')) {
    if (!value.startsWith('file:/'))
      return "file: must be followed by an absolute path on the worker (a relative one depends on the worker's directory)";
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u001f]/.test(value) ? 'file: path must not contain control characters or line breaks' : undefined;
  }
  if (value.startsWith('projects/')) {
    return /^projects\/[a-z0-9-]+\/secrets\/[A-Za-z0-9_-]{1,255}\/versions\/(?:latest|[1-9]\d*)$/.test(value)
      ? undefined
      : 'a Secret Manager reference must be projects/PROJECT/secrets/SECRET/versions/NUMBER (or latest)';
  }
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value))
    return 'must be env:NAME, not shell syntax (nothing expands $NAME in this file)';
  return PLAINTEXT;
}

/** `env:NAME`, `file:/PATH` or a Secret Manager version; resolved only inside the activities that need it. */
export const SecretRefSchema = ruledString(
  'a secret reference, env:NAME, file:/ABSOLUTE/PATH or projects/P/secrets/S/versions/V',
  secretRefProblem,
);
export type SecretRef = z.infer<typeof SecretRefSchema>;

// ---- ids --------------------------------------------------------------------------------------------------

export const MigrationExecutionIdSchema = z
  .string({ error: expected('a migration execution id') })
  .regex(
    /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
    'must be 2-63 characters of [a-z0-9-], start with a letter, end with a letter or digit',
  );
