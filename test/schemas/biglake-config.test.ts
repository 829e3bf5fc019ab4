// The outgoing kind's request rules (R1–R4 of the Lakehouse contract), each refused at its exact field path;
// the union of both kinds; and the public request, which takes either, the version rule checked with the worker's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BiglakeMetastoreMigrationConfigSchema,
  CatalogNameSchema,
  MigrationExecutionRequestSchema,
  MigrationExecutionUnionRequestSchema,
  MigrationRequestSchema,
  checkMigrationRequest,
  ReportPathSchema,
  formatIssues,
  validateBiglakeMigrationConfig,
  validateMigrationExecution,
} from '../../src/schemas';
import type { ApiVersion, InputIssue } from '../../src/schemas';
import { migrationExecutionRequest } from '../helpers/migration';

const CATALOG = 'projects/corp-lake/catalogs/iceberg-main';
const HIVE_CATALOG = 'projects/123456789/catalogs/hive_main';

/** A valid outgoing config: both targets, every optional field set. */
function config(): Record<string, unknown> {
  return {
    mode: 'BACKFILL',
    conflictPolicy: 'SKIP',
    dryRun: true,
    hiveConfig: { catalog: HIVE_CATALOG, databases: ['sales', 'hr_2024'] },
    icebergConfig: { catalog: CATALOG, namespaces: ['*'] },
    reportPath: 'gs://corp-migration-reports/dpms/2026-12',
  };
}

function issuesOf(input: unknown, apiVersion: ApiVersion = 'v1'): InputIssue[] {
  const result = validateBiglakeMigrationConfig(input, apiVersion);
  assert.ok(!result.ok, `accepted ${JSON.stringify(input)}`);
  return result.issues;
}

/** Refused with an issue at exactly `path` whose message matches `message`. */
function refusedAt(input: unknown, path: string, message: RegExp, apiVersion: ApiVersion = 'v1'): void {
  const issues = issuesOf(input, apiVersion);
  const issue = issues.find((i) => i.path === path);
  assert.ok(issue, `no issue at ${path} in ${JSON.stringify(issues)}`);
  assert.match(issue.message, message);
}

