// Environment → validated Config, parsed once by worker.ts and client.ts.
import { z } from 'zod';
import { ApiVersionSchema, formatIssues } from './schemas';

export const TASK_QUEUE = 'metastore-migration';

const EnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(TASK_QUEUE),
  /** host:port of the local emulator; when set, requests go there over plain HTTP without credentials. */
  METASTORE_EMULATOR_HOST: z
    .string()
    .regex(/^[^\s/:]+:\d{1,5}$/, 'must be host:port')
    .optional(),
  METASTORE_ENDPOINT: z.url().default('https://metastore.googleapis.com'),
  METASTORE_API_VERSION: ApiVersionSchema.default('v1'),
  METASTORE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(20_000),
});

export interface Config {
  temporal: { address: string; namespace: string; taskQueue: string };
  metastore: {
    emulatorHost?: string;
    endpoint: string;
    apiVersion: z.infer<typeof ApiVersionSchema>;
    timeoutMs: number;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty variables as unset (docker-compose passes `${X:-}` as an empty string).
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(`invalid environment:\n${formatIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    metastore: {
      emulatorHost: e.METASTORE_EMULATOR_HOST,
      endpoint: e.METASTORE_ENDPOINT,
      apiVersion: e.METASTORE_API_VERSION,
      timeoutMs: e.METASTORE_REQUEST_TIMEOUT_MS,
    },
  };
}
