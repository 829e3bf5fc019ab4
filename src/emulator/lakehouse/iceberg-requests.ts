// The request bodies of the Iceberg REST spec the emulator accepts, checked field by field. Objects of the spec
// that may grow (schema fields) accept members we do not know; the request envelopes are strict, so a misspelt
// member is refused by name rather than silently ignored. An optional member may be null: Java's client writes
// absent members as explicit nulls.
import { z } from 'zod';
import type { IcebergType } from './iceberg-types';

const PRIMITIVE =
  /^(boolean|int|long|float|double|date|time|timestamp|timestamptz|timestamp_ns|timestamptz_ns|string|uuid|binary|unknown|variant|decimal\(\s*\d+\s*,\s*\d+\s*\)|fixed\[\d+\]|geometry(\(.*\))?|geography(\(.*\))?)$/;

const FieldSchema = z
  .object({
    id: z.number().int().nonnegative(),
    name: z.string().min(1),
    required: z.boolean(),
    get type() {
      return TypeSchema;
    },
    doc: z.string().nullish(),
  })
  .loose();

const StructSchema = z.object({ type: z.literal('struct'), fields: z.array(FieldSchema) }).loose();

const TypeSchema: z.ZodType<IcebergType> = z.union([
  z.string().regex(PRIMITIVE, 'must be an Iceberg primitive type (int, long, string, decimal(P,S), …)'),
  z
    .object({
      type: z.literal('list'),
      'element-id': z.number().int().nonnegative(),
      get element() {
        return TypeSchema;
      },
      'element-required': z.boolean(),
    })
    .loose(),
  z
    .object({
      type: z.literal('map'),
      'key-id': z.number().int().nonnegative(),
      get key() {
        return TypeSchema;
      },
      'value-id': z.number().int().nonnegative(),
      get value() {
        return TypeSchema;
      },
      'value-required': z.boolean(),
    })
    .loose(),
  StructSchema,
]) as z.ZodType<IcebergType>;

export const IcebergSchemaSchema = StructSchema.extend({
  'schema-id': z.number().int().nonnegative().nullish(),
  'identifier-field-ids': z.array(z.number().int()).nullish(),
});

const Properties = z.record(z.string(), z.string());

export const CreateNamespaceSchema = z
  .object({
    namespace: z.array(z.string().min(1)).length(1, 'must have one level: BigLake namespaces are not nested'),
    properties: Properties.nullish(),
  })
  .strict();

/** An empty partition spec or sort order (what a client sends for an unpartitioned, unsorted table). */
const emptyList = (what: string) =>
  z.array(z.unknown()).max(0, `${what} are not supported by the emulator (tables are unpartitioned and unsorted)`);

export const CreateTableSchema = z
  .object({
    name: z.string().min(1),
    location: z
      .string()
      .regex(/^gs:\/\/[^/]+/, 'must be a gs:// location')
      .nullish(),
    schema: IcebergSchemaSchema,
    'partition-spec': z
      .object({ 'spec-id': z.number().int().nullish(), fields: emptyList('partition fields') })
      .loose()
      .nullish(),
    'write-order': z
      .object({ 'order-id': z.number().int(), fields: emptyList('sort fields') })
      .loose()
      .nullish(),
    'stage-create': z.literal(false, 'staged creates are not supported by the emulator').nullish(),
    properties: Properties.nullish(),
  })
  .strict();
