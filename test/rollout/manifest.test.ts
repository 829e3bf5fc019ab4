// The rollout manifest offline: its fields with their paths, each member's request checked by the request schemas
// (the template merged in), membership by name and by selector, every conflict kind, and the cap arithmetic.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { allowedFailures, effectiveCap } from '../../src/rollout/caps';
import { parseDuration } from '../../src/rollout/duration';
import { checkManifestText } from '../../src/rollout/manifest';
import type { ProblemCode } from '../../src/rollout/problems';
import { matchesSelector } from '../../src/rollout/selectors';

const svc = (project: string, id: string, location = 'us-central1') =>
  `projects/${project}/locations/${location}/services/${id}`;
const A = svc('proj-one', 'hms-a');
const B = svc('proj-one', 'hms-b');
const C = svc('proj-two', 'hms-c');
const D = svc('proj-two', 'hms-d');

type Json = Record<string, unknown>;

/** A valid outgoing manifest of four services in two waves; `change` edits it before it is written as YAML. */
function manifest(change: (m: Json & { migrations: Json[]; waves: Json[] }) => void = () => undefined): string {
  const m = {
    apiVersion: 'metastore-migrator/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'fleet-a' },
    template: {
      kind: 'outgoing',
      migrationExecution: {
        biglakeMetastoreMigrationConfig: {
          mode: 'BACKFILL',
          hiveConfig: { catalog: 'projects/corp-lake/catalogs/hive-main', databases: ['*'] },
        },
      },
    },
    migrations: [
      { service: A, labels: { env: 'dev', tier: 'bronze' } },
      { service: B, labels: { env: 'prod', tier: 'gold' } },
      { service: C, labels: { env: 'prod', tier: 'silver' } },
      { service: D, labels: { env: 'prod' } },
    ] as Json[],
    waves: [
      { name: 'canary', canary: true, members: { services: [A] } },
      { name: 'prod', members: { selector: { matchLabels: { env: 'prod' } } } },
    ] as Json[],
  };
  change(m);
  return stringify(m);
}

const check = (text: string, apiVersion: 'v1' | 'v1beta' = 'v1') => checkManifestText(text, apiVersion);
const problemsOf = (text: string) => check(text).problems.map((p) => `${p.severity} ${p.code} ${p.path}: ${p.message}`);
function only(text: string, code: ProblemCode) {
  return check(text).problems.filter((problem) => problem.code === code);
}

