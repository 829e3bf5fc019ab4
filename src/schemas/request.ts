// What an engineer asks for: the API's migrationExecution body with passwords only as secret
// references, plus our own options. This is the workflow's input, so it must never hold a secret.
import { z } from 'zod';
import { migrationExecutionUnionSchema } from './api';
import { biglakeMetastoreMigrationConfigSchema } from './biglake-config';
import type { BiglakeMetastoreMigrationConfigInput } from './biglake-config';
import type { ApiVersion } from '../migration/vocabulary';
import { MigrationExecutionIdSchema, SecretRefSchema, expected, nearestKey, strictObject } from './field-rules';
import { ServiceNameSchema } from './resource-name-schemas';
import { parseIpv4 } from './ipv4';

/** Either kind, passwords as secret references; version-agnostic (see validateMigrationExecution for the version). */
export const MigrationExecutionUnionRequestSchema = migrationExecutionUnionSchema(SecretRefSchema);
export type MigrationExecutionUnionRequest = z.infer<typeof MigrationExecutionUnionRequestSchema>;

/**
 * What the workflow and the CLI accept: either kind. The API-version rule of the outgoing kind (INCREMENTAL_SYNC
 * only on v1alpha/v1beta) needs the worker's configured version, so checkMigrationRequest applies it when given one
 * (the checkRequest activity does). The incoming kind alone is still `migrationExecutionInputSchema` (./api).
 */
export const MigrationExecutionRequestSchema = MigrationExecutionUnionRequestSchema;
export type MigrationExecutionRequest = MigrationExecutionUnionRequest;

/** A checked input, or its issues (cause first, one per field path; never a value). */
export type Validated<T> = { ok: true; value: T } | { ok: false; issues: InputIssue[] };

/**
 * The outgoing kind's config checked against every rule, INCREMENTAL_SYNC against `apiVersion` (the worker's
 * config.metastore.apiVersion). `root` prefixes the issue paths (where the config sits in the caller's input).
 */
export function validateBiglakeMigrationConfig(
  input: unknown,
  apiVersion: ApiVersion,
  root = 'biglakeMetastoreMigrationConfig',
): Validated<BiglakeMetastoreMigrationConfigInput> {
  const parsed = biglakeMetastoreMigrationConfigSchema(apiVersion).safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: inputIssues(parsed.error, root) };
}

/** A migrationExecution body of either kind, the outgoing one checked against `apiVersion`. */
export function validateMigrationExecution(
  input: unknown,
  apiVersion: ApiVersion,
  root = '',
): Validated<MigrationExecutionUnionRequest> {
  const parsed = migrationExecutionUnionSchema(SecretRefSchema, apiVersion).safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: inputIssues(parsed.error, root) };
}

/** A number of seconds within [min, max]; the message gives the range. */
function seconds(min: number, max: number) {
  return z
    .number({ error: expected(`a number of seconds from ${min} to ${max}`) })
    .min(min)
    .max(max);
}

/**
 * Where notifications go: `[chat:]TARGET`, TARGET an http(s) URL, a secret reference to one (`env:NAME`,
 * `file:/PATH`, a Secret Manager version: a Slack webhook URL is a credential, and the request is history), or
 * `worker` (the worker's METASTORE_MIGRATOR_NOTIFY_URLS). `chat:` posts `{ text }` for Slack-style incoming
 * webhooks; otherwise the event as JSON.
 */
export const NotifyTargetSchema = z
  .string({ error: expected('a notification target: [chat:]URL, [chat:]env:NAME, or worker') })
  .max(2000)
  .superRefine((value, ctx) => {
    const problem = notifyTargetProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export function notifyTargetProblem(value: string): string | undefined {
  if (value === 'worker') return undefined;
  const target = value.startsWith('chat:') ? value.slice(5) : value;
  if (/^https?:\/\//.test(target)) {
    try {
      new URL(target);
      return undefined;
    } catch {
      return 'is not a valid URL';
    }
  }
  if (/^(env:|file:|projects\/)/.test(target)) {
    const parsed = SecretRefSchema.safeParse(target);
    return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'is not a secret reference');
  }
  return 'must be an http(s) URL, a secret reference to one (env:NAME, file:/PATH), or worker; chat: before it for a chat webhook';
}

/** An IPv4 range a.b.c.d/N (N 0-32) of clients, e.g. DPMS's proxy subnet. */
const ClientCidrSchema = z.string().refine(
  (value) => {
    const [address = '', prefix = '', ...rest] = value.split('/');
    return rest.length === 0 && parseIpv4(address) !== undefined && /^(?:[0-9]|[12][0-9]|3[0-2])$/.test(prefix);
  },
  { message: 'must be an IPv4 CIDR range a.b.c.d/N, e.g. 10.8.0.0/24' },
);

/** A check id to override (a precheck's or a cutover check's): bounded, since it is kept in state and history. */
const CheckIdSchema = z
  .string()
  .max(100, 'must be a check id of at most 100 characters')
  .regex(/^[a-zA-Z]+(\.[a-zA-Z]+)*$/, 'must be a check id such as workloads.moved or cdc.binlogRetention');

/**
 * TLS to the source MySQL: the password goes only to a server whose certificate chains to this CA (Cloud SQL's
 * server CA, named by reference: the worker resolves it within its secret policy). The host name is checked only
 * against `serverName` — Cloud SQL's server certificates do not name the IP. The worker requires TLS; only its own
 * environment (METASTORE_MIGRATOR_SOURCE_TLS=off), never this input, can turn that off.
 */
export const SourceTlsSchema = strictObject('{ caCertificate, serverName? }', {
  caCertificate: SecretRefSchema,
  serverName: z
    .string({ error: expected('a DNS name the server certificate carries') })
    .max(253)
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/, {
      message: 'must be a DNS name the server certificate carries, e.g. 1a2b3c.us-central1.sql.goog',
    })
    // An IP would not be checked as one (TLS sends no IP as server name): refused rather than half-checked.
    .refine((name) => !/^[\d.]+$/.test(name), 'must be a DNS name, not an IP address')
    .optional(),
});
export type SourceTlsOption = z.infer<typeof SourceTlsSchema>;

