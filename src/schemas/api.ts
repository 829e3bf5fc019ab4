// The Dataproc Metastore REST contract (v1, v1beta and v1alpha share it), as zod schemas.
// Responses are parsed with these in MetastoreClient; the emulator validates requests with them.
// Field names and enum values are the API's own (see shared/reference/metastore-migration-api.md).
import { z } from 'zod';
import {
  BucketNameSchema,
  Cidr29Schema,
  Ipv4AddressSchema,
  MigrationExecutionIdSchema,
  MysqlDatabaseSchema,
  MysqlUserSchema,
  RootPathSchema,
  expected,
  strictObject,
} from './field-rules';
import { biglakeMetastoreMigrationConfigSchema } from './biglake-config';
import { InstanceConnectionNameSchema, NetworkNameSchema, SubnetworkNameSchema } from './resource-name-schemas';
import {
  API_VERSIONS,
  DATABASE_TYPES,
  EXECUTION_STATES,
  PHASES,
  RELEASE_CHANNELS,
  SERVICE_STATES,
  TIERS,
} from '../migration/vocabulary';
import type { ApiVersion } from '../migration/vocabulary';
import { openEnum } from './open-enum';
import { BiglakeMetastoreMigrationConfigOutputSchema, LakehouseProxyConfigSchema } from './migration-summary';
import { MIGRATION_EXECUTION_NAME, OPERATION_NAME } from '../migration/names';

export * from '../migration/vocabulary';
export { MIGRATION_EXECUTION_NAME, OPERATION_NAME, SERVICE_NAME } from '../migration/names';

// API_VERSIONS and ApiVersion live in the vocabulary (re-exported above): the domain and the request rules use them.
export const ApiVersionSchema = z.enum(API_VERSIONS);

const timestamp = z.string(); // RFC 3339, 'Z'

export const RequestIdSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a UUID')
  .refine((id) => !/^[0-]+$/.test(id), 'must not be the all-zero UUID');

// ---- enums ----------------------------------------------------------------------------------------------
// Response enums are open (open-enum.ts). Requests are still checked against the known values.
export { openEnum } from './open-enum';

export const ServiceStateSchema = openEnum(SERVICE_STATES);
export const DatabaseTypeSchema = openEnum(DATABASE_TYPES);
export const TierSchema = openEnum(TIERS);
export const ReleaseChannelSchema = openEnum(RELEASE_CHANNELS);
export const MigrationExecutionStateSchema = openEnum(EXECUTION_STATES);
export const PhaseSchema = openEnum(PHASES);

// ---- Service --------------------------------------------------------------------------------------------

export const ScheduledBackupSchema = z.object({
  enabled: z.boolean().optional(),
  cronSchedule: z.string().optional(),
  timeZone: z.string().optional(),
  backupLocation: z.string().optional(),
  nextScheduledTime: timestamp.optional(),
  latestBackup: z
    .object({
      backupId: z.string().optional(),
      startTime: timestamp.optional(),
      state: z.string().optional(),
      duration: z.string().optional(),
    })
    .optional(),
});
export type ScheduledBackup = z.infer<typeof ScheduledBackupSchema>;

export const ServiceSchema = z.object({
  name: z.string(),
  uid: z.string().optional(),
  createTime: timestamp.optional(),
  updateTime: timestamp.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  state: ServiceStateSchema.optional(),
  stateMessage: z.string().optional(),
  databaseType: DatabaseTypeSchema.optional(),
  tier: TierSchema.optional(),
  releaseChannel: ReleaseChannelSchema.optional(),
  hiveMetastoreConfig: z.object({ version: z.string().optional() }).loose().optional(),
  endpointUri: z.string().optional(),
  port: z.number().int().optional(),
  network: z.string().optional(),
  artifactGcsUri: z.string().optional(),
  scheduledBackup: ScheduledBackupSchema.optional(),
  deletionProtection: z.boolean().optional(),
  /** Set while the service is in PROXY: the Iceberg REST catalog it forwards to and the namespaces moved so far. */
  lakehouseProxyConfig: LakehouseProxyConfigSchema.optional(),
});
export type Service = z.infer<typeof ServiceSchema>;

export const ListServicesResponseSchema = z.object({
  services: z.array(ServiceSchema).optional(),
  nextPageToken: z.string().optional(),
  unreachable: z.array(z.string()).optional(),
});

