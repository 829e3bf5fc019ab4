// Is a Hive metastore schema version (VERSION.SCHEMA_VERSION, e.g. '3.1.0') compatible with a DPMS service's
// `hiveMetastoreConfig.version` (e.g. '3.1.2')?
//
// [INF] Google documents only that the schema "must be compatible" with the service version. Our rule:
//   compatible  ⇔  same major.minor  AND  schema major.minor.patch ≤ service major.minor.patch
// Hive's schematool versions the schema by release line (every 3.1.x release uses schema '3.1.0', every 2.3.x
// uses '2.3.0'), and a metastore refuses a schema of another line. An older line needs `schematool
// -upgradeSchemaFrom` first; a newer one (or a vendor fork such as '3.1.3000') needs a newer service.

export interface HiveVersion {
  major: number;
  minor: number;
  patch: number;
}

export type HiveCompatibility = { compatible: true } | { compatible: false; reason: 'older' | 'newer' };

/** '3.1.0' → { 3, 1, 0 }; '2.3' → { 2, 3, 0 }; a suffix after the numbers is ignored. Undefined if unparsable. */
export function parseHiveVersion(text: string): HiveVersion | undefined {
  const match = /^\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

export function hiveSchemaCompatibility(schema: HiveVersion, service: HiveVersion): HiveCompatibility {
  const order = compare(schema, service);
  if (schema.major === service.major && schema.minor === service.minor && order <= 0) return { compatible: true };
  return { compatible: false, reason: order < 0 ? 'older' : 'newer' };
}

function compare(a: HiveVersion, b: HiveVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
