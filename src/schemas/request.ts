// What an engineer asks for: the API's migrationExecution body with passwords only as secret
// references, plus our own options. This is the workflow's input, so it must never hold a secret.
import { z } from 'zod';
import { MigrationExecutionIdSchema, ServiceNameSchema, migrationExecutionInputSchema } from './api';

/** `env:NAME`, `file:PATH` or a Secret Manager version; resolved only inside the activity that needs it. */
export const SecretRefSchema = z
  .string()
  .regex(
    /^(?:env:[A-Za-z_][A-Za-z0-9_]*|file:.+|projects\/[a-z0-9-]+\/secrets\/[A-Za-z0-9_-]+\/versions\/(?:latest|\d+))$/,
    'must be a secret reference, env:NAME, file:PATH or projects/P/secrets/S/versions/V (plaintext passwords are refused so they never reach Temporal history)',
  );
export type SecretRef = z.infer<typeof SecretRefSchema>;

export const MigrationExecutionRequestSchema = migrationExecutionInputSchema(SecretRefSchema);
export type MigrationExecutionRequest = z.infer<typeof MigrationExecutionRequestSchema>;

export const MigrationOptionsSchema = z
  .object({
    /** Steady-state interval at which the watcher reads the execution and the service. */
    pollIntervalSeconds: z.number().min(0.1).max(3600).default(60),
    /** Interval used for a while after every transition (start, complete, cancel, a state change). */
    fastPollSeconds: z.number().min(0.1).max(3600).default(5),
    /** How long after a transition polling stays fast. */
    fastPollForSeconds: z.number().min(0).max(86_400).default(600),
    /** How often a running operation is read. */
    operationPollSeconds: z.number().min(0.1).max(300).default(5),
    /** startToClose of each single API call; a call that takes longer is retried with the same requestId. */
    apiTimeoutSeconds: z.number().min(1).max(600).default(30),
    /**
     * The watcher returns at least this often even if nothing changed (default: daily). Each return costs ~6
     * history events; between returns its heartbeat carries the last poll (the CLI's status shows it live).
     */
    maxQuietSeconds: z.number().min(0.05).max(86_400).default(86_400),
    /** Precheck ids whose errors the engineer accepts (e.g. 'cdc.gtid'); they are reported as warnings. */
    overrides: z
      .array(z.string().regex(/^[a-zA-Z]+(\.[a-zA-Z]+)*$/, 'must be a check id such as cdc.binlogRetention'))
      .max(50)
      .default([]),
    /** Continue-as-new once a run's history reaches this many events (or when the server suggests it). */
    maxHistoryEvents: z.number().int().min(50).max(40_000).default(5000),
  })
  .strict();
export type MigrationOptions = z.infer<typeof MigrationOptionsSchema>;

export const MigrationRequestSchema = z
  .object({
    service: ServiceNameSchema,
    migrationExecution: MigrationExecutionRequestSchema,
    migrationExecutionId: MigrationExecutionIdSchema.optional(),
    options: MigrationOptionsSchema.default(MigrationOptionsSchema.parse({})),
  })
  .strict();
export type MigrationRequest = z.infer<typeof MigrationRequestSchema>;
export type MigrationRequestInput = z.input<typeof MigrationRequestSchema>;

/** A signal's optional argument: who asked and why. */
export const DecisionArgsSchema = z
  .object({ by: z.string().max(200).optional(), reason: z.string().max(2000).optional() })
  .strict();
export type DecisionArgs = z.infer<typeof DecisionArgsSchema>;

/** Formats zod issues as `path: message` lines; never includes the offending value (it may be a secret). */
export function formatIssues(error: z.ZodError, root = ''): string {
  return error.issues
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].filter((part) => part !== '').join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}
