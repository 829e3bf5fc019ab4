// Environment → validated Config, parsed once by worker.ts and client.ts. The Temporal connection comes from
// envconfig (./temporal.ts), so this tool and the temporal CLI share one configuration.
import { z } from 'zod';
import { ApiVersionSchema, formatIssues, inputIssues, notifyTargetProblem } from '../schemas';
import type { InputIssue } from '../schemas';
import { registerSecret } from '../secrets/redact';
import type { SecretPolicy } from '../secrets/resolver';
import type { SourceTlsPolicy } from '../source/types';
import { type TemporalConnectionConfig, TemporalConfigError, loadTemporalConnection } from './temporal';

export type { TemporalConnectionConfig } from './temporal';
export { TemporalConnectError, connectError, describeConnectError } from './temporal';

export const TASK_QUEUE = 'metastore-migration';

/** How much one worker process takes on at once (METASTORE_MIGRATOR_*_SLOTS and friends). */
export interface WorkerSizing {
  /** Concurrent workflow tasks (each a few ms of CPU). */
  workflowTaskSlots: number;
  /** Concurrent control activities: prechecks, start, complete, cancel, restore, operation checks. */
  controlSlots: number;
  /** Concurrent poll attempts (each one read, then the slot is free until the server's next retry). */
  pollSlots: number;
  /** Workflows kept in memory; an evicted one is replayed from its history at its next event. */
  maxCachedWorkflows: number;
  workflowTaskPollers: number;
  activityTaskPollers: number;
}

const CODEC_KEYS = 'METASTORE_MIGRATOR_CODEC_KEYS';
const CODEC_KEY_ID = 'METASTORE_MIGRATOR_CODEC_KEY_ID';
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * `id1:base64key,id2:base64key` → keys of exactly 32 bytes. Messages name the entry by position and id, never
 * its material: a ConfigError ends up on a terminal or in a log.
 */
const CodecKeysSchema = z.string().transform((value, ctx) => {
  const keys: CodecKey[] = [];
  for (const [index, entry] of value.split(',').entries()) {
    const separator = entry.indexOf(':');
    const id = separator < 0 ? '' : entry.slice(0, separator).trim();
    const material = separator < 0 ? '' : entry.slice(separator + 1).trim();
    const problem = keyProblem(id, material, keys);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `entry ${index + 1}${problem}` });
      return z.NEVER;
    }
    keys.push({ id, key: Buffer.from(material, 'base64') });
  }
  return keys;
});

function keyProblem(id: string, material: string, earlier: CodecKey[]): string | undefined {
  if (!KEY_ID_PATTERN.test(id)) return `: expected id:base64key with an id of letters, digits, '.', '_' or '-'`;
  if (earlier.some((key) => key.id === id)) return `: key id ${id} is listed twice`;
  if (!BASE64_PATTERN.test(material) || Buffer.from(material, 'base64').length !== 32) {
    return ` (key id ${id}): the key must be 32 bytes in base64 (openssl rand -base64 32)`;
  }
  return undefined;
}

/** Worker sizing: env name → [default, min, max]. Defaults suit 2,000 waiting migrations on 2 cores. */
const SIZING = {
  METASTORE_MIGRATOR_WORKFLOW_TASK_SLOTS: [20, 1, 1000],
  METASTORE_MIGRATOR_CONTROL_SLOTS: [200, 1, 2000],
  METASTORE_MIGRATOR_POLL_SLOTS: [50, 1, 2000],
  METASTORE_MIGRATOR_MAX_CACHED_WORKFLOWS: [400, 0, 100_000],
  METASTORE_MIGRATOR_WORKFLOW_POLLERS: [4, 2, 100],
  METASTORE_MIGRATOR_ACTIVITY_POLLERS: [4, 1, 100],
} as const;

/**
 * The worker's floors under the intervals a request asks for, env name → default seconds (see
 * src/activities/min-intervals.ts). Production values: the request's own defaults are 60, 5, 5 and 3600.
 * Tests, the demo and benchmarks against the local emulator set them to 0.
 */