// ---- migration config (the API's migration_config oneof) ------------------------------------------------

const PORT = 'a whole number from 1 to 65535 (3306 for Cloud SQL for MySQL)';

/** Fields that belong one level up or down: the unknown-field message says where they go. */
const CONFIG_HINTS: Record<string, string> = {
  cloudSqlMigrationConfig: 'this level is already inside cloudSqlMigrationConfig',
  migrationExecution: 'the body is either wrapped in migrationExecution once, or not at all',
};

/** Builds the Cloud SQL config with a given password rule: plaintext for the API, secret references for us. */
export function cloudSqlMigrationConfigSchema<P extends z.ZodType<string>>(password: P) {
  return strictObject(
    'the Cloud SQL migration config: cloudSqlConnectionConfig and cdcConfig',
    {
      cloudSqlConnectionConfig: strictObject(
        'how DPMS reaches Cloud SQL: instanceConnectionName, ipAddress, port, hiveDatabaseName, username, password, proxySubnet, natSubnet',
        {
          instanceConnectionName: InstanceConnectionNameSchema,
          ipAddress: Ipv4AddressSchema,
          port: z
            .number({ error: expected(PORT) })
            .int()
            .min(1)
            .max(65535),
          hiveDatabaseName: MysqlDatabaseSchema,
          username: MysqlUserSchema,
          password,
          proxySubnet: SubnetworkNameSchema,
          natSubnet: SubnetworkNameSchema,
        },
        { ...CONFIG_HINTS, cdcConfig: 'belongs next to cloudSqlConnectionConfig, not inside it' },
      ),
      cdcConfig: strictObject(
        'the Datastream CDC config: vpcNetwork, subnetIpRange, reverseProxySubnet, username, password',
        {
          vpcNetwork: NetworkNameSchema,
          subnetIpRange: Cidr29Schema,
          reverseProxySubnet: SubnetworkNameSchema,
          username: MysqlUserSchema,
          password,
          bucket: BucketNameSchema.optional(),
          rootPath: RootPathSchema.optional(),
        },
        { ...CONFIG_HINTS, cloudSqlConnectionConfig: 'belongs next to cdcConfig, not inside it' },
      ),
    },
    CONFIG_HINTS,
  );
}

/** Names of the migration_config oneof members this tool can drive; the outgoing kind joins once it has steps. */
export const MIGRATION_CONFIG_KINDS = ['cloudSqlMigrationConfig'] as const;
export type MigrationConfigKind = (typeof MIGRATION_CONFIG_KINDS)[number];

/** Both members of the oneof: what migrationExecutionUnionSchema takes (exactly one of them). */
export const ALL_MIGRATION_CONFIG_KINDS = ['cloudSqlMigrationConfig', 'biglakeMetastoreMigrationConfig'] as const;

/**
 * Why the incoming-only schema (migrationExecutionInputSchema: StartMigrationRequestSchema's body) refuses the
 * outgoing kind. The public request takes both kinds (MigrationExecutionUnionRequestSchema, request.ts).
 */
export const OUTGOING_NOT_YET =
  'the outgoing migration (DPMS to the Lakehouse runtime catalog) has a start body of its own ' +
  '(biglakeStartMigrationRequestSchema, sent by startBiglakeMigration); this body takes only cloudSqlMigrationConfig';

/** Top-level fields people put in the body by mistake, and where each belongs. */
const EXECUTION_HINTS: Record<string, string> = {
  biglakeMetastoreMigrationConfig: OUTGOING_NOT_YET,
  cloudSqlConnectionConfig: 'belongs inside cloudSqlMigrationConfig',
  cdcConfig: 'belongs inside cloudSqlMigrationConfig',
  migrationExecutionId: 'is not part of migrationExecution; pass it next to it (the CLI: --migration-id)',
  requestId: 'is not part of migrationExecution; the workflow makes one per call so retries are idempotent',
  migrationExecution: 'the body is either wrapped in migrationExecution once, or not at all',
};