describe('biglakeMetastoreMigrationConfig', () => {
  describe('accepts', () => {
    it('every field, on every API version', () => {
      for (const version of ['v1', 'v1beta', 'v1alpha'] as const) {
        const result = validateBiglakeMigrationConfig(config(), version);
        assert.ok(result.ok, JSON.stringify(result));
        assert.deepEqual(result.value, config());
      }
    });

    it('one target alone (R1), without the optional fields', () => {
      assert.ok(validateBiglakeMigrationConfig({ mode: 'BACKFILL', hiveConfig: config()['hiveConfig'] }, 'v1').ok);
      assert.ok(
        validateBiglakeMigrationConfig({ mode: 'BACKFILL', icebergConfig: config()['icebergConfig'] }, 'v1').ok,
      );
    });

    it('INCREMENTAL_SYNC with an Iceberg target on v1beta and v1alpha', () => {
      const input = { mode: 'INCREMENTAL_SYNC', icebergConfig: { catalog: CATALOG, namespaces: ['web'] } };
      assert.ok(validateBiglakeMigrationConfig(input, 'v1beta').ok);
      assert.ok(validateBiglakeMigrationConfig(input, 'v1alpha').ok);
    });

    it('catalog names by project id or number, report paths with or without a folder', () => {
      for (const name of [CATALOG, HIVE_CATALOG, 'projects/example.com:corp-lake/catalogs/gcs-bucket.name'])
        assert.ok(CatalogNameSchema.safeParse(name).success, name);
      for (const path of ['gs://corp-reports', 'gs://corp-reports/', 'gs://corp.reports.example/a/b/', 'gs://a_b-c/x'])
        assert.ok(ReportPathSchema.safeParse(path).success, path);
    });
  });

  describe('refuses, naming the exact field path', () => {
    const root = 'biglakeMetastoreMigrationConfig';

    it('no target at all (R1)', () => {
      const { hiveConfig: _h, icebergConfig: _i, ...rest } = config();
      refusedAt(rest, root, /needs a target: hiveConfig .* icebergConfig .* or both/);
    });

    it('a missing mode, MIGRATION_MODE_UNSPECIFIED, an unknown mode and the lower-case spelling (R2)', () => {
      const { mode: _m, ...rest } = config();
      refusedAt(rest, `${root}.mode`, /^is required: BACKFILL or INCREMENTAL_SYNC/);
      refusedAt({ ...config(), mode: 'MIGRATION_MODE_UNSPECIFIED' }, `${root}.mode`, /must not be .*choose BACKFILL/);
      refusedAt({ ...config(), mode: 'FULL_COPY' }, `${root}.mode`, /^must be BACKFILL or INCREMENTAL_SYNC$/);
      refusedAt({ ...config(), mode: 'backfill' }, `${root}.mode`, /in upper case: BACKFILL/);
      refusedAt({ ...config(), mode: 'incremental-sync' }, `${root}.mode`, /in upper case: INCREMENTAL_SYNC/);
    });

    it('a conflictPolicy that is not SKIP or OVERWRITE', () => {
      refusedAt(
        { ...config(), conflictPolicy: 'CONFLICT_POLICY_UNSPECIFIED' },
        `${root}.conflictPolicy`,
        /leave it out/,
      );
      refusedAt({ ...config(), conflictPolicy: 'REPLACE' }, `${root}.conflictPolicy`, /^must be SKIP or OVERWRITE/);
    });

    it('a dryRun that is not a boolean', () => {
      refusedAt({ ...config(), dryRun: 'yes' }, `${root}.dryRun`, /must be true or false, not a string/);
    });

    it('a catalog with a location in it, in URL form, or of another form (R4)', () => {
      const located = {
        ...config(),
        icebergConfig: { catalog: 'projects/p-123456/locations/us/catalogs/c', namespaces: ['*'] },
      };
      refusedAt(
        located,
        `${root}.icebergConfig.catalog`,
        /must not name a location: Lakehouse catalogs are project-scoped/,
      );
      const url = {
        ...config(),
        hiveConfig: { catalog: `https://biglake.googleapis.com/v1/${CATALOG}`, databases: ['a'] },
      };
      refusedAt(url, `${root}.hiveConfig.catalog`, /not a URL/);
      for (const catalog of [
        'catalogs/c',
        'projects/corp-lake/catalogs/',
        'projects/UPPER/catalogs/c',
        'projects/corp-lake/catalogs/a/b',
      ]) {
        refusedAt(
          { ...config(), hiveConfig: { catalog, databases: ['a'] } },
          `${root}.hiveConfig.catalog`,
          /projects\/PROJECT\/catalogs\/CATALOG/,
        );
      }
    });

    it('a catalog or list missing inside a target', () => {
      refusedAt({ ...config(), hiveConfig: { databases: ['a'] } }, `${root}.hiveConfig.catalog`, /^is required/);
      refusedAt(
        { ...config(), icebergConfig: { catalog: CATALOG } },
        `${root}.icebergConfig.namespaces`,
        /^is required/,
      );
    });

    it('an empty list, "*" mixed with names, a pattern, a name listed twice, a bad or nested name', () => {
      const hive = (databases: unknown) => ({ ...config(), hiveConfig: { catalog: HIVE_CATALOG, databases } });
      const iceberg = (namespaces: unknown) => ({ ...config(), icebergConfig: { catalog: CATALOG, namespaces } });
      refusedAt(hive([]), `${root}.hiveConfig.databases`, /at least one database, or "\*" alone/);
      refusedAt(hive(['*', 'sales']), `${root}.hiveConfig.databases`, /\["\*"\] alone or a list of names/);
      refusedAt(iceberg(['web', '*']), `${root}.icebergConfig.namespaces`, /\["\*"\] alone or a list of names/);
      refusedAt(hive(['sales_*']), `${root}.hiveConfig.databases.0`, /a pattern is not supported/);
      refusedAt(hive(['a', 'b', 'a']), `${root}.hiveConfig.databases.2`, /lists this database twice/);
      refusedAt(hive(['a', 'sales-eu']), `${root}.hiveConfig.databases.1`, /letters, digits and _ only/);
      refusedAt(iceberg(['web.events']), `${root}.icebergConfig.namespaces.0`, /one level only/);
      refusedAt(hive('sales'), `${root}.hiveConfig.databases`, /must be a list of database names.*not a string/);
      refusedAt(hive(['a'.repeat(129)]), `${root}.hiveConfig.databases.0`, /at most 128/);
    });

    it('INCREMENTAL_SYNC on v1, and with a Hive target on any version (R2, Iceberg only)', () => {
      const iceberg = { mode: 'INCREMENTAL_SYNC', icebergConfig: { catalog: CATALOG, namespaces: ['web'] } };
      refusedAt(
        iceberg,
        `${root}.mode`,
        /must be BACKFILL with API version v1: INCREMENTAL_SYNC exists only in v1beta and v1alpha/,
        'v1',
      );
      const withHive = { ...iceberg, hiveConfig: { catalog: HIVE_CATALOG, databases: ['sales'] } };
      refusedAt(withHive, `${root}.hiveConfig`, /must be left out with mode INCREMENTAL_SYNC/, 'v1beta');
      assert.equal(issuesOf(withHive, 'v1beta').length, 1, 'only the Hive target is wrong on v1beta');
      refusedAt(
        { mode: 'INCREMENTAL_SYNC', hiveConfig: withHive.hiveConfig },
        `${root}.hiveConfig`,
        /Iceberg tables only/,
        'v1alpha',
      );
    });

    it('a reportPath that is not a well-formed gs:// folder', () => {
      const cases: [string, RegExp][] = [
        ['corp-reports/folder', /must be a Cloud Storage folder gs:\/\/BUCKET/],
        ['https://storage.googleapis.com/corp-reports', /not an https:\/\/ link/],
        ['gs://', /must name a bucket/],
        ['gs:///folder', /must name a bucket/],
        ['gs://Corp-Reports/x', /bucket name that is not valid: it must be lowercase/],
        ['gs://goog-reports', /bucket name that is not valid: it must not start with "goog"/],
        ['gs://corp-reports//x', /empty segments/],
        ['gs://corp-reports/a/../b', /'\.' or '\.\.' segments/],
        ['gs://corp-reports/a\nb', /control characters/],
        [`gs://corp-reports/${'a'.repeat(1100)}`, /at most 1024/],
      ];
      for (const [reportPath, message] of cases) refusedAt({ ...config(), reportPath }, `${root}.reportPath`, message);
    });

    it('backfillStatus, output only, and fields of other levels or of gcloud, each with where it belongs', () => {
      refusedAt(
        { ...config(), backfillStatus: { state: 'SUCCEEDED' } },
        root,
        /unknown field "backfillStatus": is output only/,
      );
      refusedAt(
        { ...config(), hiveCatalog: HIVE_CATALOG },
        root,
        /gcloud's --hive-catalog; in the API it is hiveConfig.catalog/,
      );
      refusedAt({ ...config(), namespaces: ['a'] }, root, /belongs inside icebergConfig/);
      refusedAt({ ...config(), migrationExecutionId: 'run-1' }, root, /pass it next to migrationExecution/);
      refusedAt(
        { ...config(), icebergConfig: { catalog: CATALOG, namespaces: ['*'], databases: ['a'] } },
        `${root}.icebergConfig`,
        /belongs in hiveConfig/,
      );
      refusedAt({ ...config(), modee: 'BACKFILL' }, root, /unknown field "modee" \(did you mean "mode"\?\)/);
    });

    it('lists the cause first: the unknown field before the "is required" of the field it misspells', () => {
      const { mode: _m, ...rest } = config();
      const issues = issuesOf({ ...rest, mdoe: 'BACKFILL' });
      assert.deepEqual(
        issues.map((i) => i.path),
        [root],
      );
      assert.match(issues[0]!.message, /did you mean "mode"/);
    });
  });

  it('the exported schema has no version rule: INCREMENTAL_SYNC is left to whoever knows the version', () => {
    const input = { mode: 'INCREMENTAL_SYNC', icebergConfig: { catalog: CATALOG, namespaces: ['web'] } };
    assert.ok(BiglakeMetastoreMigrationConfigSchema.safeParse(input).success);
  });
});