export const MigrationOptionsSchema = strictObject('the orchestration options', {
  /** Notification targets (see NotifyTargetSchema); none by default. */
  notify: z.array(NotifyTargetSchema).max(10).optional(),
  /** An API error lasting this long is notified once (while it lasts). */
  notifyErrorAfterSeconds: seconds(1, 604_800).optional(),
  /** Steady-state interval at which the watcher reads the execution and the service. */
  pollIntervalSeconds: seconds(0.1, 3600).default(60),
  /** Interval used for a while after every transition (start, complete, cancel, a state change). */
  fastPollSeconds: seconds(0.1, 3600).default(5),
  /** How long after a transition polling stays fast. */
  fastPollForSeconds: seconds(0, 86_400).default(600),
  /** How often a running operation is read. */
  operationPollSeconds: seconds(0.1, 300).default(5),
  /** startToClose of each single API call; a call that takes longer is retried with the same requestId. */
  apiTimeoutSeconds: seconds(1, 600).default(30),
  /**
   * The watcher returns at least this often even if nothing changed (default: daily). Each return costs ~6
   * history events; between returns its heartbeat carries the last poll (the CLI's status shows it live).
   */
  maxQuietSeconds: seconds(0.05, 86_400).default(86_400),
  /** Precheck ids whose errors the engineer accepts (e.g. 'cdc.gtid'); they are reported as warnings. */
  overrides: z.array(CheckIdSchema).max(50, 'at most 50 overrides').default([]),
  /** TLS to the source (see SourceTlsSchema); without it a worker that requires TLS does not connect. */
  sourceTls: SourceTlsSchema.optional(),
  /** How often the source checks run again while replicating (their changes show in status and SourceHealth). */
  sourceCheckIntervalSeconds: seconds(0.1, 604_800).default(3600),
  /**
   * The binlog retention the CDC stream may need, in days, when more than Datastream's 7-day floor (a long initial
   * copy, a planned pause); the time an execution has awaited user action (its stream stopped) adds to it.
   */
  binlogRetentionDays: z
    .number({ error: expected('a number of days from 7 to 365') })
    .min(7)
    .max(365)
    .default(7),
  /** DPMS's proxy range as IPv4 CIDRs: at cutover a session on the Hive database from outside it blocks complete. */
  dpmsClientCidrs: z.array(ClientCidrSchema).max(20).optional(),
  /** Known read-only clients the cutover gate lets stay: 'host', 'CIDR', 'user@host' or 'user@CIDR'. */
  allowedClients: z
    .array(
      z
        .string()
        .regex(/^(?:[^@\s]{1,80}@)?[\w.:%-]{1,80}(?:\/\d{1,2})?$/, 'must be host, CIDR, user@host or user@CIDR'),
    )
    .max(50)
    .optional(),
  /**
   * Outgoing kind: how long the run stays open after the migration SUCCEEDED with the service in PROXY, accepting
   * a rollback (cancelMigration → ROLLED_BACK, the service back to ACTIVE); 0 ends the run at SUCCEEDED. The
   * contract documents no limit on Google's side (§3.1), so this is the engineer's own window. Default 3 days.
   */
  rollbackWindowSeconds: seconds(0, 31_536_000).default(259_200),
  /** Continue-as-new once a run's history reaches this many events (or when the server suggests it). */
  maxHistoryEvents: z
    .number({ error: expected('a whole number of history events from 50 to 40000') })
    .int()
    .min(50)
    .max(40_000)
    .default(5000),
});
export type MigrationOptions = z.infer<typeof MigrationOptionsSchema>;

/** Who asked, and why: kept in the audit trail (bounded like a decision's). */
const ByField = z.string({ error: expected('a string of at most 200 characters (who asked)') }).max(200);
const ReasonField = z.string({ error: expected('a string of at most 2000 characters (why)') }).max(2000);