/** migrationExecution as sent to startMigration: exactly one member of the migration_config oneof. */
export function migrationExecutionInputSchema<P extends z.ZodType<string>>(password: P) {
  return strictObject(
    'the migrationExecution body, a mapping with cloudSqlMigrationConfig',
    { cloudSqlMigrationConfig: cloudSqlMigrationConfigSchema(password).optional() },
    EXECUTION_HINTS,
  ).superRefine((body, ctx) => {
    const set = MIGRATION_CONFIG_KINDS.filter((kind) => body[kind] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `exactly one migration config must be set (one of: ${MIGRATION_CONFIG_KINDS.join(', ')})`,
      });
    }
  });
}

/** For the outgoing kind's fields put at the top level (mode, hiveConfig …): they go one level down. */
const OUTGOING_FIELD = 'belongs inside biglakeMetastoreMigrationConfig';

/**
 * migrationExecution with exactly one member of the oneof, either kind: the incoming kind exactly as in
 * migrationExecutionInputSchema, the outgoing kind under biglakeMetastoreMigrationConfigSchema(apiVersion).
 */
export function migrationExecutionUnionSchema<P extends z.ZodType<string>>(password: P, apiVersion?: ApiVersion) {
  const { biglakeMetastoreMigrationConfig: _admitted, ...hints } = EXECUTION_HINTS;
  return strictObject(
    'the migrationExecution body, a mapping with cloudSqlMigrationConfig or biglakeMetastoreMigrationConfig',
    {
      cloudSqlMigrationConfig: cloudSqlMigrationConfigSchema(password).optional(),
      biglakeMetastoreMigrationConfig: biglakeMetastoreMigrationConfigSchema(apiVersion).optional(),
    },
    {
      ...hints,
      mode: OUTGOING_FIELD,
      conflictPolicy: OUTGOING_FIELD,
      dryRun: OUTGOING_FIELD,
      hiveConfig: OUTGOING_FIELD,
      icebergConfig: OUTGOING_FIELD,
      reportPath: OUTGOING_FIELD,
    },
  ).superRefine((body, ctx) => {
    const set = ALL_MIGRATION_CONFIG_KINDS.filter((kind) => body[kind] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `exactly one migration config must be set (one of: ${ALL_MIGRATION_CONFIG_KINDS.join(', ')})`,
      });
    }
  });
}

export const MigrationExecutionInputSchema = migrationExecutionInputSchema(z.string().min(1));
export type MigrationExecutionInput = z.infer<typeof MigrationExecutionInputSchema>;

export const StartMigrationRequestSchema = z
  .object({
    migrationExecution: MigrationExecutionInputSchema,
    migrationExecutionId: MigrationExecutionIdSchema.optional(),
    requestId: RequestIdSchema.optional(),
  })
  .strict();
export type StartMigrationRequest = z.infer<typeof StartMigrationRequestSchema>;

/**
 * startMigration's body for the outgoing kind, exactly as the contract has it (§A): migrationExecution with only
 * biglakeMetastoreMigrationConfig, an optional migrationExecutionId (R3) and requestId; nothing else. `apiVersion`
 * is the version the body goes to, so INCREMENTAL_SYNC is refused on v1.
 */
export function biglakeStartMigrationRequestSchema(apiVersion: ApiVersion) {
  return strictObject('the startMigration body: migrationExecution, optional migrationExecutionId and requestId', {
    migrationExecution: strictObject('migrationExecution: { biglakeMetastoreMigrationConfig }', {
      biglakeMetastoreMigrationConfig: biglakeMetastoreMigrationConfigSchema(apiVersion),
    }),
    migrationExecutionId: MigrationExecutionIdSchema.optional(),
    requestId: RequestIdSchema.optional(),
  });
}
export type BiglakeStartMigrationRequest = z.infer<ReturnType<typeof biglakeStartMigrationRequestSchema>>;

// ---- MigrationExecution (as returned; passwords are input-only and never come back) ---------------------

const OutputConfigSchema = z.record(z.string(), z.unknown());
export const MigrationExecutionSchema = z.object({
  name: z.string().regex(MIGRATION_EXECUTION_NAME),
  createTime: timestamp.optional(),
  endTime: timestamp.optional(),
  state: MigrationExecutionStateSchema.optional(),
  phase: PhaseSchema.optional(),
  stateMessage: z.string().optional(),
  cloudSqlMigrationConfig: z
    .object({ cloudSqlConnectionConfig: OutputConfigSchema.optional(), cdcConfig: OutputConfigSchema.optional() })
    .optional(),
  biglakeMetastoreMigrationConfig: BiglakeMetastoreMigrationConfigOutputSchema.optional(),
});
export type MigrationExecution = z.infer<typeof MigrationExecutionSchema>;

