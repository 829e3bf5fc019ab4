// Two small pieces of the outside world a rehearsal needs: IAM permissions the caller is denied (so a plan's
// permission check and a 403 mid-migration can be exercised), and Secret Manager versions the worker reads
// for `projects/P/secrets/S/versions/V` password references. Secrets live in memory only: never in the
// state file, since they are passwords. Their REST handler is in secret-handlers.ts.
import { z } from 'zod';
import { ApiError } from './errors';

export class IamPolicy {
  private readonly denied = new Set<string>();

  deny(permissions: readonly string[]): void {
    this.denied.clear();
    for (const permission of permissions) this.denied.add(permission);
  }

  allows(permission: string | undefined): boolean {
    return permission === undefined || !this.denied.has(permission);
  }

  list(): string[] {
    return [...this.denied].sort();
  }

  /** A 403 in the shape Google's front end sends for a missing IAM permission. */
  check(permission: string | undefined, resource: string): void {
    if (this.allows(permission)) return;
    throw new ApiError(
      'PERMISSION_DENIED',
      `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`,
      'IAM_PERMISSION_DENIED',
      [],
      403,
      { domain: 'metastore.googleapis.com', metadata: { permission: permission ?? '', resource } },
    );
  }
}

export const SecretVersionBodySchema = z
  .object({
    /** projects/P/secrets/S: each POST adds the next version (1, 2, …). */
    secret: z.string().regex(/^projects\/[^/]+\/secrets\/[^/]+$/, 'must be projects/PROJECT/secrets/SECRET'),
    value: z.string().min(1),
  })
  .strict();

export class SecretStore {
  private readonly versions = new Map<string, string[]>();

  add(secret: string, value: string): { name: string } {
    const list = this.versions.get(secret) ?? [];
    list.push(value);
    this.versions.set(secret, list);
    return { name: `${secret}/versions/${list.length}` };
  }

  clear(): void {
    this.versions.clear();
  }

  /** `projects/P/secrets/S/versions/N|latest` → the AccessSecretVersionResponse, or undefined. */
  access(versionName: string): { name: string; payload: { data: string } } | undefined {
    const match = /^(projects\/[^/]+\/secrets\/[^/]+)\/versions\/(latest|\d+)$/.exec(versionName);
    const list = match ? this.versions.get(match[1] ?? '') : undefined;
    if (!match || !list) return undefined;
    const number = match[2] === 'latest' ? list.length : Number(match[2]);
    const value = list[number - 1];
    if (value === undefined) return undefined;
    return { name: `${match[1]}/versions/${number}`, payload: { data: Buffer.from(value).toString('base64') } };
  }
}