/**
 * Take over the service's migration execution that is already running (started by an earlier run, gcloud or the
 * console) instead of starting one. `restoreBackups`: if scheduled backups are already off when adopting, turn
 * them back on at the end with the service's own schedule (nothing trustworthy says they were ever on, so only when
 * the engineer says so); if they are on, they are turned off and restored as in any run, and this is not needed.
 */
export const AdoptSchema = strictObject('an object { restoreBackups?, by?, reason? }', {
  restoreBackups: z.boolean({ error: expected('true or false') }).default(false),
  by: ByField.optional(),
  reason: ReasonField.optional(),
});
export type Adopt = z.infer<typeof AdoptSchema>;

export const MigrationRequestSchema = strictObject(
  'a migration request: service, migrationExecution, optional migrationExecutionId, adopt and options',
  {
    service: ServiceNameSchema,
    migrationExecution: MigrationExecutionRequestSchema,
    /** With `adopt`: the execution to take over must have this id (else any one active execution is taken). */
    migrationExecutionId: MigrationExecutionIdSchema.optional(),
    adopt: AdoptSchema.optional(),
    options: MigrationOptionsSchema.default(MigrationOptionsSchema.parse({})),
  },
  {
    cloudSqlMigrationConfig: 'belongs inside migrationExecution',
    requestId: 'is made by the workflow, one per API call, so that retries are idempotent',
  },
);
export type MigrationRequest = z.infer<typeof MigrationRequestSchema>;
export type MigrationRequestInput = z.input<typeof MigrationRequestSchema>;

/** A signal's or update's optional argument: who asked and why (and, for complete, cutover checks overridden). */
export const DecisionArgsSchema = strictObject('an object { by?, reason?, override? }', {
  override: z.array(CheckIdSchema).max(50, 'at most 50 overrides').optional(),
  by: ByField.optional(),
  reason: ReasonField.optional(),
});
export type DecisionArgs = z.infer<typeof DecisionArgsSchema>;

/** One problem of an input: the dotted path of the field ((root) for the whole) and what is wrong with it. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * zod issues as InputIssues, the cause first and once: an unknown field (a typo, ipAdress) comes before the rest,
 * and the "is required" of the field it is a typo of (ipAddress) is left out, since it says the same again.
 * Never includes the offending value (it may be a secret).
 */
export function inputIssues(error: z.ZodError, root = ''): InputIssue[] {
  const pathOf = (parts: readonly PropertyKey[]) =>
    [root, ...parts.map(String)].filter((part) => part !== '').join('.') || '(root)';
  type Issue = (typeof error.issues)[number];
  const isUnknown = (issue: Issue): issue is Extract<Issue, { code: 'unrecognized_keys' }> =>
    issue.code === 'unrecognized_keys';
  const unknown = error.issues.filter(isUnknown);
  const typoOf = (issue: Issue) => {
    const field = issue.path.at(-1);
    if (typeof field !== 'string' || !issue.message.startsWith('is required')) return false;
    const parent = pathOf(issue.path.slice(0, -1));
    return unknown.some((u) => pathOf(u.path) === parent && u.keys.some((key) => nearestKey(key, [field]) === field));
  };
  return [...unknown, ...error.issues.filter((issue) => !isUnknown(issue) && !typoOf(issue))].map((issue) => ({
    path: pathOf(issue.path),
    message: issue.message,
  }));
}

/** Formats zod issues as `path: message` lines (inputIssues: the cause first, once); never the offending value. */
export function formatIssues(error: z.ZodError, root = ''): string {
  return inputIssues(error, root)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('\n');
}

/**
 * A migration request checked against today's rules: the parsed request, or the issues (one `path: message` line
 * each) and the request as an earlier run accepted it (option defaults filled in), for a run that must keep it.
 */
export type RequestCheck = { request: MigrationRequest } | { issues: string; acceptedEarlier: MigrationRequest };

export function checkMigrationRequest(input: MigrationRequestInput, apiVersion?: ApiVersion): RequestCheck {
  const parsed = MigrationRequestSchema.safeParse(input);
  // The version rule (INCREMENTAL_SYNC only on v1alpha/v1beta) once the shape is right: it needs the version the
  // worker calls, which the request does not carry.
  const versioned =
    parsed.success && apiVersion !== undefined && parsed.data.migrationExecution.biglakeMetastoreMigrationConfig
      ? validateMigrationExecution(parsed.data.migrationExecution, apiVersion, 'request.migrationExecution')
      : undefined;
  if (parsed.success && (versioned === undefined || versioned.ok)) return { request: parsed.data };
  const issues = parsed.success
    ? versioned && !versioned.ok
      ? versioned.issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n')
      : ''
    : formatIssues(parsed.error, 'request');
  return {
    issues,
    acceptedEarlier: {
      ...(input as MigrationRequest),
      options: { ...MigrationOptionsSchema.parse({}), ...input.options },
    },
  };
}
