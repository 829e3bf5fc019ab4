// What the worker reads of the Lakehouse side (lakehouse-migration-api.md §8): BigLake's Hive catalog API
// (google.cloud.biglake.hive.v1, proto3 JSON) and the Apache Iceberg REST catalog (kebab-case names). Every field
// the worker does not need is dropped, every one it reads is optional where Google may leave it out, so a newer
// server's additions never fail a read.
import { z } from 'zod';

const Strings = z.record(z.string(), z.string());
const Column = z.object({ name: z.string(), type: z.string().optional() });

export const HiveCatalogSchema = z.object({
  name: z.string(),
  locationUri: z.string().optional(),
  description: z.string().optional(),
});

export const ListHiveDatabasesResponseSchema = z.object({
  databases: z.array(z.object({ name: z.string() })).optional(),
  nextPageToken: z.string().optional(),
});

export const HiveTableSchema = z.object({
  /** projects/p/catalogs/c/databases/d/tables/t */
  name: z.string(),
  tableType: z.string().optional(),
  partitionKeys: z.array(Column).optional(),
  parameters: Strings.optional(),
  storageDescriptor: z.object({ columns: z.array(Column).optional(), locationUri: z.string().optional() }).optional(),
});
export type HiveTable = z.infer<typeof HiveTableSchema>;

export const ListHiveTablesResponseSchema = z.object({
  tables: z.array(HiveTableSchema).optional(),
  nextPageToken: z.string().optional(),
});

const ListPartitionsMessage = z.object({
  partitions: z.array(z.object({ values: z.array(z.string()).optional() })).optional(),
});
/**
 * partitions:list is server-streaming: over HTTP/JSON Google answers the stream as a JSON array of
 * ListPartitionsResponse messages. A lone message is read too.
 */
export const ListPartitionsResponseSchema = z.union([z.array(ListPartitionsMessage), ListPartitionsMessage]);

/** The spec's `next-page-token` may be sent as null on the last page. */
const NextPageToken = z.string().nullish();

export const IcebergConfigResponseSchema = z.object({
  defaults: Strings.optional(),
  overrides: Strings.optional(),
  endpoints: z.array(z.string()).optional(),
});

export const ListIcebergNamespacesResponseSchema = z.object({
  namespaces: z.array(z.array(z.string())).optional(),
  'next-page-token': NextPageToken,
});

export const ListIcebergTablesResponseSchema = z.object({
  identifiers: z.array(z.object({ namespace: z.array(z.string()), name: z.string() })).optional(),
  'next-page-token': NextPageToken,
});

export const LoadIcebergTableResponseSchema = z.object({
  'metadata-location': z.string().optional(),
  metadata: z.object({
    'format-version': z.number().int().optional(),
    'table-uuid': z.string().optional(),
    location: z.string().optional(),
    'current-snapshot-id': z.number().nullish(),
  }),
});
export type LoadIcebergTableResponse = z.infer<typeof LoadIcebergTableResponseSchema>;

/** The Iceberg REST spec's error answer (ErrorModel). */
export const IcebergErrorBodySchema = z.object({
  error: z.object({ message: z.string(), type: z.string().optional(), code: z.number().int().optional() }),
});
