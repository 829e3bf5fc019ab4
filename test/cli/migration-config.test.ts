import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  MigrationConfigError,
  loadMigrationConfig,
  parseMigrationConfig,
  parseMigrationConfigOfEitherKind,
} from '../../src/cli/migration-config';
import type { MigrationExecutionRequest } from '../../src/schemas';
import { migrationExecutionRequest, snakeCaseConfigYaml } from '../helpers/migration';

const CAMEL_YAML = `
# what an engineer writes
cloudSqlMigrationConfig:
  cloudSqlConnectionConfig:
    instanceConnectionName: test-project:us-central1:hive-mysql
    ipAddress: 127.0.0.1
    port: 1
    hiveDatabaseName: hive
    username: hive
    password: env:HIVE_DB_PASSWORD
    proxySubnet: projects/test-project/regions/us-central1/subnetworks/proxy
    natSubnet: projects/test-project/regions/us-central1/subnetworks/nat
  cdcConfig:
    vpcNetwork: projects/test-project/locations/global/networks/default
    subnetIpRange: 10.0.0.0/29
    reverseProxySubnet: projects/test-project/regions/us-central1/subnetworks/reverse-proxy
    username: datastream
    password: env:CDC_PASSWORD
    rootPath: /migration
`;

// The spelling of Google's curl example for services.startMigration.
const SNAKE_YAML = snakeCaseConfigYaml();

type Body = Record<string, unknown>;

/** The helper's request as a loose object, so tests can break it in ways the type would not allow. */
function body(): { cloudSqlMigrationConfig: { cloudSqlConnectionConfig: Body; cdcConfig: Body } } {
  return structuredClone(migrationExecutionRequest()) as never;
}

function parseError(text: string): MigrationConfigError {
  try {
    parseMigrationConfig(text, 'migration.yaml');
  } catch (err) {
    assert.ok(err instanceof MigrationConfigError, `expected MigrationConfigError, got ${String(err)}`);
    assert.equal(err.name, 'MigrationConfigError');
    return err;
  }
  assert.fail('expected the config to be refused');
}

/** An issue line `path: message` for exactly this field path. */
function namesPath(err: Error, path: string): void {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(err.message, new RegExp(`^${escaped}: `, 'm'), `no issue for ${path} in:\n${err.message}`);
}

