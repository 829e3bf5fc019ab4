// The outgoing kind's output as zod schemas, forward-compatible as the rest of the responses: every field optional,
// unknown fields dropped, enums open (a newer value is kept as sent and typed apart, never a failed read). The
// types they produce are the domain's (src/migration/migration-summary.ts); the checks at the end hold them together.
import { z } from 'zod';
import {
  BACKFILL_STATES,
  CATALOG_TYPES,
  CONFLICT_POLICIES,
  MIGRATION_MODES,
  PARTITION_REPORT_STATES,
  PLAN_ACTIONS,
  RESULT_STATUSES,
} from '../migration/vocabulary';
import type {
  BackfillStatus,
  LakehouseProxyConfig,
  MigrationReport,
  MigrationSummary,
} from '../migration/migration-summary';
import { openEnum } from './open-enum';

/**
 * proto3 JSON carries int64 as a decimal string ("42"); a number is accepted too (some encoders send one). Read as a
 * number only when exact: a count beyond 2^53 − 1 would silently round, and these counts decide whether a backfill
 * lost anything, so such a value (or a string that is not a whole number) is a broken contract, not a count.
 */
export const Int64Schema = z
  .union([z.string().regex(/^-?\d{1,20}$/, 'must be an int64: a whole number in decimal'), z.number().int()])
  .transform((value, ctx) => {
    const number = Number(value);
    if (!Number.isSafeInteger(number)) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `must be an int64 this client can count exactly (at most ${Number.MAX_SAFE_INTEGER})`,
      });
      return z.NEVER;
    }
    return number;
  });

/** A map<string, int64>: keys kept as sent (a newer action or status name is kept, and reported as unknown). */
const CountsSchema = z.record(z.string(), Int64Schema);

const timestamp = z.string();

export const TableSummarySchema = z.object({
  partitionDiscoveredCount: Int64Schema.optional(),
  partitionSuccessCount: Int64Schema.optional(),
  partitionFailedCount: Int64Schema.optional(),
  planCounts: CountsSchema.optional(),
  resultCounts: CountsSchema.optional(),
});

export const MigrationSummarySchema = z.object({
  service: z.string().optional(),
  dryRun: z.boolean().optional(),
  createTime: timestamp.optional(),
  endTime: timestamp.optional(),
  catalogSummaries: z
    .array(
      z.object({
        catalog: z.string().optional(),
        catalogType: openEnum(CATALOG_TYPES).optional(),
        databaseSummaries: z
          .array(
            z.object({
              database: z.string().optional(),
              planAction: openEnum(PLAN_ACTIONS).optional(),
              resultStatus: openEnum(RESULT_STATUSES).optional(),
              tableSummary: TableSummarySchema.optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

export const BackfillStatusSchema = z.object({
  state: openEnum(BACKFILL_STATES).optional(),
  reportPath: z.string().optional(),
  migrationSummary: MigrationSummarySchema.optional(),
});

const TargetSchema = z.object({ catalog: z.string().optional() });

/**
 * MigrationExecution.biglakeMetastoreMigrationConfig as get/list return it: the request echoed (enums open, since
 * a newer mode may come back) and the output-only backfillStatus.
 */
export const BiglakeMetastoreMigrationConfigOutputSchema = z.object({
  mode: openEnum(MIGRATION_MODES).optional(),
  conflictPolicy: openEnum(CONFLICT_POLICIES).optional(),
  dryRun: z.boolean().optional(),
  hiveConfig: TargetSchema.extend({ databases: z.array(z.string()).optional() }).optional(),
  icebergConfig: TargetSchema.extend({ namespaces: z.array(z.string()).optional() }).optional(),
  reportPath: z.string().optional(),
  backfillStatus: BackfillStatusSchema.optional(),
});
export type BiglakeMetastoreMigrationConfigOutput = z.infer<typeof BiglakeMetastoreMigrationConfigOutputSchema>;

/** A value of a diff: a string as documented; anything else is kept as its JSON rather than refused. */
const DiffValueSchema = z.unknown().transform((value) => (typeof value === 'string' ? value : JSON.stringify(value)));

const ExecutionPlanSchema = z.object({
  action: openEnum(PLAN_ACTIONS).optional(),
  reason: z.string().optional(),
  diffs: z
    .record(z.string(), z.object({ sourceValue: DiffValueSchema.optional(), targetValue: DiffValueSchema.optional() }))
    .optional(),
});

const ExecutionResultSchema = z.object({
  state: openEnum(RESULT_STATUSES).optional(),
  errorMessage: z.string().optional(),
  remediation: z.string().optional(),
});

/** The report object the service writes to Cloud Storage (contract §D): read by the worker, never sent. */
export const MigrationReportSchema = z.object({
  summary: MigrationSummarySchema.optional(),
  catalogReports: z
    .array(
      z.object({
        catalog: z.string().optional(),
        catalogType: openEnum(CATALOG_TYPES).optional(),
        databaseReports: z
          .record(
            z.string(),
            z.object({
              database: z.string().optional(),
              executionPlan: ExecutionPlanSchema.optional(),
              executionResult: ExecutionResultSchema.optional(),
              tableReports: z
                .record(
                  z.string(),
                  z.object({
                    table: z.string().optional(),
                    executionPlan: ExecutionPlanSchema.optional(),
                    executionResult: ExecutionResultSchema.optional(),
                    partitionDiscoveredCount: Int64Schema.optional(),
                    partitionReport: z
                      .object({
                        state: openEnum(PARTITION_REPORT_STATES).optional(),
                        partitionSuccessCount: Int64Schema.optional(),
                        partitionFailedCount: Int64Schema.optional(),
                      })
                      .optional(),
                  }),
                )
                .optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

/** Service.lakehouseProxyConfig (output only, rev 20260916). */
export const LakehouseProxyConfigSchema = z.object({
  catalog: z.string().optional(),
  namespaces: z.array(z.string()).optional(),
});

// What the schemas produce is the domain's shape: a field renamed on one side fails the typecheck here.
export const SUMMARY_SCHEMAS_MATCH_THE_DOMAIN: {
  summary: z.ZodType<MigrationSummary>;
  status: z.ZodType<BackfillStatus>;
  report: z.ZodType<MigrationReport>;
  proxy: z.ZodType<LakehouseProxyConfig>;
} = {
  summary: MigrationSummarySchema,
  status: BackfillStatusSchema,
  report: MigrationReportSchema,
  proxy: LakehouseProxyConfigSchema,
};
