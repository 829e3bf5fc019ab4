// gcloud's flags of the outgoing kind on plan and start: what config they build, alone and over a file, and how a
// bad one is refused (the flag and the field named, a UsageError: exit 2 before any call).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from '../../src/cli/args';
import { UsageError } from '../../src/cli/errors';
import { parseMigrationConfigOfEitherKind } from '../../src/cli/migration-config';
import { migrationExecutionOf, outgoingFlagsGiven } from '../../src/cli/outgoing-flags';
import type { ApiVersion, MigrationExecutionUnionRequest } from '../../src/schemas';

const SERVICE = ['--service', 'projects/p-123456/locations/us-central1/services/hms'];
const HIVE = 'projects/corp-lake/catalogs/hive-main';
const ICEBERG = 'projects/corp-lake/catalogs/iceberg-main';
const fixtures = join(__dirname, '..', 'fixtures');

function fileOf(name: string, apiVersion: ApiVersion = 'v1') {
  const execution = parseMigrationConfigOfEitherKind(readFileSync(join(fixtures, name), 'utf8'), apiVersion, name);
  return { name, execution };
}

/** What start builds from these flags (over the file when given). */
function built(flags: string[], file?: string, apiVersion: ApiVersion = 'v1'): MigrationExecutionUnionRequest {
  const { options } = parse(['start', ...SERVICE, ...flags]);
  return migrationExecutionOf(options.values, apiVersion, file ? fileOf(file, apiVersion) : undefined, 'start');
}

function refusal(flags: string[], file?: string, apiVersion: ApiVersion = 'v1'): UsageError {
  try {
    built(flags, file, apiVersion);
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    return err;
  }
  assert.fail(`${flags.join(' ')} was accepted`);
}

describe('the outgoing kind from flags alone (no --config)', () => {
  it("builds gcloud's defaults: mode BACKFILL, every database or namespace", () => {
    assert.deepEqual(built(['--hive-catalog', HIVE]), {
      biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', hiveConfig: { catalog: HIVE, databases: ['*'] } },
    });
  });

  it('maps each flag to its field; lists are comma-separated; the API spelling of a choice works too', () => {
    const everything = [
      ['--mode', 'incremental-sync'],
      ['--conflict-policy', 'OVERWRITE'],
      ['--dry-run'],
      ['--report-path', 'gs://corp-reports/dpms'],
      ['--iceberg-catalog', ICEBERG],
      ['--iceberg-namespaces', 'web,ads'],
    ].flat();
    assert.deepEqual(built(everything, undefined, 'v1beta'), {
      biglakeMetastoreMigrationConfig: {
        mode: 'INCREMENTAL_SYNC',
        conflictPolicy: 'OVERWRITE',
        dryRun: true,
        reportPath: 'gs://corp-reports/dpms',
        icebergConfig: { catalog: ICEBERG, namespaces: ['web', 'ads'] },
      },
    });
    assert.equal(
      built([
        '--mode',
        'BACKFILL',
        '--hive-catalog',
        HIVE,
        '--hive-databases',
        'sales,hr_2024',
      ]).biglakeMetastoreMigrationConfig?.hiveConfig?.databases.join(','),
      'sales,hr_2024',
    );
  });

  it('refuses a bad value naming the flag and the field, every problem at once, as issues for --json', () => {
    const err = refusal([
      '--hive-catalog',
      'projects/corp-lake/locations/us/catalogs/hive-main',
      '--hive-databases',
      'sales,,hr',
      '--report-path',
      's3://reports',
    ]);
    const lines = err.message.split('\n');
    assert.equal(lines[0], 'invalid flags for the outgoing migration:');
    assert.match(
      err.message,
      /^--hive-catalog \(biglakeMetastoreMigrationConfig\.hiveConfig\.catalog\): must not name a location: Lakehouse catalogs are project-scoped/m,
    );
    assert.match(
      err.message,
      /^--hive-databases \(biglakeMetastoreMigrationConfig\.hiveConfig\.databases\.1\): must not be empty/m,
    );
    assert.match(
      err.message,
      /^--report-path \(biglakeMetastoreMigrationConfig\.reportPath\): must be a Cloud Storage folder/m,
    );
    assert.deepEqual(
      err.issues?.map((issue) => [issue.path, issue.message.split(':')[0]]),
      [
        ['biglakeMetastoreMigrationConfig.hiveConfig.catalog', '--hive-catalog'],
        ['biglakeMetastoreMigrationConfig.hiveConfig.databases.1', '--hive-databases'],
        ['biglakeMetastoreMigrationConfig.reportPath', '--report-path'],
      ],
    );
  });

  it("checks the mode at the worker's API version: INCREMENTAL_SYNC only in v1alpha/v1beta, Iceberg only", () => {
    const v1 = refusal(['--mode', 'incremental-sync', '--iceberg-catalog', ICEBERG], undefined, 'v1');
    assert.match(
      v1.message,
      /^--mode \(biglakeMetastoreMigrationConfig\.mode\): must be BACKFILL with API version v1/m,
    );
    const hive = refusal(['--mode', 'incremental-sync', '--hive-catalog', HIVE], undefined, 'v1beta');
    assert.match(hive.message, /^--hive-catalog \(biglakeMetastoreMigrationConfig\.hiveConfig\): must be left out/m);
  });

  it('refuses no target naming the flags that give one, and a list without its catalog', () => {
    assert.match(
      refusal(['--mode', 'backfill', '--dry-run']).message,
      /^--hive-catalog or --iceberg-catalog \(biglakeMetastoreMigrationConfig\): needs a target/m,
    );
    assert.equal(
      refusal(['--hive-databases', 'sales']).message,
      '--hive-databases needs --hive-catalog (the catalog they go to)',
    );
    assert.match(
      refusal(['--hive-catalog', HIVE, '--iceberg-namespaces', 'web']).message,
      /^--iceberg-namespaces needs --iceberg-catalog/,
    );
  });

  it('refuses a start with neither a config file nor the flags, saying both ways', () => {
    assert.match(refusal([]).message, /^--config FILE is required, or for the outgoing kind .* its flags instead/);
  });

  it('--migration-execution-id is --migration-id (gcloud spells it so)', () => {
    const { options } = parse(['start', ...SERVICE, '--migration-execution-id', 'dpms-to-lake-1']);
    assert.equal(options.values['migration-id'], 'dpms-to-lake-1');
    assert.equal(options.values['migration-execution-id'], undefined);
  });
});