export const ListMigrationExecutionsResponseSchema = z.object({
  migrationExecutions: z.array(MigrationExecutionSchema).optional(),
  nextPageToken: z.string().optional(),
  unreachable: z.array(z.string()).optional(),
});
export type ListMigrationExecutionsResponse = z.infer<typeof ListMigrationExecutionsResponseSchema>;

// ---- Operation and google.rpc.Status --------------------------------------------------------------------

/** google.rpc.Status: inside an Operation, `code` is the numeric google.rpc.Code (not HTTP). */
export const StatusSchema = z.object({
  code: z.number().int(),
  message: z.string().optional(),
  details: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type Status = z.infer<typeof StatusSchema>;

export const OperationMetadataSchema = z
  .object({
    '@type': z.string().optional(),
    createTime: timestamp.optional(),
    endTime: timestamp.optional(),
    target: z.string().optional(),
    verb: z.string().optional(),
    statusMessage: z.string().optional(),
    requestedCancellation: z.boolean().optional(),
    apiVersion: z.string().optional(),
  })
  .loose();
export type OperationMetadata = z.infer<typeof OperationMetadataSchema>;

export const OperationSchema = z
  .object({
    name: z.string().regex(OPERATION_NAME),
    done: z.boolean().optional(),
    metadata: OperationMetadataSchema.optional(),
    error: StatusSchema.optional(),
    response: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((op) => !op.done || (op.error === undefined) !== (op.response === undefined), {
    message: 'a done operation carries exactly one of error and response',
  });
export type Operation = z.infer<typeof OperationSchema>;

export const ListOperationsResponseSchema = z.object({
  operations: z.array(OperationSchema).optional(),
  nextPageToken: z.string().optional(),
});

/** The standard IAM testIamPermissions: request and answer share one shape (the answer: what the caller holds). */
export const TestIamPermissionsSchema = z.object({ permissions: z.array(z.string()).optional() });

/** What a managed migration needs the caller to hold on the service (see the reference's IAM table). */
export const MIGRATION_PERMISSIONS = [
  'metastore.services.get',
  'metastore.services.update',
  'metastore.migrations.start',
  'metastore.migrations.complete',
  'metastore.migrations.cancel',
  'metastore.migrations.get',
  'metastore.migrations.list',
  'metastore.migrations.delete',
  'metastore.operations.get',
] as const;

/** The HTTP error body: here `error.code` is the HTTP status and `error.status` the canonical name. */
export const ApiErrorBodySchema = z.object({
  error: z.object({
    code: z.number().int(),
    message: z.string(),
    status: z.string().optional(),
    details: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

/** google.rpc.Code numbers, and the HTTP status each maps to (google.rpc/code.proto, AIP-193). */
export const RPC_CODES = {
  OK: { code: 0, http: 200 },
  CANCELLED: { code: 1, http: 499 },
  UNKNOWN: { code: 2, http: 500 },
  INVALID_ARGUMENT: { code: 3, http: 400 },
  DEADLINE_EXCEEDED: { code: 4, http: 504 },
  NOT_FOUND: { code: 5, http: 404 },
  ALREADY_EXISTS: { code: 6, http: 409 },
  PERMISSION_DENIED: { code: 7, http: 403 },
  RESOURCE_EXHAUSTED: { code: 8, http: 429 },
  FAILED_PRECONDITION: { code: 9, http: 400 },
  ABORTED: { code: 10, http: 409 },
  OUT_OF_RANGE: { code: 11, http: 400 },
  UNIMPLEMENTED: { code: 12, http: 501 },
  INTERNAL: { code: 13, http: 500 },
  UNAVAILABLE: { code: 14, http: 503 },
  DATA_LOSS: { code: 15, http: 500 },
  UNAUTHENTICATED: { code: 16, http: 401 },
} as const;
export type RpcStatusName = keyof typeof RPC_CODES;

export function rpcStatusName(code: number): RpcStatusName | 'UNKNOWN' {
  const entry = Object.entries(RPC_CODES).find(([, value]) => value.code === code);
  return entry ? (entry[0] as RpcStatusName) : 'UNKNOWN';
}
