// Fills a Hive 3.1 metastore schema (test/fixtures/hive-metastore-schema.sql, on MariaDB) with a metastore of a
// chosen size: databases, tables of every type with 3-20 columns, partitioned tables with one to three keys and a
// storage descriptor per partition (as Hive writes them), functions. Deterministic for a given size and seed, and
// written with multi-row INSERTs in one transaction per table kind, so 500,000 partitions load in well under a
// minute. Ids start above the fixture's sample rows, which stay.
import type { Connection } from 'mysql2/promise';

export interface MetastoreSize {
  databases: number;
  tables: number;
  partitions: number;
  functions: number;
}

export const PRESETS = {
  /** What the test suite uses. */
  small: { databases: 3, tables: 24, partitions: 300, functions: 5 },
  medium: { databases: 20, tables: 1_000, partitions: 50_000, functions: 50 },
  /** The large metastore. */
  large: { databases: 100, tables: 10_000, partitions: 500_000, functions: 200 },
} as const satisfies Record<string, MetastoreSize>;
export type PresetName = keyof typeof PRESETS;

const TYPES = ['bigint', 'string', 'int', 'double', 'decimal(12,2)', 'timestamp', 'boolean', 'array<string>'];
const TABLE_TYPES = ['MANAGED_TABLE', 'MANAGED_TABLE', 'EXTERNAL_TABLE', 'EXTERNAL_TABLE', 'VIRTUAL_VIEW'];
const FIRST_ID = 1000;
/** The tables written, parents before children, so the data is consistent even with checks on. */
const SCHEMA_TABLES = [
  'DBS',
  'CDS',
  'COLUMNS_V2',
  'SERDES',
  'SDS',
  'TBLS',
  'PARTITION_KEYS',
  'PARTITIONS',
  'PARTITION_KEY_VALS',
  'FUNCS',
] as const;
type SchemaTable = (typeof SCHEMA_TABLES)[number];
const ROWS_PER_INSERT = 5_000;

/** A small seeded PRNG (mulberry32): the same size and seed give the same metastore. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inserts the generated metastore into the schema `connection` is using; returns what it wrote. */
export async function generateMetastore(
  connection: Connection,
  size: MetastoreSize,
  seed = 1,
): Promise<MetastoreSize & { columns: number }> {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const rows = Object.fromEntries(SCHEMA_TABLES.map((table) => [table, [] as unknown[][]])) as Record<
    SchemaTable,
    unknown[][]
  >;
  let ids = FIRST_ID;
  const nextId = () => ids++;
  const now = 1_767_225_600; // 2026-01-01
  const databaseIds: number[] = [];
  for (let d = 0; d < size.databases; d++) {
    const id = nextId();
    databaseIds.push(id);
    rows.DBS.push([id, `generated ${d}`, `gs://warehouse/db_${d}.db`, `db_${pad(d, 3)}`, 'hive', 'USER', 'hive']);
  }
  // Partitioned tables (three in four, never views) share the partitions; every one gets at least one.
  const tables: { id: number; keys: number; sd: number; cd: number; location: string; partitioned: boolean }[] = [];
  let columns = 0;
  for (let t = 0; t < size.tables; t++) {
    const database = t % size.databases;
    const [id, cd, sd, serde] = [nextId(), nextId(), nextId(), nextId()];
    const type = pick(TABLE_TYPES);
    const partitioned = type !== 'VIRTUAL_VIEW' && random() < 0.75;
    const name = `t_${pad(t, 5)}`;
    const location = `gs://warehouse/db_${database}.db/${name}`;
    rows.CDS.push([cd]);
    const width = 3 + Math.floor(random() * 18);
    for (let c = 0; c < width; c++) rows.COLUMNS_V2.push([cd, null, `c${c}`, pick(TYPES), c]);
    columns += width;
    rows.SERDES.push([serde, null, 'org.apache.hadoop.hive.ql.io.orc.OrcSerde', null, null, null, 0]);
    rows.SDS.push([
      sd,
      cd,
      'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat',
      0,
      0,
      location,
      -1,
      'orc.OrcOutputFormat',
      serde,
    ]);
    const view = type === 'VIRTUAL_VIEW' ? `SELECT * FROM db_${database}.t_${pad(Math.max(0, t - 1), 5)}` : null;
    rows.TBLS.push([id, now, databaseIds[database], 0, 'hive', 'USER', 0, sd, name, type, view, view, 0, 0]);
    const keys = partitioned ? 1 + Math.floor(random() * 3) : 0;
    for (let k = 0; k < keys; k++) rows.PARTITION_KEYS.push([id, null, ['dt', 'region', 'hr'][k], 'string', k]);
    tables.push({ id, keys, sd, cd, location, partitioned });
  }
  const partitioned = tables.filter((t) => t.partitioned);
  if (partitioned.length === 0 && size.partitions > 0) throw new Error('no partitioned table to hold partitions');
  for (let p = 0; p < size.partitions; p++) {
    const table = partitioned[p % partitioned.length] as (typeof partitioned)[number];
    const serial = Math.floor(p / partitioned.length);
    const values = partitionValues(serial, table.keys);
    const name = values.map((v, k) => `${['dt', 'region', 'hr'][k]}=${v}`).join('/');
    const [id, sd] = [nextId(), nextId()];
    rows.SDS.push([
      sd,
      table.cd,
      'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat',
      0,
      0,
      `${table.location}/${name}`,
      -1,
      'orc.OrcOutputFormat',
      null,
    ]);
    rows.PARTITIONS.push([id, now, 0, name, sd, table.id, 0]);
    values.forEach((value, k) => rows.PARTITION_KEY_VALS.push([id, value, k]));
  }
  for (let f = 0; f < size.functions; f++) {
    const database = databaseIds[f % size.databases];
    rows.FUNCS.push([nextId(), `com.example.udf.Fn${f}`, now, database, `fn_${pad(f, 4)}`, 1, 'hive', 'USER']);
  }
  await connection.query('SET foreign_key_checks = 0, unique_checks = 0');
  for (const table of SCHEMA_TABLES) await insertAll(connection, table, rows[table]);
  await connection.query('SET foreign_key_checks = 1, unique_checks = 1');
  return { ...size, columns };
}

/** The n-th distinct value tuple for `keys` keys: dates first, then regions, then hours. */
function partitionValues(n: number, keys: number): string[] {
  const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  if (keys === 1) return [day(n)];
  if (keys === 2) return [day(Math.floor(n / 4)), ['eu', 'us', 'asia', 'sa'][n % 4] as string];
  return [day(Math.floor(n / 96)), ['eu', 'us', 'asia', 'sa'][Math.floor(n / 24) % 4] as string, pad(n % 24, 2)];
}

async function insertAll(connection: Connection, table: string, rows: unknown[][]): Promise<void> {
  await connection.beginTransaction();
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await connection.query(`INSERT INTO \`${table}\` VALUES ?`, [rows.slice(i, i + ROWS_PER_INSERT)]);
  }
  await connection.commit();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