describe('rollout manifest: fields and paths', () => {
  it('accepts the base manifest, the example, and resolves the waves in order', () => {
    const base = check(manifest());
    assert.deepEqual(problemsOf(manifest()), []);
    assert.equal(base.ok, true);
    assert.deepEqual(
      base.rollout?.waves.map((wave) => [wave.number, wave.name, wave.members.map((m) => m.service)]),
      [
        [1, 'canary', [A]],
        [2, 'prod', [B, C, D]],
      ],
    );
    const example = check(readFileSync(join(__dirname, '..', '..', 'examples', 'rollout.yaml'), 'utf8'));
    assert.deepEqual(example.problems, []);
    const sales = example.rollout?.waves.flatMap((w) => w.members).find((m) => m.service.endsWith('/hms-sales'));
    const config = sales?.request?.migrationExecution.biglakeMetastoreMigrationConfig;
    assert.equal(config?.hiveConfig?.catalog, 'projects/corp-lake/catalogs/hive-sales', 'the member overrides');
    assert.deepEqual(config?.hiveConfig?.databases, ['sales', 'sales_archive']);
    assert.equal(config?.icebergConfig?.catalog, 'projects/corp-lake/catalogs/iceberg-main', 'the template stays');
    assert.equal(sales?.request?.options.pollIntervalSeconds, 300, "the template's options");
  });

  it('names every field of the manifest that is wrong by its path', () => {
    const text = manifest((m) => {
      m.apiVersion = 'v1';
      m.metadata = { name: 'Fleet_A' };
      (m.migrations[1] as Json).labels = { env: 7 };
      (m.waves[1] as Json).maxParallel = { percent: 0 };
      (m.waves[1] as Json).soak = '3 weeks';
      (m.waves[0] as Json).gate = { advance: 'manual' };
      m.polices = {};
    });
    const result = check(text);
    assert.equal(result.ok, false);
    assert.equal(result.rollout, undefined, 'a manifest of the wrong shape is not resolved');
    const paths = result.problems.map((problem) => problem.path);
    for (const path of [
      '(root)',
      'apiVersion',
      'metadata.name',
      'migrations.1.labels.env',
      'waves.1.maxParallel.percent',
      'waves.1.soak',
      'waves.0.gate.advance',
    ])
      assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
    assert.match(
      result.problems.find((p) => p.path === '(root)')?.message ?? '',
      /unknown field "polices" \(did you mean "policies"\?\)/,
    );
    assert.match(result.problems.find((p) => p.path === 'migrations.1.labels.env')?.message ?? '', /quote numbers/);
  });

  it('keeps the rollout name to what fits a workflow id', () => {
    assert.equal(check(manifest((m) => (m.metadata = { name: 'a'.repeat(63) }))).ok, true);
    const long = only(
      manifest((m) => (m.metadata = { name: 'a'.repeat(64) })),
      'invalid-field',
    );
    assert.deepEqual(
      long.map((p) => p.path),
      ['metadata.name'],
    );
    assert.match(long[0]?.message ?? '', /at most 63 characters \(it becomes part of a workflow id\)/);
    assert.equal(check(manifest((m) => (m.metadata = { name: 'fleet/a' }))).ok, false);
  });

  it('refuses invalid YAML and an empty file at the root, quoting nothing', () => {
    assert.deepEqual(
      check('waves: [\n  password: hunter2').problems.map((p) => p.path),
      ['(root)'],
    );
    assert.doesNotMatch(check('waves: [\n  password: hunter2').problems[0]?.message ?? '', /hunter2/);
    assert.match(check('').problems[0]?.message ?? '', /the file is empty/);
  });

  it("checks each member's request with the template merged in, naming the member's field", () => {
    const text = manifest((m) => {
      (m.migrations[3] as Json).config = {
        migrationExecution: { biglakeMetastoreMigrationConfig: { hiveConfig: { catalog: 'projects/lake/hive' } } },
        options: { pollIntervalSeconds: -1 },
      };
    });
    const issues = only(text, 'invalid-member-request');
    assert.deepEqual(issues.map((p) => p.path).sort(), [
      'migrations.3.config.migrationExecution.biglakeMetastoreMigrationConfig.hiveConfig.catalog',
      'migrations.3.config.options.pollIntervalSeconds',
    ]);
    assert.ok(issues.every((p) => p.severity === 'error'));
    const member = check(text).rollout?.waves[1]?.members.find((m) => m.service === D);
    assert.equal(member?.request, undefined, 'an invalid member has no request');
  });

  it('reports a fault of the template once, at template.…, however many members share it', () => {
    const text = manifest((m) => {
      m.template = { ...(m.template as Json), options: { operationPollSeconds: 9999 } };
    });
    const issues = only(text, 'invalid-member-request');
    assert.deepEqual(
      issues.map((p) => p.path),
      ['template.options.operationPollSeconds'],
    );
    assert.match(issues[0]?.message ?? '', /\(the request of 4 members, first migrations\.0\)$/);
  });

  it("a member's own value where the template's is invalid too is the member's fault", () => {
    const text = manifest((m) => {
      m.template = { ...(m.template as Json), options: { operationPollSeconds: 9999 } };
      (m.migrations[2] as Json).config = { options: { operationPollSeconds: 7777 } };
    });
    const issues = only(text, 'invalid-member-request');
    assert.deepEqual(
      issues.map((p) => p.path),
      ['migrations.2.config.options.operationPollSeconds', 'template.options.operationPollSeconds'],
    );
    assert.match(issues[1]?.message ?? '', /\(the request of 3 members, first migrations\.0\)$/);
  });

  it('a member may remove a template field with null (merge patch) and then must give what is required', () => {
    const text = manifest((m) => {
      (m.migrations[2] as Json).config = {
        migrationExecution: { biglakeMetastoreMigrationConfig: { hiveConfig: null } },
      };
    });
    const issues = only(text, 'invalid-member-request');
    assert.equal(issues.length, 1);
    assert.match(issues[0]?.path ?? '', /^migrations\.2\.config\.migrationExecution\.biglakeMetastoreMigrationConfig/);
  });

  it("refuses the other kind's config in a member: the template's kind decides", () => {
    const text = manifest((m) => {
      (m.migrations[1] as Json).config = { migrationExecution: { cloudSqlMigrationConfig: {} } };
    });
    const issues = only(text, 'invalid-member-request');
    assert.deepEqual(
      issues.map((p) => p.path),
      ['migrations.1.config.migrationExecution.cloudSqlMigrationConfig'],
    );
    assert.match(issues[0]?.message ?? '', /the template's kind is outgoing/);
  });

  it('applies the API version rule of the outgoing kind (INCREMENTAL_SYNC only on v1beta/v1alpha)', () => {
    const text = manifest((m) => {
      (m.migrations[0] as Json).config = {
        migrationExecution: {
          biglakeMetastoreMigrationConfig: {
            mode: 'INCREMENTAL_SYNC',
            hiveConfig: null,
            icebergConfig: { catalog: 'projects/corp-lake/catalogs/ice', namespaces: ['*'] },
          },
        },
      };
    });
    assert.ok(check(text, 'v1').problems.some((p) => p.path.startsWith('migrations.0.config.migrationExecution')));
    assert.equal(check(text, 'v1beta').ok, true);
  });
});

describe('rollout manifest: membership and conflicts', () => {
  it('a service listed twice in migrations[] is an error at the repeat', () => {
    const dup = only(
      manifest((m) => m.migrations.push({ service: B })),
      'duplicate-service',
    );
    assert.deepEqual(
      dup.map((p) => [p.path, p.message]),
      [['migrations.4.service', 'is listed again (first at migrations.1)']],
    );
  });

  it('a service named by two waves, or twice in one, is an error naming the other wave', () => {
    const text = manifest((m) => {
      m.waves.push({ name: 'again', members: { services: [C, A, C] } });
    });
    const twice = only(text, 'service-in-two-waves');
    assert.deepEqual(
      twice.map((p) => [p.path, p.message]),
      [
        ['waves.2.members.services.1', 'is listed in wave canary too: a service belongs to one wave'],
        ['waves.2.members.services.2', 'is listed again in this wave: a service belongs to one wave'],
      ],
    );
    // C is named by wave 3, so the prod selector of wave 2 does not take it: a name wins over a selector.
    const waves = check(text).rollout?.waves;
    assert.deepEqual(
      waves?.[1]?.members.map((m) => m.service),
      [B, D],
    );
    assert.deepEqual(
      waves?.[2]?.members.map((m) => m.service),
      [C],
    );
  });

  it('a named service that is not in migrations[] is an error', () => {
    const unknown = only(
      manifest((m) => ((m.waves[0] as Json).members = { services: [A, svc('proj-one', 'hms-zz')] })),
      'unknown-service',
    );
    assert.deepEqual(
      unknown.map((p) => p.path),
      ['waves.0.members.services.1'],
    );
  });

  it('a service in no wave is a warning: the manifest stays valid', () => {
    const text = manifest((m) => ((m.waves[1] as Json).members = { selector: { matchLabels: { tier: 'gold' } } }));
    const result = check(text);
    assert.equal(result.ok, true);
    assert.deepEqual(
      result.problems.map((p) => [p.severity, p.code, p.path]),
      [
        ['warning', 'service-in-no-wave', 'migrations.2.service'],
        ['warning', 'service-in-no-wave', 'migrations.3.service'],
      ],
    );
    assert.deepEqual(result.rollout?.unplaced, [C, D]);
  });

  it('an empty wave: no names, or a selector whose matches earlier waves took', () => {
    const text = manifest((m) => {
      m.waves.push({ name: 'none', members: { services: [] } });
      m.waves.push({ name: 'leftovers', members: { selector: { matchLabels: { env: 'prod' } } } });
    });
    const empty = only(text, 'empty-wave');
    assert.deepEqual(
      empty.map((p) => p.path),
      ['waves.2.members.services', 'waves.3.members.selector'],
    );
    assert.match(empty[1]?.message ?? '', /its selector matches 3, all named by a wave or taken by an earlier one/);
  });

  it('a selector that matches nothing is an error, naming the selector', () => {
    const nothing = only(
      manifest((m) => m.waves.push({ name: 'qa', members: { selector: { matchLabels: { env: 'qa' } } } })),
      'selector-matches-nothing',
    );
    assert.deepEqual(
      nothing.map((p) => [p.path, p.message]),
      [['waves.2.members.selector', "env=qa matches no migration's labels"]],
    );
  });

  it('duplicate wave names, a canary that advances by itself, and a budget above the identity quota', () => {
    const text = manifest((m) => {
      (m.waves[1] as Json).name = 'canary';
      (m.waves[0] as Json).gate = { advance: 'auto' };
      m.policies = { apiBudgetPerProject: 8 };
    });
    assert.deepEqual(
      check(text).problems.map((p) => [p.severity, p.code, p.path]),
      [
        ['warning', 'canary-auto-advance', 'waves.0.gate.advance'],
        ['error', 'duplicate-wave', 'waves.1.name'],
        ['warning', 'api-budget-above-identity-quota', 'policies.apiBudgetPerProject'],
      ],
    );
    assert.deepEqual(
      only(
        manifest((m) => (m.policies = { apiBudgetPerProject: 25 })),
        'invalid-field',
      ).map((p) => p.path),
      ['policies.apiBudgetPerProject'],
    );
  });

  it('a wave gives services or a selector, exactly one; In and NotIn need values, Exists takes none', () => {
    const text = manifest((m) => {
      (m.waves[0] as Json).members = { services: [A], selector: {} };
      (m.waves[1] as Json).members = {
        selector: {
          matchExpressions: [
            { key: 'tier', operator: 'In' },
            { key: 'tier', operator: 'Exists', values: ['x'] },
            { key: 'tier', operator: 'Gt', values: ['x'] },
          ],
        },
      };
    });
    assert.deepEqual(
      check(text).problems.map((p) => p.path),
      [
        'waves.0.members',
        'waves.1.members.selector.matchExpressions.0.values',
        'waves.1.members.selector.matchExpressions.1.values',
        'waves.1.members.selector.matchExpressions.2.operator',
      ],
    );
  });
});

describe('label selectors', () => {
  const labels = { env: 'prod', tier: 'gold' };
  it('matchLabels: every pair must hold; an empty selector matches everything', () => {
    assert.equal(matchesSelector(labels, { matchLabels: { env: 'prod' } }), true);
    assert.equal(matchesSelector(labels, { matchLabels: { env: 'prod', tier: 'silver' } }), false);
    assert.equal(matchesSelector({}, {}), true);
  });
  it('In, NotIn (true without the label, as in Kubernetes) and Exists, all of them together', () => {
    const expr = (operator: 'In' | 'NotIn' | 'Exists', key: string, values?: string[]) => ({
      matchExpressions: [{ key, operator, ...(values && { values }) }],
    });
    assert.equal(matchesSelector(labels, expr('In', 'tier', ['gold', 'silver'])), true);
    assert.equal(matchesSelector(labels, expr('In', 'team', ['x'])), false);
    assert.equal(matchesSelector(labels, expr('NotIn', 'tier', ['gold'])), false);
    assert.equal(matchesSelector(labels, expr('NotIn', 'team', ['x'])), true);
    assert.equal(matchesSelector(labels, expr('Exists', 'tier')), true);
    assert.equal(matchesSelector(labels, expr('Exists', 'team')), false);
    assert.equal(
      matchesSelector(labels, {
        matchLabels: { env: 'prod' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['gold'] },
          { key: 'team', operator: 'Exists' },
        ],
      }),
      false,
    );
  });
});