describe('the migration_config union', () => {
  const outgoing = { biglakeMetastoreMigrationConfig: config() };

  it('takes exactly one kind: the incoming one unchanged, or the outgoing one', () => {
    const incoming = migrationExecutionRequest();
    assert.deepEqual(
      MigrationExecutionUnionRequestSchema.parse(incoming),
      MigrationExecutionRequestSchema.parse(incoming),
    );
    assert.deepEqual(MigrationExecutionUnionRequestSchema.parse(outgoing), outgoing);
    const both = validateMigrationExecution({ ...incoming, ...outgoing }, 'v1');
    assert.ok(!both.ok);
    assert.deepEqual(both.issues, [
      {
        path: '(root)',
        message:
          'exactly one migration config must be set (one of: cloudSqlMigrationConfig, biglakeMetastoreMigrationConfig)',
      },
    ]);
    const neither = validateMigrationExecution({}, 'v1');
    assert.ok(!neither.ok);
    assert.match(neither.issues[0]!.message, /exactly one migration config/);
  });

  it('refuses incoming configs exactly as the public schema does', () => {
    const broken = structuredClone(migrationExecutionRequest()) as {
      cloudSqlMigrationConfig: { cdcConfig: Record<string, unknown> };
    };
    broken.cloudSqlMigrationConfig.cdcConfig['subnetIpRange'] = '10.0.0.0/30';
    const union = MigrationExecutionUnionRequestSchema.safeParse(broken);
    const today = MigrationExecutionRequestSchema.safeParse(broken);
    assert.ok(!union.success && !today.success);
    assert.equal(formatIssues(union.error), formatIssues(today.error));
  });

  it('checks the outgoing config against the API version, with the path from the body', () => {
    const sync = {
      biglakeMetastoreMigrationConfig: {
        mode: 'INCREMENTAL_SYNC',
        icebergConfig: { catalog: CATALOG, namespaces: ['web'] },
      },
    };
    assert.ok(validateMigrationExecution(sync, 'v1beta').ok);
    const v1 = validateMigrationExecution(sync, 'v1', 'migrationExecution');
    assert.ok(!v1.ok);
    assert.equal(v1.issues[0]?.path, 'migrationExecution.biglakeMetastoreMigrationConfig.mode');
  });

  it("says where the outgoing kind's fields go when they are put at the top", () => {
    const result = validateMigrationExecution({ mode: 'BACKFILL', ...outgoing }, 'v1');
    assert.ok(!result.ok);
    assert.match(result.issues[0]!.message, /unknown field "mode": belongs inside biglakeMetastoreMigrationConfig/);
  });
});