const MIN_INTERVALS = {
  METASTORE_MIGRATOR_MIN_POLL_SECONDS: 5,
  METASTORE_MIGRATOR_MIN_FAST_POLL_SECONDS: 1,
  METASTORE_MIGRATOR_MIN_OPERATION_POLL_SECONDS: 1,
  METASTORE_MIGRATOR_MIN_SOURCE_CHECK_SECONDS: 60,
} as const;

export interface MinIntervals {
  pollMs: number;
  fastPollMs: number;
  operationPollMs: number;
  sourceCheckMs: number;
}

function minIntervalsEnv() {
  return Object.fromEntries(
    Object.entries(MIN_INTERVALS).map(([name, fallback]) => [
      name,
      z.coerce.number().min(0).max(3600).default(fallback),
    ]),
  ) as Record<keyof typeof MIN_INTERVALS, z.ZodDefault<z.ZodCoercedNumber>>;
}

function sizingEnv() {
  return Object.fromEntries(
    Object.entries(SIZING).map(([name, [fallback, min, max]]) => [
      name,
      z.coerce.number().int().min(min).max(max).default(fallback),
    ]),
  ) as Record<keyof typeof SIZING, z.ZodDefault<z.ZodCoercedNumber>>;
}

/** A comma-separated list; `problem` judges each entry, which is named by position, never by value. */
function commaList(problem: (entry: string) => string | undefined) {
  return z
    .string()
    .transform((value, ctx) => {
      const entries = value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      for (const [index, entry] of entries.entries()) {
        const found = problem(entry);
        if (found) ctx.addIssue({ code: 'custom', message: `entry ${index + 1} ${found}` });
      }
      return entries;
    })
    .default([]);
}

const matching = (pattern: RegExp, what: string) => (entry: string) =>
  pattern.test(entry) ? undefined : `is not ${what}`;