describe('caps and budgets', () => {
  it('a cap takes the stricter of count and percent; a percentage rounds down, never to 0', () => {
    assert.deepEqual(effectiveCap({ count: 10, percent: 25 }, 100), { limit: 10, decidedBy: 'count' });
    assert.deepEqual(effectiveCap({ count: 10, percent: 5 }, 100), { limit: 5, decidedBy: 'percent' });
    assert.deepEqual(effectiveCap({ percent: 10 }, 5), { limit: 1, decidedBy: 'percent' });
    assert.deepEqual(effectiveCap({ percent: 33 }, 10), { limit: 3, decidedBy: 'percent' });
    assert.deepEqual(effectiveCap({ count: 50 }, 20), { limit: 20, decidedBy: 'none' });
    assert.deepEqual(effectiveCap(undefined, 7), { limit: 7, decidedBy: 'none' });
  });
  it('a failure budget takes the looser of count and percent, at most the wave', () => {
    assert.equal(allowedFailures({ count: 1, percent: 10 }, 50), 5);
    assert.equal(allowedFailures({ count: 3, percent: 1 }, 50), 3);
    assert.equal(allowedFailures({ count: 0 }, 50), 0);
    assert.equal(allowedFailures({ count: 9 }, 4), 4);
  });
  it('per project: the stricter of the wave cap and the policy, on that project’s members', () => {
    const many = (project: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ service: svc(project, `hms-${project}-${i}`), labels: { env: 'prod' } }));
    const text = manifest((m) => {
      m.migrations = [{ service: A }, ...many('proj-big', 40), ...many('proj-small', 4)];
      m.waves = [{ name: 'all', members: { selector: { matchLabels: { env: 'prod' } } }, maxParallel: { count: 6 } }];
      m.policies = { perProject: { maxParallel: { percent: 10 } } };
    });
    const result = check(text);
    const wave = result.rollout?.waves[0];
    assert.deepEqual(wave?.maxParallel, { limit: 6, decidedBy: 'count' });
    assert.deepEqual(
      wave?.perProject.map((p) => [p.project, p.members, p.limit, p.decidedBy]),
      [
        ['proj-big', 40, 4, 'project percent'],
        ['proj-small', 4, 1, 'project percent'],
      ],
    );
    const loose = check(
      manifest((m) => {
        m.migrations = many('proj-big', 40);
        m.waves = [{ name: 'all', members: { selector: {} }, maxParallel: { count: 2 } }];
        m.policies = { perProject: { maxParallel: { count: 10 } } };
      }),
    );
    assert.deepEqual(
      loose.rollout?.waves[0]?.perProject.map((p) => [p.limit, p.decidedBy]),
      [[2, 'wave']],
    );
  });
  it('soak durations as engineers write them, bounded', () => {
    assert.equal(parseDuration('30m'), 1800);
    assert.equal(parseDuration('1h30m'), 5400);
    assert.equal(parseDuration('2d'), 172_800);
    assert.equal(parseDuration('90d'), 90 * 86_400);
    assert.equal(parseDuration('91d'), undefined);
    assert.equal(parseDuration(''), undefined);
    assert.equal(parseDuration('24 h'), undefined);
  });
});