describe('the public request (what the workflow and the CLI accept)', () => {
  const service = 'projects/corp-data-prod/locations/us-central1/services/hms';

  it('takes the outgoing kind, with the rollback window option (default 3 days, 0 for none)', () => {
    const parsed = MigrationRequestSchema.parse({
      service,
      migrationExecution: { biglakeMetastoreMigrationConfig: config() },
    });
    assert.equal(parsed.migrationExecution.biglakeMetastoreMigrationConfig?.mode, 'BACKFILL');
    assert.equal(parsed.options.rollbackWindowSeconds, 259_200);
    const none = {
      service,
      migrationExecution: { biglakeMetastoreMigrationConfig: config() },
      options: { rollbackWindowSeconds: 0 },
    };
    assert.equal(MigrationRequestSchema.parse(none).options.rollbackWindowSeconds, 0);
    const bad = MigrationRequestSchema.safeParse({ ...none, options: { rollbackWindowSeconds: -1 } });
    assert.ok(!bad.success);
    assert.match(formatIssues(bad.error, 'request'), /^request\.options\.rollbackWindowSeconds: /m);
  });

  it('refuses INCREMENTAL_SYNC on v1 at the request check, naming the field; v1beta takes it', () => {
    const sync = {
      mode: 'INCREMENTAL_SYNC' as const,
      icebergConfig: { catalog: CATALOG, namespaces: ['web'] },
    };
    const request = { service, migrationExecution: { biglakeMetastoreMigrationConfig: sync } };
    const refused = checkMigrationRequest(request, 'v1');
    assert.ok('issues' in refused);
    assert.match(
      refused.issues,
      /^request\.migrationExecution\.biglakeMetastoreMigrationConfig\.mode: must be BACKFILL with API version v1/,
    );
    assert.ok('request' in checkMigrationRequest(request, 'v1beta'));
    assert.ok('request' in checkMigrationRequest(request), 'without a version, the rule is left to who knows it');
  });
});
