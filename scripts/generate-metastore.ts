// npm run generate:metastore -- --preset large --port 3306 --user hive --database hive [--init-schema] [--seed N]
// Fills a Hive 3.1 metastore database on MySQL/MariaDB with a generated metastore (see lib/hive-generator.ts), to
// rehearse a migration or a verification at a real size. The password comes from HIVE_DB_PASSWORD, never a flag.
// --init-schema first creates the Hive 3.1 schema (test/fixtures/hive-metastore-schema.sql) in an empty database.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { PRESETS, type PresetName, generateMetastore } from './lib/hive-generator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string', default: 'small' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '3306' },
      user: { type: 'string', default: 'hive' },
      database: { type: 'string', default: 'hive' },
      seed: { type: 'string', default: '1' },
      'init-schema': { type: 'boolean', default: false },
    },
  });
  const size = PRESETS[values.preset as PresetName];
  if (!size) throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`);
  const password = process.env.HIVE_DB_PASSWORD ?? '';
  const connection = await createConnection({
    host: values.host,
    port: Number(values.port),
    user: values.user,
    password,
    database: values.database,
    multipleStatements: values['init-schema'],
  });
  try {
    if (values['init-schema']) {
      const schema = await readFile(join(__dirname, '..', 'test', 'fixtures', 'hive-metastore-schema.sql'), 'utf8');
      await connection.query(schema.replaceAll('@SCHEMA_VERSION@', '3.1.0'));
    }
    const began = Date.now();
    const written = await generateMetastore(connection, size, Number(values.seed));
    console.log(
      `${values.database}: ${written.databases} databases, ${written.tables} tables, ${written.partitions} partitions, ` +
        `${written.columns} columns, ${written.functions} functions in ${((Date.now() - began) / 1000).toFixed(1)} s`,
    );
  } finally {
    await connection.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