describe('the flags with a config file', () => {
  it('leave a file of either kind as it is when none is given', () => {
    assert.deepEqual(built([], 'good-outgoing-config.yaml'), fileOf('good-outgoing-config.yaml').execution);
    assert.deepEqual(built([], 'good-config.yaml'), fileOf('good-config.yaml').execution);
  });

  it('each replace the one field they name in a file of the outgoing kind; the rest is the file’s', () => {
    const file = fileOf('good-outgoing-config.yaml').execution.biglakeMetastoreMigrationConfig;
    const over = built(
      ['--conflict-policy', 'overwrite', '--hive-catalog', 'projects/corp-lake/catalogs/hive-2'],
      'good-outgoing-config.yaml',
    ).biglakeMetastoreMigrationConfig;
    assert.deepEqual(over, {
      ...file,
      conflictPolicy: 'OVERWRITE',
      // The file's databases stay: only the catalog was given.
      hiveConfig: { catalog: 'projects/corp-lake/catalogs/hive-2', databases: ['sales', 'hr_2024'] },
    });
    const databases = built(['--hive-databases', 'ops'], 'good-outgoing-config.yaml').biglakeMetastoreMigrationConfig;
    assert.deepEqual(databases?.hiveConfig, { catalog: HIVE, databases: ['ops'] }, 'the catalog is the file’s');
  });

  it('are refused, named, over a file of the incoming kind', () => {
    const err = refusal(['--mode', 'backfill', '--dry-run', '--hive-catalog', HIVE], 'good-config.yaml');
    assert.match(
      err.message,
      /^--mode, --dry-run, --hive-catalog: flags of the outgoing kind .* but good-config\.yaml is a config of the incoming kind/,
    );
  });

  it('a combination the file alone did not have is checked as a whole, the flag named', () => {
    const err = refusal(['--mode', 'incremental-sync'], 'good-outgoing-config.yaml', 'v1beta');
    // hiveConfig came from the file: its path says so, and --mode is not blamed for a field it did not set.
    assert.match(
      err.message,
      /^biglakeMetastoreMigrationConfig\.hiveConfig \(from good-outgoing-config\.yaml\): must be left out with mode INCREMENTAL_SYNC/m,
    );
  });
});

describe('outgoingFlagsGiven', () => {
  it('counts a switch only when given (complete --dry-run is another flag, on another command)', () => {
    assert.deepEqual(outgoingFlagsGiven(parse(['start', ...SERVICE]).options.values), []);
    assert.deepEqual(outgoingFlagsGiven(parse(['plan', ...SERVICE, '--dry-run']).options.values), ['dry-run']);
  });
});
