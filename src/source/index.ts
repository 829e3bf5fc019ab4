// Prechecks against the self-managed Hive metastore's MySQL database. Knows nothing of Temporal or the emulator.
export { checkCdcReadiness } from './cdc-readiness';
export { checkHiveSchema, HIVE_CORE_TABLES } from './hive-schema';
export { hiveSchemaCompatibility, parseHiveVersion, type HiveCompatibility, type HiveVersion } from './hive-version';
export type { Finding, FindingLevel, SourceCheck, SourceConnectionOptions, SourceTls, SourceTlsPolicy } from './types';
