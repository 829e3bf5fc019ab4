// Resolves secret references (env:NAME, file:PATH, Secret Manager versions). Called only inside the activities
// that need a password, so plaintext never enters workflow input, history, logs or errors. Every resolved value
// is registered with redact(), so should one ever reach a log line or an error message anyway, it is masked.
// References come from workflow input, which anyone with namespace access can write: each resolves only within
// what the worker's operator allowed (SecretPolicy), or it is refused before anything is read.
import { open, realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import { registerSecret } from './redact';
import type { MigrationExecutionInput, MigrationExecutionRequest, SecretRef } from '../schemas';

/** A reference that cannot be resolved. The message names the reference, never a value. */
export class SecretUnresolvedError extends Error {
  override readonly name = 'SecretUnresolvedError';
}

export type SecretResolver = (ref: SecretRef, field: string) => Promise<string>;

/** Reads a Secret Manager version (see secret-manager.ts); absent when the worker has no access configured. */
export type SecretVersionAccess = (versionName: string) => Promise<string>;

export const SECRET_VERSION = /^projects\/[^/]+\/secrets\/[^/]+\/versions\/(?:latest|\d+)$/;

/**
 * What secret references may name on this worker: set by its operator in the worker's environment, never by
 * workflow input (which anyone with namespace access can write). Anything else is refused before it is read.
 */
export interface SecretPolicy {
  /** Environment variables `env:` may name: exact names, or a prefix ending in '*' (METASTORE_MIGRATOR_SECRET_ENV). */
  env: readonly string[];
  /** The one directory `file:` may read from (METASTORE_MIGRATOR_SECRET_DIR): real path inside, a regular file. */
  dir?: string;
  /** Secret Manager projects a version may belong to (METASTORE_MIGRATOR_SECRET_PROJECTS). */
  projects: readonly string[];
}

/** Nothing allowed: a worker resolves only what its operator listed. */
export const NO_SECRETS: SecretPolicy = { env: [], projects: [] };

/** A secret file larger than this is refused (a password, a token, a webhook URL: never more). */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

export function createSecretResolver(
  env: NodeJS.ProcessEnv,
  secretManager: SecretVersionAccess | undefined,
  policy: SecretPolicy,
): SecretResolver {
  const resolve = readSecret(env, secretManager, policy);
  return async (ref, field) => {
    const value = await resolve(ref, field);
    registerSecret(value);
    return value;
  };
}

function readSecret(env: NodeJS.ProcessEnv, secretManager: SecretVersionAccess | undefined, policy: SecretPolicy) {
  return async (ref: SecretRef, field: string): Promise<string> => {
    if (SECRET_VERSION.test(ref)) {
      const project = ref.split('/')[1] ?? '';
      if (!policy.projects.includes(project)) {
        throw new SecretUnresolvedError(
          `${field}: ${ref} is not allowed on this worker: METASTORE_MIGRATOR_SECRET_PROJECTS does not list ${project}`,
        );
      }
      if (!secretManager)
        throw new SecretUnresolvedError(`${field}: ${ref} needs Secret Manager, which this worker has no access to`);
      try {
        const value = await secretManager(ref);
        if (!value) throw new SecretUnresolvedError(`${ref} is empty`);
        return value;
      } catch (err) {
        if (err instanceof SecretUnresolvedError) throw new SecretUnresolvedError(`${field}: ${err.message}`);
        throw err;
      }
    }
    if (ref.startsWith('env:')) {
      const name = ref.slice(4);
      if (!envAllowed(policy, name)) {
        throw new SecretUnresolvedError(
          `${field}: ${ref} is not allowed on this worker: METASTORE_MIGRATOR_SECRET_ENV does not list ${name}`,
        );
      }
      const value = env[name];
      if (!value) throw new SecretUnresolvedError(`${field}: ${ref} is not set in the worker's environment`);
      return value;
    }
    if (ref.startsWith('file:')) return readSecretFile(ref, field, policy.dir);
    throw new SecretUnresolvedError(
      `${field}: not a secret reference (env:NAME, file:PATH or projects/P/secrets/S/versions/V)`,
    );
  };
}

function envAllowed(policy: SecretPolicy, name: string): boolean {
  return policy.env.some((allowed) =>
    allowed.endsWith('*') ? name.startsWith(allowed.slice(0, -1)) : name === allowed,
  );
}

/**
 * A file inside the allowed directory (its real path, so no symlink or '..' leads out), regular, at most
 * MAX_SECRET_FILE_BYTES: checked on the open file, so what is read is what was checked.
 */
async function readSecretFile(ref: SecretRef, field: string, dir: string | undefined): Promise<string> {
  const refused = (why: string) => new SecretUnresolvedError(`${field}: ${ref} ${why}`);
  if (!dir) throw refused('is not allowed on this worker: METASTORE_MIGRATOR_SECRET_DIR is not set');
  let handle;
  try {
    const [root, path] = await Promise.all([realpath(dir), realpath(ref.slice(5))]);
    if (!path.startsWith(root + sep)) {
      throw refused('is not allowed on this worker: it is not inside METASTORE_MIGRATOR_SECRET_DIR');
    }
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (!stat.isFile()) throw refused('is not a regular file');
    if (stat.size > MAX_SECRET_FILE_BYTES) throw refused(`is larger than ${MAX_SECRET_FILE_BYTES / 1024} KiB`);
    const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_SECRET_FILE_BYTES) throw refused(`is larger than ${MAX_SECRET_FILE_BYTES / 1024} KiB`);
    const value = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/\r?\n$/, '');
    if (!value) throw refused('is empty');
    return value;
  } catch (err) {
    if (err instanceof SecretUnresolvedError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw refused(`cannot be read on the worker (${code})`);
  } finally {
    await handle?.close();
  }
}

/** The API body with both passwords resolved. Lives only for the duration of one HTTP call. */
export async function resolveMigrationExecution(
  request: MigrationExecutionRequest,
  resolve: SecretResolver,
): Promise<MigrationExecutionInput> {
  const config = request.cloudSqlMigrationConfig;
  if (!config) return { ...request, cloudSqlMigrationConfig: undefined };
  const base = 'migrationExecution.cloudSqlMigrationConfig';
  const [connectionPassword, cdcPassword] = await Promise.all([
    resolve(config.cloudSqlConnectionConfig.password, `${base}.cloudSqlConnectionConfig.password`),
    resolve(config.cdcConfig.password, `${base}.cdcConfig.password`),
  ]);
  return {
    cloudSqlMigrationConfig: {
      cloudSqlConnectionConfig: { ...config.cloudSqlConnectionConfig, password: connectionPassword },
      cdcConfig: { ...config.cdcConfig, password: cdcPassword },
    },
  };
}
