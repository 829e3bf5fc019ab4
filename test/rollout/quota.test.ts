// Google's per-project limits in lint and plan: each member's busiest reads/s from its poll options, a project's
// reads at its effective cap, and the warnings when a wave would exceed the API budget, Google's 5 req/s per
// identity, or the 20 services per region per project.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { checkManifestText } from '../../src/rollout/manifest';
import { migrationPeakReads, overQuota, projectPeakReads, roundRate } from '../../src/rollout/quota';

const svc = (project: string, id: string, location = 'us-central1') =>
  `projects/${project}/locations/${location}/services/${id}`;

/** An outgoing manifest of `n` services of proj-big (ids hms-0 …) in one wave; `change` edits it. */
type Json = Record<string, unknown>;
type Manifest = Json & { template: Json; migrations: Json[]; waves: Json[]; policies?: Json };

function manifest(n: number, change: (m: Manifest) => void = () => undefined): string {
  const m: Manifest = {
    apiVersion: 'metastore-migrator/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'fleet-q' },
    template: {
      kind: 'outgoing',
      migrationExecution: {
        biglakeMetastoreMigrationConfig: {
          mode: 'BACKFILL',
          hiveConfig: { catalog: 'projects/corp-lake/catalogs/hive-main', databases: ['*'] },
        },
      },
    },
    migrations: Array.from({ length: n }, (_, i) => ({
      service: svc('proj-big', `hms-${i}`),
      labels: { env: 'prod' },
    })),
    waves: [{ name: 'all', members: { selector: { matchLabels: { env: 'prod' } } } }],
  };
  change(m);
  return stringify(m);
}

const check = (text: string) => checkManifestText(text, 'v1');

describe('rollout quota arithmetic', () => {
  it('a migration at its busiest: two reads (execution, service) per fastest interval', () => {
    assert.equal(migrationPeakReads(), 2 / 5, 'defaults: fastPollSeconds 5, operationPollSeconds 5');
    assert.equal(migrationPeakReads({ fastPollSeconds: 20, operationPollSeconds: 10 }), 2 / 10);
    assert.equal(migrationPeakReads({ pollIntervalSeconds: 2, fastPollSeconds: 20, operationPollSeconds: 20 }), 1);
  });
  it('a project at its cap: the busiest members summed, no more than the cap', () => {
    assert.equal(projectPeakReads([0.1, 0.4, 0.2, 0.4], 2), 0.8);
    assert.equal(projectPeakReads([0.1, 0.4], 5), 0.5);
    assert.equal(projectPeakReads([], 3), 0);
    assert.equal(roundRate(0.4 * 13), 5.2);
  });
  it('over the budget, Google’s quota, both (stricter first) or neither', () => {
    assert.deepEqual(overQuota(2.8, 3), []);
    assert.deepEqual(
      overQuota(3.2, 3).map((o) => o.limit),
      [3],
    );
    assert.deepEqual(
      overQuota(5.2, 3).map((o) => o.limit),
      [3, 5],
    );
    assert.deepEqual(
      overQuota(5.2, 10).map((o) => o.what),
      ["Google's quota per project per identity"],
    );
  });
});

describe('rollout lint: per-project reads at the cap', () => {
  it('each project shows its estimated reads at its effective cap; within the budget, no warning', () => {
    const result = check(manifest(10, (m) => (m.waves[0]!.maxParallel = { count: 5 })));
    assert.deepEqual(
      result.rollout?.waves[0]?.perProject.map((p) => [p.project, p.members, p.limit, p.readsPerSecond]),
      [['proj-big', 10, 5, 2]],
    );
    assert.deepEqual(result.problems, []);
  });
  it('warns at the wave when its cap × the busiest rate exceeds apiBudgetPerProject, naming the project', () => {
    const result = check(manifest(10, (m) => (m.waves[0]!.maxParallel = { count: 8 })));
    assert.equal(result.ok, true, 'a warning: the rollout may still run');
    const warned = result.problems.filter((p) => p.code === 'wave-reads-above-quota');
    assert.equal(warned.length, 1);
    assert.equal(warned[0]?.severity, 'warning');
    assert.equal(warned[0]?.path, 'waves.0.maxParallel');
    assert.match(warned[0]?.message ?? '', /project proj-big: 8 at once read about 3\.2 req\/s/);
    assert.match(warned[0]?.message ?? '', /policies\.apiBudgetPerProject \(3 req\/s\)/);
    assert.doesNotMatch(warned[0]?.message ?? '', /Google/);
  });
  it('names Google’s quota too when the budget allows more than 5 req/s', () => {
    const result = check(
      manifest(15, (m) => {
        m.policies = { apiBudgetPerProject: 10 };
      }),
    );
    const warned = result.problems.filter((p) => p.code === 'wave-reads-above-quota');
    assert.equal(warned.length, 1);
    assert.match(warned[0]?.message ?? '', /15 at once read about 6 req\/s/);
    assert.match(warned[0]?.message ?? '', /Google's quota per project per identity \(5 req\/s\)/);
  });
  it('a member’s slower poll options lower the estimate (and a faster one raises it)', () => {
    const slow = check(
      manifest(10, (m) => {
        m.template.options = { fastPollSeconds: 30, operationPollSeconds: 30 };
      }),
    );
    assert.equal(slow.rollout?.waves[0]?.perProject[0]?.readsPerSecond, roundRate((10 * 2) / 30));
    assert.deepEqual(slow.problems, []);
    const fast = check(
      manifest(3, (m) => {
        m.migrations[0]!.config = { options: { fastPollSeconds: 0.5 } };
      }),
    );
    assert.equal(fast.rollout?.waves[0]?.perProject[0]?.readsPerSecond, 4.8);
    assert.equal(fast.problems.filter((p) => p.code === 'wave-reads-above-quota').length, 1);
  });
  it('more than 20 services of one project in one region: a warning at the wave', () => {
    const result = check(
      manifest(21, (m) => {
        m.waves[0]!.maxParallel = { count: 1 };
      }),
    );
    assert.deepEqual(
      result.problems.map((p) => [p.severity, p.code, p.path]),
      [['warning', 'services-above-region-quota', 'waves.0']],
    );
    assert.match(result.problems[0]?.message ?? '', /21 services in proj-big\/us-central1/);
    const split = check(
      manifest(21, (m) => {
        m.waves[0]!.maxParallel = { count: 1 };
        m.migrations[0]!.service = svc('proj-big', 'hms-0', 'europe-west1');
      }),
    );
    assert.deepEqual(split.problems, [], 'twenty in one region and one in another');
  });
});
