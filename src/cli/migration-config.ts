// Reads an engineer's migration config file (YAML or JSON): the API's migrationExecution body, in
// camelCase or in the snake_case of Google's curl example, optionally wrapped in { migrationExecution }.
// parseMigrationConfig takes the incoming kind alone; plan, start and verify read either kind with
// loadMigrationConfigOfEitherKind, the outgoing one checked at the worker's API version.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { MigrationExecutionRequestSchema, inputIssues, validateMigrationExecution } from '../schemas';
import type { ApiVersion, InputIssue, MigrationExecutionRequest, MigrationExecutionUnionRequest } from '../schemas';

/** `issues`: one per field, for --json (the message holds them too, one `path: message` line each). */
export class MigrationConfigError extends Error {
  override readonly name = 'MigrationConfigError';
  constructor(
    message: string,
    readonly issues?: InputIssue[],
  ) {
    super(message);
  }
}

export async function loadMigrationConfig(path: string): Promise<MigrationExecutionRequest> {
  return parseMigrationConfig(await readConfigFile(path), path);
}

/** plan's and start's --config: either kind, the outgoing one checked against `apiVersion`. */
export async function loadMigrationConfigOfEitherKind(
  path: string,
  apiVersion: ApiVersion,
): Promise<MigrationExecutionUnionRequest> {
  return parseMigrationConfigOfEitherKind(await readConfigFile(path), apiVersion, path);
}

async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new MigrationConfigError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function parseMigrationConfig(text: string, source = 'config'): MigrationExecutionRequest {
  const { execution, root } = readBody(text, source, 'cloudSqlMigrationConfig');
  const parsed = MigrationExecutionRequestSchema.safeParse(execution);
  if (!parsed.success) throw invalid(source, inputIssues(parsed.error, root));
  return parsed.data;
}

/**
 * A config of either kind, the outgoing one (biglakeMetastoreMigrationConfig) checked against `apiVersion` (the
 * worker's config.metastore.apiVersion: INCREMENTAL_SYNC only where it exists).
 */
export function parseMigrationConfigOfEitherKind(
  text: string,
  apiVersion: ApiVersion,
  source = 'config',
): MigrationExecutionUnionRequest {
  const { execution, root } = readBody(text, source, 'cloudSqlMigrationConfig or biglakeMetastoreMigrationConfig');
  const checked = validateMigrationExecution(execution, apiVersion, root);
  if (!checked.ok) throw invalid(source, checked.issues);
  return checked.value;
}

/** The file's migrationExecution body (YAML or JSON, either case, wrapped or not) and the path it sits at. */
function readBody(text: string, source: string, members: string): { execution: unknown; root: string } {
  let raw: unknown;
  try {
    raw = parseYaml(text); // YAML is a superset of JSON
  } catch (err) {
    // The first line says what and where; the lines after it quote the file, which may hold a secret.
    const reason = ((err as Error).message.split('\n')[0] ?? '').replace(/:$/, '');
    throw new MigrationConfigError(`${source}: not valid YAML or JSON: ${reason}`);
  }
  if (raw === null || raw === undefined) {
    throw invalid(source, [
      { path: '(root)', message: `the file is empty; expected the migrationExecution body (${members})` },
    ]);
  }
  const body = camelCaseKeys(raw);
  const isWrapped = isRecord(body) && 'migrationExecution' in body;
  const execution = isWrapped ? body['migrationExecution'] : body;
  const root = isWrapped ? 'migrationExecution' : '';
  if (isWrapped && Object.keys(body).length > 1) {
    const extra = Object.keys(body).filter((key) => key !== 'migrationExecution');
    throw invalid(
      source,
      extra.map((key) => ({ path: '(root)', message: `unknown field ${JSON.stringify(key)}: ${wrapperHint(key)}` })),
    );
  }
  return { execution, root };
}

function invalid(source: string, issues: InputIssue[]): MigrationConfigError {
  const lines = issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
  return new MigrationConfigError(`${source}: invalid migration config:\n${lines}`, issues);
}

/** Why a field next to the { migrationExecution } wrapper is refused: the rest of the request is not the file's. */
function wrapperHint(key: string): string {
  if (key === 'migrationExecutionId') return 'the execution id is given on the command line (--migration-id)';
  if (key === 'requestId') return 'the workflow makes one request id per API call, so that retries are idempotent';
  return 'the file holds only the migrationExecution body (the service and options come from the command line)';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** snake_case keys → camelCase, recursively; values are left alone. */
function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
      camelCaseKeys(inner),
    ]),
  );
}