describe('parseMigrationConfig', () => {
  const expected: MigrationExecutionRequest = migrationExecutionRequest();

  describe('accepts', () => {
    it('camelCase YAML', () => {
      assert.deepEqual(parseMigrationConfig(CAMEL_YAML), expected);
    });

    it("snake_case YAML in the spelling of Google's curl example", () => {
      assert.deepEqual(parseMigrationConfig(SNAKE_YAML), expected);
    });

    it('JSON', () => {
      assert.deepEqual(parseMigrationConfig(JSON.stringify(expected, null, 2)), expected);
    });

    it('the body wrapped in { migrationExecution } or { migration_execution }', () => {
      assert.deepEqual(parseMigrationConfig(stringify({ migrationExecution: expected })), expected);
      assert.deepEqual(parseMigrationConfig(`migration_execution:\n${indent(SNAKE_YAML)}`), expected);
    });

    it('both instanceConnectionName spellings, project:region:instance and project/region/instance', () => {
      // Real project ids: the rules take project ids apart (6-30 characters, starting with a letter).
      for (const name of [
        'test-project:us-central1:hive-mysql',
        'test-project/us-central1/hive-mysql',
        'example.com:test-project:us-central1:hive-mysql',
      ]) {
        const config = body();
        config.cloudSqlMigrationConfig.cloudSqlConnectionConfig['instanceConnectionName'] = name;
        const parsed = parseMigrationConfig(stringify(config));
        assert.equal(parsed.cloudSqlMigrationConfig?.cloudSqlConnectionConfig.instanceConnectionName, name);
      }
    });

    it('subnetIpRange of /28 and /29', () => {
      for (const range of ['10.0.0.0/28', '10.0.0.0/29']) {
        const config = body();
        config.cloudSqlMigrationConfig.cdcConfig['subnetIpRange'] = range;
        assert.equal(parseMigrationConfig(stringify(config)).cloudSqlMigrationConfig?.cdcConfig.subnetIpRange, range);
      }
    });

    it('file: secret references', () => {
      const config = body();
      config.cloudSqlMigrationConfig.cdcConfig['password'] = 'file:/run/secrets/cdc';
      assert.equal(
        parseMigrationConfig(stringify(config)).cloudSqlMigrationConfig?.cdcConfig.password,
        'file:/run/secrets/cdc',
      );
    });
  });

  describe('refuses, naming the exact field path', () => {
    it('a subnetIpRange smaller than /29', () => {
      const config = body();
      config.cloudSqlMigrationConfig.cdcConfig['subnetIpRange'] = '10.0.0.0/30';
      namesPath(parseError(stringify(config)), 'cloudSqlMigrationConfig.cdcConfig.subnetIpRange');
    });

    it('a port that is not a port number', () => {
      for (const port of ['3306', 0, 70_000]) {
        const config = body();
        config.cloudSqlMigrationConfig.cloudSqlConnectionConfig['port'] = port;
        namesPath(parseError(stringify(config)), 'cloudSqlMigrationConfig.cloudSqlConnectionConfig.port');
      }
    });

    it('a missing required field', () => {
      const config = body();
      delete config.cloudSqlMigrationConfig.cloudSqlConnectionConfig['natSubnet'];
      namesPath(parseError(stringify(config)), 'cloudSqlMigrationConfig.cloudSqlConnectionConfig.natSubnet');
    });

    it('an unknown field (and its snake_case spelling)', () => {
      for (const key of ['extraField', 'extra_field']) {
        const config = body();
        config.cloudSqlMigrationConfig.cdcConfig[key] = 'x';
        const err = parseError(stringify(config));
        namesPath(err, 'cloudSqlMigrationConfig.cdcConfig');
        assert.match(err.message, /extraField/);
      }
    });

    it('an instanceConnectionName in neither spelling', () => {
      const config = body();
      config.cloudSqlMigrationConfig.cloudSqlConnectionConfig['instanceConnectionName'] = 'p:r';
      namesPath(
        parseError(stringify(config)),
        'cloudSqlMigrationConfig.cloudSqlConnectionConfig.instanceConnectionName',
      );
    });

    it('paths under the wrapper when the body is wrapped', () => {
      const config = body();
      config.cloudSqlMigrationConfig.cdcConfig['subnetIpRange'] = '10.0.0.0/30';
      const err = parseError(stringify({ migration_execution: config }));
      namesPath(err, 'migrationExecution.cloudSqlMigrationConfig.cdcConfig.subnetIpRange');
    });

    it('a field next to the wrapper', () => {
      const err = parseError(stringify({ migrationExecution: expected, requestId: 'x' }));
      assert.match(err.message, /requestId/);
    });

    it('a body with no migration config at all', () => {
      namesPath(parseError('{}'), '(root)');
    });
  });

  it('refuses a plaintext password without repeating it', () => {
    const plaintext = 'Hunter2-plaintext-5c1a';
    for (const section of ['cloudSqlConnectionConfig', 'cdcConfig'] as const) {
      const config = body();
      config.cloudSqlMigrationConfig[section]['password'] = plaintext;
      const err = parseError(stringify(config));
      namesPath(err, `cloudSqlMigrationConfig.${section}.password`);
      assert.doesNotMatch(err.message, new RegExp(plaintext));
    }
  });

  it('reports invalid YAML in one line, without a stack', () => {
    const err = parseError('cloudSqlMigrationConfig: {\n  cdcConfig: [unclosed\n');
    assert.match(err.message, /^migration\.yaml: /);
    assert.equal(err.message.split('\n').length, 1);
    assert.doesNotMatch(err.message, /\bat .+:\d+:\d+/);
  });
});

