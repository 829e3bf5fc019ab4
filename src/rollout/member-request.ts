// A member's migration request: the template with the member's overrides merged in (RFC 7386 merge patch: mappings
// merge field by field, anything else replaces, null removes), then checked by MigrationRequestSchema — the schema
// `start` uses — so a member of a rollout is refused for exactly what `start` would refuse. Each issue names the
// field where it was written: the template's fault once, at template.…, or the member's at migrations.N.config.….
import { BIGLAKE_KIND, CLOUD_SQL_KIND } from '../migration/kinds';
import type { ApiVersion, InputIssue, MigrationRequest } from '../schemas';
import { MigrationRequestSchema, inputIssues, validateMigrationExecution } from '../schemas';
import type { MigrationEntry, RolloutTemplate } from './manifest-schema';

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function mergePatch(base: unknown, patch: unknown): unknown {
  if (!isMapping(patch)) return patch;
  const merged: Mapping = isMapping(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = mergePatch(merged[key], value);
  }
  return merged;
}

export type MemberCheck = { ok: true; request: MigrationRequest } | { ok: false; issues: InputIssue[] };

/** The request input of `service` from the template and the member's config (unchecked). */
export function memberRequestInput(service: string, template: RolloutTemplate, config?: MigrationEntry['config']) {
  return {
    service,
    migrationExecution: mergePatch(template.migrationExecution, config?.migrationExecution ?? {}),
    options: mergePatch(template.options ?? {}, config?.options ?? {}),
  };
}

/** Issues of one request input (paths from the request's root); the kind's rule first (the template's decides). */
export function requestIssues(
  input: ReturnType<typeof memberRequestInput>,
  kind: RolloutTemplate['kind'],
  apiVersion: ApiVersion,
): { issues: InputIssue[]; request?: MigrationRequest } {
  const [wanted, other] = kind === 'incoming' ? [CLOUD_SQL_KIND, BIGLAKE_KIND] : [BIGLAKE_KIND, CLOUD_SQL_KIND];
  const execution = isMapping(input.migrationExecution) ? input.migrationExecution : {};
  if (execution[other.configField] !== undefined)
    return {
      issues: [
        {
          path: `migrationExecution.${other.configField}`,
          message: `is the ${kind === 'incoming' ? 'outgoing' : 'incoming'} kind's config; the template's kind is ${kind} (${wanted.configField})`,
        },
      ],
    };
  const parsed = MigrationRequestSchema.safeParse(input);
  if (!parsed.success) return { issues: inputIssues(parsed.error) };
  // The outgoing kind's API-version rule (INCREMENTAL_SYNC on v1alpha/v1beta only), as plan and start apply it.
  if (kind === 'outgoing') {
    const versioned = validateMigrationExecution(parsed.data.migrationExecution, apiVersion, 'migrationExecution');
    if (!versioned.ok) return { issues: versioned.issues };
  }
  return { issues: [], request: parsed.data };
}

/**
 * Checks the member `index`, template merged in. An issue the template has alone too (checked with the member's
 * service), at a field the member did not write, is the template's: returned as templateIssues, for the caller to report once at template.…; the rest are
 * the member's, at migrations.N.config.….
 */
export function checkMember(
  entry: MigrationEntry,
  index: number,
  template: RolloutTemplate,
  apiVersion: ApiVersion,
): { request?: MigrationRequest; memberIssues: InputIssue[]; templateIssues: InputIssue[] } {
  return checkMemberConfig(entry.service, entry.config, `migrations.${index}.config`, template, apiVersion);
}

/**
 * checkMember for a member known by its service and overrides alone (the rollout workflow's members): the member's
 * issues rooted at `root`, the template's at template.…. The rollout starts members with it, so a member is
 * refused there for what lint refuses here.
 */
export function checkMemberConfig(
  service: string,
  config: MigrationEntry['config'],
  root: string,
  template: RolloutTemplate,
  apiVersion: ApiVersion,
): { request?: MigrationRequest; memberIssues: InputIssue[]; templateIssues: InputIssue[] } {
  const merged = requestIssues(memberRequestInput(service, template, config), template.kind, apiVersion);
  if (merged.request) return { request: merged.request, memberIssues: [], templateIssues: [] };
  const alone = requestIssues(memberRequestInput(service, template), template.kind, apiVersion);
  const key = (issue: InputIssue) => `${issue.path}\n${issue.message}`;
  // The template's fault only where the member left the template's value: a value the member wrote is its own.
  const fromTemplate = new Set(alone.issues.filter((issue) => !wrote(config, issue.path)).map(key));
  const rooted = (prefix: string, issue: InputIssue) => ({
    path: issue.path === '(root)' ? prefix : `${prefix}.${issue.path}`,
    message: issue.message,
  });
  return {
    memberIssues: merged.issues.filter((issue) => !fromTemplate.has(key(issue))).map((issue) => rooted(root, issue)),
    templateIssues: merged.issues
      .filter((issue) => fromTemplate.has(key(issue)))
      .map((issue) => rooted('template', issue)),
  };
}

/** Whether the member's config sets `path` (dotted, as InputIssue has it) or replaces a field above it. */
function wrote(config: unknown, path: string): boolean {
  let at: unknown = config;
  for (const part of path.split('.')) {
    if (!isMapping(at) && !Array.isArray(at)) return at !== undefined;
    at = (at as Record<string, unknown>)[part];
    if (at === undefined) return false;
  }
  return true;
}
