// The example config files the README points engineers at are valid: the incoming kind's as the CLI reads it, the
// outgoing kind's at every API version (it is a BACKFILL, which v1 has too).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseMigrationConfig, parseMigrationConfigOfEitherKind } from '../../src/cli/migration-config';
import { API_VERSIONS } from '../../src/schemas';

const example = (name: string) => readFileSync(join(__dirname, '..', '..', 'examples', name), 'utf8');

describe('examples/', () => {
  it('migration.yaml is a valid config of the incoming kind', () => {
    const parsed = parseMigrationConfig(example('migration.yaml'), 'migration.yaml');
    assert.ok(parsed.cloudSqlMigrationConfig);
  });

  it('outgoing-migration.yaml is a valid config of the outgoing kind at every API version', () => {
    for (const version of API_VERSIONS) {
      const parsed = parseMigrationConfigOfEitherKind(example('outgoing-migration.yaml'), version, 'outgoing');
      assert.ok('biglakeMetastoreMigrationConfig' in parsed, version);
      assert.deepEqual(parsed.biglakeMetastoreMigrationConfig?.hiveConfig?.databases, ['sales', 'hr_2024']);
    }
  });
});
