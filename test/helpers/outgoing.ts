// The outgoing kind (DPMS → Lakehouse) in emulator tests: Lakehouse catalogs, a service's own metastore, the
// start request, and reads of what the target catalogs hold and which reports were written.
import { MemoryReportSink } from './memory-report-sink';
import { type Emulator, type Json, admin, call } from './emulator';

export { MemoryReportSink };

export const HIVE_CATALOG = 'projects/test-project/catalogs/lake-hive';
export const ICEBERG_CATALOG = 'projects/test-project/catalogs/lake-iceberg';

export async function createCatalog(
  emulator: Pick<Emulator, 'url'>,
  name: string,
  type: 'HIVE' | 'ICEBERG',
  locations: string[] = [],
): Promise<void> {
  await admin(emulator, 'catalogs', { name, type, locations });
}

/** A Hive table in the seed's shape (`columns` as 'name type'). */
export function hiveTable(options: { partitions?: string[]; location?: string; columns?: string[] } = {}): Json {
  const partitions = options.partitions ?? [];
  return {
    type: 'MANAGED_TABLE',
    columns: options.columns ?? ['id bigint', 'name string'],
    partitionKeys: partitions.length > 0 ? ['dt string'] : [],
    partitions,
    ...(options.location ? { location: options.location } : {}),
  };
}

/** An Iceberg table as Hive holds one: table_type=ICEBERG and its metadata_location. */
export function icebergTable(location: string, extra: Record<string, string> = {}): Json {
  return {
    type: 'EXTERNAL_TABLE',
    columns: ['id bigint', 'payload string'],
    location,
    parameters: { table_type: 'ICEBERG', metadata_location: `${location}/metadata/00001.metadata.json`, ...extra },
  };
}

export async function seedMetastore(
  emulator: Pick<Emulator, 'url'>,
  service: string,
  databases: Record<string, Record<string, Json>>,
): Promise<void> {
  await admin(emulator, 'services:metastore', { name: service, databases });
}

/** A startMigration body of the outgoing kind. */
export function outgoingRequest(config: Record<string, unknown>, extra: Record<string, unknown> = {}): Json {
  return { migrationExecution: { biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', ...config } }, ...extra };
}

export async function startOutgoing(
  emulator: Pick<Emulator, 'url'>,
  service: string,
  config: Record<string, unknown>,
  { version = 'v1', extra = {} }: { version?: string; extra?: Record<string, unknown> } = {},
) {
  return call(emulator, 'POST', `/${version}/${service}:startMigration`, outgoingRequest(config, extra));
}

/** The catalog as the Lakehouse store holds it: { catalog, databases, namespaces }. */
export async function lakehouseCatalog(emulator: Pick<Emulator, 'url'>, name: string): Promise<Json> {
  const { catalogs } = await admin<{ catalogs: Json[] }>(emulator, 'catalogs?contents=true');
  return catalogs.find((record) => record.catalog.name === name);
}

/** The report object written at `uri` to the test's own sink, its body parsed; undefined if none was. */
export function reportAt(sink: MemoryReportSink, uri: string): Json {
  const stored = sink.read(uri);
  return stored && { ...stored, body: JSON.parse(stored.body) as Json };
}
