// Resolves secret references (env:NAME, file:PATH, Secret Manager versions). Called only inside the activities
// that need a password, so plaintext never enters workflow input, history, logs or errors. Every resolved value
// is registered with redact(), so should one ever reach a log line or an error message anyway, it is masked.
import { readFile } from 'node:fs/promises';
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

export function createSecretResolver(
  env: NodeJS.ProcessEnv = process.env,
  secretManager?: SecretVersionAccess,
): SecretResolver {
  const resolve = readSecret(env, secretManager);
  return async (ref, field) => {
    const value = await resolve(ref, field);
    registerSecret(value);
    return value;
  };
}

function readSecret(env: NodeJS.ProcessEnv, secretManager?: SecretVersionAccess): SecretResolver {
  return async (ref, field) => {
    if (SECRET_VERSION.test(ref)) {
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
      const value = env[ref.slice(4)];
      if (!value) throw new SecretUnresolvedError(`${field}: ${ref} is not set in the worker's environment`);
      return value;
    }
    if (ref.startsWith('file:')) {
      try {
        const value = (await readFile(ref.slice(5), 'utf8')).replace(/\r?\n$/, '');
        if (!value) throw new SecretUnresolvedError(`${field}: ${ref} is empty`);
        return value;
      } catch (err) {
        if (err instanceof SecretUnresolvedError) throw err;
        const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new SecretUnresolvedError(`${field}: ${ref} cannot be read on the worker (${code})`);
      }
    }
    throw new SecretUnresolvedError(
      `${field}: not a secret reference (env:NAME, file:PATH or projects/P/secrets/S/versions/V)`,
    );
  };
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
