// startMigration with biglakeMetastoreMigrationConfig: the request as Google's front end checks it
// (lakehouse-migration-api.md §A, rules R1–R4), answering 400 INVALID_ARGUMENT with a message naming the field.
// Checks that need the emulator's state (the service, the catalogs) come later, in start.ts.
import { z } from 'zod';
import { MigrationExecutionIdSchema } from '../../schemas/field-rules';
import { type ApiVersion, RequestIdSchema } from '../../schemas/api';
import { parseBody } from '../context';
import { invalidArgument } from '../errors';
import { type BiglakeConfig, CONFLICT_POLICIES, MIGRATION_MODES } from './types';

const CONFIG = 'migrationExecution.biglakeMetastoreMigrationConfig';

/** R4: project-scoped, no location; BigLake's Hive and Iceberg catalogs share the resource type. */
export const CATALOG_NAME = /^projects\/[^/]+\/catalogs\/[^/]+$/;
const catalog = z.string().regex(CATALOG_NAME, 'must be projects/{project_id_or_number}/catalogs/{catalog_id}');
const names = (what: string) =>
  z.array(z.string().min(1, `${what} names must not be empty`)).min(1, `is required: at least one ${what}, or "*"`);

const ConfigSchema = z
  .object({
    mode: z.enum(MIGRATION_MODES).optional(),
    conflictPolicy: z.enum(CONFLICT_POLICIES).optional(),
    dryRun: z.boolean().optional(),
    hiveConfig: z
      .object({ catalog, databases: names('database') })
      .strict()
      .optional(),
    icebergConfig: z
      .object({ catalog, namespaces: names('namespace') })
      .strict()
      .optional(),
    reportPath: z
      .string()
      .regex(/^gs:\/\/[a-z0-9][a-z0-9._-]{1,221}[a-z0-9](\/.*)?$/, 'must be a Cloud Storage folder, gs://bucket/path')
      .optional(),
    backfillStatus: z.unknown().optional(),
  })
  .strict();

const RequestSchema = z
  .object({
    migrationExecution: z.object({ biglakeMetastoreMigrationConfig: ConfigSchema }).strict(),
    migrationExecutionId: MigrationExecutionIdSchema.optional(),
    requestId: RequestIdSchema.optional(),
  })
  .strict();

export interface OutgoingStartRequest {
  config: BiglakeConfig;
  migrationExecutionId?: string | undefined;
  requestId?: string | undefined;
}

/** The body names the outgoing kind: routed here instead of through the incoming kind's schema. */
export function isOutgoingRequest(body: unknown): boolean {
  const execution = (body as { migrationExecution?: unknown } | undefined)?.migrationExecution;
  return typeof execution === 'object' && execution !== null && 'biglakeMetastoreMigrationConfig' in execution;
}

export function parseOutgoingStart(body: unknown, version: ApiVersion): OutgoingStartRequest {
  const execution = (body as { migrationExecution: Record<string, unknown> }).migrationExecution;
  if ('cloudSqlMigrationConfig' in execution) {
    // The API's migration_config is a oneof: a second member is a client bug, not a choice.
    throw invalidArgument(
      'migrationExecution: exactly one migration config must be set (one of: cloudSqlMigrationConfig, biglakeMetastoreMigrationConfig).',
    );
  }
  const request = parseBody(RequestSchema, body);
  const { backfillStatus, mode, ...config } = request.migrationExecution.biglakeMetastoreMigrationConfig;
  if (backfillStatus !== undefined) throw invalidArgument(`${CONFIG}.backfillStatus: is output only.`);
  if (mode === undefined || mode === 'MIGRATION_MODE_UNSPECIFIED') {
    throw invalidArgument(`${CONFIG}.mode: is required (BACKFILL or INCREMENTAL_SYNC).`);
  }
  if (!config.hiveConfig && !config.icebergConfig) {
    throw invalidArgument(`${CONFIG}: at least one of hiveConfig and icebergConfig is required.`);
  }
  if (mode === 'INCREMENTAL_SYNC') {
    // v1's MigrationMode has no INCREMENTAL_SYNC (§B): its JSON front end rejects the name as it would any unknown one.
    if (version === 'v1') {
      throw invalidArgument(`${CONFIG}.mode: INCREMENTAL_SYNC is not available in v1; use v1beta or v1alpha.`);
    }
    if (!config.icebergConfig || config.hiveConfig) {
      throw invalidArgument(
        `${CONFIG}.mode: INCREMENTAL_SYNC migrates Iceberg tables only: give icebergConfig and no hiveConfig.`,
      );
    }
  }
  if (config.hiveConfig && config.icebergConfig && config.hiveConfig.catalog === config.icebergConfig.catalog) {
    throw invalidArgument(`${CONFIG}.icebergConfig.catalog: must differ from hiveConfig.catalog.`);
  }
  return {
    config: { mode, ...config },
    migrationExecutionId: request.migrationExecutionId,
    requestId: request.requestId?.toLowerCase(),
  };
}

export { CONFIG as CONFIG_FIELD };