describe('parseMigrationConfigOfEitherKind (the outgoing kind, checked at an API version)', () => {
  const OUTGOING_SNAKE = `
biglake_metastore_migration_config:
  mode: INCREMENTAL_SYNC
  conflict_policy: OVERWRITE
  iceberg_config:
    catalog: projects/corp-lake/catalogs/iceberg-main
    namespaces: [web, ads]
  report_path: gs://corp-reports/dpms
`;
  const expectedOutgoing = {
    biglakeMetastoreMigrationConfig: {
      mode: 'INCREMENTAL_SYNC',
      conflictPolicy: 'OVERWRITE',
      icebergConfig: { catalog: 'projects/corp-lake/catalogs/iceberg-main', namespaces: ['web', 'ads'] },
      reportPath: 'gs://corp-reports/dpms',
    },
  };

  function refusedBy(text: string, apiVersion: 'v1' | 'v1beta'): MigrationConfigError {
    try {
      parseMigrationConfigOfEitherKind(text, apiVersion, 'outgoing.yaml');
    } catch (err) {
      assert.ok(err instanceof MigrationConfigError, `expected MigrationConfigError, got ${String(err)}`);
      return err;
    }
    assert.fail('expected the config to be refused');
  }

  it('reads snake_case, camelCase JSON and the wrapped body; the incoming kind as parseMigrationConfig does', () => {
    assert.deepEqual(parseMigrationConfigOfEitherKind(OUTGOING_SNAKE, 'v1beta'), expectedOutgoing);
    assert.deepEqual(parseMigrationConfigOfEitherKind(JSON.stringify(expectedOutgoing), 'v1alpha'), expectedOutgoing);
    const wrapped = stringify({ migrationExecution: expectedOutgoing });
    assert.deepEqual(parseMigrationConfigOfEitherKind(wrapped, 'v1beta'), expectedOutgoing);
    assert.deepEqual(parseMigrationConfigOfEitherKind(CAMEL_YAML, 'v1'), parseMigrationConfig(CAMEL_YAML));
  });

  it('refuses with the field path under the wrapper, cause first, and issues for --json', () => {
    const err = refusedBy(stringify({ migrationExecution: expectedOutgoing }), 'v1');
    namesPath(err, 'migrationExecution.biglakeMetastoreMigrationConfig.mode');
    assert.deepEqual(
      err.issues?.map((issue) => issue.path),
      ['migrationExecution.biglakeMetastoreMigrationConfig.mode'],
    );
    const typo = refusedBy(OUTGOING_SNAKE.replace('mode:', 'mdoe:'), 'v1beta');
    assert.deepEqual(
      typo.issues?.map((issue) => issue.path),
      ['biglakeMetastoreMigrationConfig'],
    );
    assert.match(typo.message, /unknown field "mdoe" \(did you mean "mode"\?\)/);
  });

  it('an empty file names both kinds', () => {
    assert.match(refusedBy('', 'v1').message, /cloudSqlMigrationConfig or biglakeMetastoreMigrationConfig/);
  });

  it('is what the CLI reads too, without the version rule (the worker checks that with its own version)', () => {
    assert.deepEqual(parseMigrationConfig(OUTGOING_SNAKE), expectedOutgoing);
  });
});

describe('loadMigrationConfig', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'migration-config-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads and parses a file', async () => {
    const path = join(dir, 'migration.yaml');
    await writeFile(path, CAMEL_YAML);
    assert.deepEqual(await loadMigrationConfig(path), migrationExecutionRequest());
  });

  it('refuses a missing file with MigrationConfigError naming the path', async () => {
    const path = join(dir, 'absent.yaml');
    await assert.rejects(loadMigrationConfig(path), (err: Error) => {
      assert.ok(err instanceof MigrationConfigError);
      assert.ok(err.message.startsWith(`${path}: `));
      return true;
    });
  });
});

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