const EnvSchema = z
  .object({
    TEMPORAL_TASK_QUEUE: z.string().min(1).default(TASK_QUEUE),
    /** host:port of the local emulator; when set, requests go there over plain HTTP without credentials. */
    METASTORE_EMULATOR_HOST: z
      .string()
      .regex(/^[^\s/:]+:\d{1,5}$/, 'must be host:port')
      .optional(),
    /** A bearer token for an emulator started with --require-token (never used against Google). */
    METASTORE_EMULATOR_TOKEN: z.string().min(1).optional(),
    METASTORE_ENDPOINT: z.url().default('https://metastore.googleapis.com'),
    /** The Temporal Web UI's base URL (http://127.0.0.1:8233, https://cloud.temporal.io): `start` links to the run. */
    METASTORE_MIGRATOR_TEMPORAL_UI: z.url({ protocol: /^https?$/ }).optional(),
    METASTORE_API_VERSION: ApiVersionSchema.default('v1'),
    METASTORE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(20_000),
    /** Payload encryption keys; unset = payloads are stored in plain JSON (production should set them). */
    [CODEC_KEYS]: CodecKeysSchema.optional(),
    /** The key that encrypts new payloads; default the last one listed. Every listed key still decrypts. */
    [CODEC_KEY_ID]: z.string().optional(),
    /** Metastore API calls per second per Google project, for all workers together (Google allows 5 per caller). */
    METASTORE_MIGRATOR_API_BUDGET: z.coerce.number().min(0.01).max(1000).default(3),
    /** How often a worker counts the workers sharing the budget (DescribeTaskQueue). */
    METASTORE_MIGRATOR_BUDGET_SHARE_SECONDS: z.coerce.number().min(1).max(3600).default(30),
    /** host:port the worker serves Prometheus metrics on (/metrics); unset = no metrics. */
    METASTORE_MIGRATOR_METRICS_ADDRESS: z
      .string()
      .regex(/^[^\s/]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
      .optional(),
    /** The worker's notification targets for every migration, comma-separated ([chat:]URL or a reference). */
    // The position, never the value: a webhook URL is a credential.
    METASTORE_MIGRATOR_NOTIFY_URLS: commaList((target) =>
      target === 'worker' ? 'worker names this list itself' : notifyTargetProblem(target),
    ),
    /**
     * What secret references in workflow input may name on this worker (anyone with namespace access writes that
     * input): environment variable names, comma-separated, a trailing '*' allowing a prefix (HIVE_*) …
     */
    METASTORE_MIGRATOR_SECRET_ENV: commaList(
      matching(/^[A-Za-z_][A-Za-z0-9_]*\*?$/, 'a variable name or a prefix ending in *'),
    ),
    /** … the one directory file: references may read (regular files of at most 64 KiB, real path inside) … */
    METASTORE_MIGRATOR_SECRET_DIR: z.string().startsWith('/', 'must be an absolute path').optional(),
    /** … and the Secret Manager projects (ids or numbers) a version may belong to. */
    METASTORE_MIGRATOR_SECRET_PROJECTS: commaList(matching(/^[a-z0-9][a-z0-9.:-]*$/, 'a project id or number')),
    /**
     * TLS to the source MySQL: `required` (default: a request that names no CA does not connect at all) or `off`,
     * the lab opt-out. Here, never in workflow input: anyone with namespace access writes that.
     */
    METASTORE_MIGRATOR_SOURCE_TLS: z
      .enum(['required', 'off'], { error: "must be 'required' or 'off' (the lab opt-out)" })
      .default('required'),
    /** Where the source inventory recorded before cutover is kept for the verification after it (shared by workers). */
    METASTORE_MIGRATOR_INVENTORY_DIR: z.string().min(1).optional(),
    /** How often the worker counts running migrations by stage and execution state for the metrics. */
    METASTORE_MIGRATOR_FLEET_METRICS_SECONDS: z.coerce.number().min(1).max(3600).default(60),
    ...sizingEnv(),
    ...minIntervalsEnv(),
  })
  .superRefine((env, ctx) => {
    const id = env[CODEC_KEY_ID];
    if (id === undefined) return;
    const keys = env[CODEC_KEYS];
    if (keys === undefined)
      ctx.addIssue({ code: 'custom', path: [CODEC_KEY_ID], message: `set without ${CODEC_KEYS}` });
    else if (!keys.some((key) => key.id === id)) {
      ctx.addIssue({ code: 'custom', path: [CODEC_KEY_ID], message: `${id} is not a key id in ${CODEC_KEYS}` });
    }
  });

export interface CodecKey {
  id: string;
  key: Buffer;
}

/** Keys by id for decoding; `encryptionKeyId` encodes. */
export interface CodecConfig {
  keys: CodecKey[];
  encryptionKeyId: string;
}

export interface Config {
  temporal: TemporalConnectionConfig & { taskQueue: string };
  metastore: {
    emulatorHost?: string;
    emulatorToken?: string;
    endpoint: string;
    apiVersion: z.infer<typeof ApiVersionSchema>;
    timeoutMs: number;
  };
  /** Present only when payload encryption is configured. */
  codec?: CodecConfig;
  /** API calls per second per Google project for the whole fleet. */
  apiBudgetPerProject: number;
  budgetShareSeconds: number;
  /** Where the worker serves /metrics; absent = off. */
  metricsAddress?: string;
  /** The Temporal Web UI's base URL, for the CLI's links to a workflow; absent = no link. */
  temporalUiUrl?: string;
  fleetMetricsSeconds: number;
  /** METASTORE_MIGRATOR_INVENTORY_DIR; absent = defaultInventoryDir() (~/.local/state/metastore-migrator/inventories). */
  inventoryDir?: string;
  /** Notification targets of every migration on this worker. */
  notifyDefaults: string[];
  /** What secret references may name on this worker (METASTORE_MIGRATOR_SECRET_ENV, _DIR, _PROJECTS). */
  secretPolicy: SecretPolicy;
  /** METASTORE_MIGRATOR_SOURCE_TLS: 'off' lets source connections go without TLS (a lab setup only). */
  sourceTlsPolicy: SourceTlsPolicy;
  sizing: WorkerSizing;
  minIntervals: MinIntervals;
}

/** `issues`: one per variable, for the CLI's --json. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly issues?: InputIssue[],
  ) {
    super(message);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty variables as unset (docker-compose passes `${X:-}` as an empty string).
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success)
    throw new ConfigError(`invalid environment:\n${formatIssues(parsed.error)}`, inputIssues(parsed.error));
  const e = parsed.data;
  const keys = e[CODEC_KEYS];
  let temporal: TemporalConnectionConfig;
  try {
    temporal = loadTemporalConnection(env);
  } catch (err) {
    if (err instanceof TemporalConfigError) throw new ConfigError(err.message);
    throw err;
  }
  // Masked should it ever reach a log line or an error.
  if (temporal.connectionOptions.apiKey) registerSecret(temporal.connectionOptions.apiKey);
  return {
    temporal: { ...temporal, taskQueue: e.TEMPORAL_TASK_QUEUE },
    metastore: {
      emulatorHost: e.METASTORE_EMULATOR_HOST,
      emulatorToken: e.METASTORE_EMULATOR_TOKEN,
      endpoint: e.METASTORE_ENDPOINT,
      apiVersion: e.METASTORE_API_VERSION,
      timeoutMs: e.METASTORE_REQUEST_TIMEOUT_MS,
    },
    ...(keys && { codec: { keys, encryptionKeyId: e[CODEC_KEY_ID] ?? keys[keys.length - 1]!.id } }),
    apiBudgetPerProject: e.METASTORE_MIGRATOR_API_BUDGET,
    budgetShareSeconds: e.METASTORE_MIGRATOR_BUDGET_SHARE_SECONDS,
    ...(e.METASTORE_MIGRATOR_METRICS_ADDRESS && { metricsAddress: e.METASTORE_MIGRATOR_METRICS_ADDRESS }),
    ...(e.METASTORE_MIGRATOR_TEMPORAL_UI && { temporalUiUrl: e.METASTORE_MIGRATOR_TEMPORAL_UI }),
    fleetMetricsSeconds: e.METASTORE_MIGRATOR_FLEET_METRICS_SECONDS,
    ...(e.METASTORE_MIGRATOR_INVENTORY_DIR && { inventoryDir: e.METASTORE_MIGRATOR_INVENTORY_DIR }),
    notifyDefaults: e.METASTORE_MIGRATOR_NOTIFY_URLS,
    secretPolicy: {
      env: e.METASTORE_MIGRATOR_SECRET_ENV,
      ...(e.METASTORE_MIGRATOR_SECRET_DIR && { dir: e.METASTORE_MIGRATOR_SECRET_DIR }),
      projects: e.METASTORE_MIGRATOR_SECRET_PROJECTS,
    },
    sourceTlsPolicy: e.METASTORE_MIGRATOR_SOURCE_TLS,
    sizing: {
      workflowTaskSlots: e.METASTORE_MIGRATOR_WORKFLOW_TASK_SLOTS,
      controlSlots: e.METASTORE_MIGRATOR_CONTROL_SLOTS,
      pollSlots: e.METASTORE_MIGRATOR_POLL_SLOTS,
      maxCachedWorkflows: e.METASTORE_MIGRATOR_MAX_CACHED_WORKFLOWS,
      workflowTaskPollers: e.METASTORE_MIGRATOR_WORKFLOW_POLLERS,
      activityTaskPollers: e.METASTORE_MIGRATOR_ACTIVITY_POLLERS,
    },
    minIntervals: {
      pollMs: e.METASTORE_MIGRATOR_MIN_POLL_SECONDS * 1000,
      fastPollMs: e.METASTORE_MIGRATOR_MIN_FAST_POLL_SECONDS * 1000,
      operationPollMs: e.METASTORE_MIGRATOR_MIN_OPERATION_POLL_SECONDS * 1000,
      sourceCheckMs: e.METASTORE_MIGRATOR_MIN_SOURCE_CHECK_SECONDS * 1000,
    },
  };
}
