// A resolved manifest → the rollout workflow's input: the manifest's caps, soak, gate, failure budget, per-project
// caps and notify, as the workflow's schema accepts them; the template once and each member's own config beside it
// (merged as lint merges it); what the workflow cannot honour yet refused at its path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { checkManifestText } from '../../src/rollout/manifest';
import { checkMemberConfig } from '../../src/rollout/member-request';
import { toRolloutInput } from '../../src/rollout/to-rollout-input';
import type { RolloutAction } from '../../src/schemas/rollout';
import { checkRolloutInput } from '../../src/schemas/rollout';

const svc = (project: string, id: string) => `projects/${project}/locations/us-central1/services/${id}`;
const A = svc('proj-one', 'hms-a');
const B = svc('proj-one', 'hms-b');
const C = svc('proj-one', 'hms-c');
const D = svc('proj-two', 'hms-d');
const HIVE = { catalog: 'projects/corp-lake/catalogs/hive-main', databases: ['*'] };

type Json = Record<string, unknown>;

function manifest(change: (m: Json & { migrations: Json[]; waves: Json[]; policies: Json }) => void = () => undefined) {
  const m = {
    apiVersion: 'metastore-migrator/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'fleet-a' },
    template: {
      kind: 'outgoing',
      migrationExecution: { biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', hiveConfig: HIVE } },
      options: { pollIntervalSeconds: 45 },
    },
    migrations: [
      { service: A },
      { service: B, labels: { env: 'prod' }, config: { options: { pollIntervalSeconds: 5 } } },
      { service: C, labels: { env: 'prod' } },
      { service: D, labels: { env: 'prod' } },
    ] as Json[],
    waves: [
      { name: 'canary', canary: true, members: { services: [A] }, soak: '1h30m' },
      {
        name: 'prod',
        members: { selector: { matchLabels: { env: 'prod' } } },
        maxParallel: { count: 3 },
        gate: { advance: 'auto', health: { verificationClean: false } },
        failureBudget: { percent: 34 },
      },
    ] as Json[],
    policies: { perProject: { maxParallel: { count: 1 } }, notify: ['https://chat.example.com/hook'] } as Json,
  };
  change(m);
  return stringify(m);
}

function adapt(text: string, action: RolloutAction = 'start') {
  const check = checkManifestText(text, 'v1');
  assert.ok(check.ok && check.manifest && check.rollout, JSON.stringify(check.problems));
  return toRolloutInput(check.manifest, check.rollout, action);
}

describe('rollout manifest → the rollout workflow input', () => {
  it("carries the manifest's caps, soak, gate, failure budget, per-project caps and notify, valid for the workflow", () => {
    const { input, problems } = adapt(manifest());
    assert.deepEqual(problems, []);
    const checked = checkRolloutInput(input);
    assert.ok('rollout' in checked, 'issues' in checked ? checked.issues : '');
    const rollout = checked.rollout;
    assert.equal(rollout.name, 'fleet-a');
    assert.equal(rollout.action, 'start');
    assert.deepEqual(rollout.notify, ['https://chat.example.com/hook']);
    const [canary, prod] = rollout.waves;
    assert.equal(canary!.canary, true);
    assert.equal(canary!.soakSeconds, 5400);
    assert.deepEqual(canary!.gate, {
      advance: 'approval',
      health: { sourceHealthNotError: true, verificationClean: true },
    });
    assert.equal(canary!.maxParallel, 1);
    assert.deepEqual(
      prod!.members.map((m) => m.service),
      [B, C, D],
    );
    assert.equal(prod!.maxParallel, 3);
    // proj-one has two members in the wave, held to one at a time; proj-two's one member needs no cap.
    assert.deepEqual(prod!.perProject, { 'proj-one': 1 });
    assert.deepEqual(prod!.gate, { advance: 'auto', health: { sourceHealthNotError: true, verificationClean: false } });
    // As written, the percentage too: the workflow takes the larger of the two over the wave's size (1 of 3).
    assert.deepEqual(prod!.failureBudget, { count: 0, percent: 34 });
  });

  it('sends the template once and only the overrides per member, however many members share it', () => {
    const { input } = adapt(manifest());
    assert.deepEqual(input.template, {
      kind: 'outgoing',
      migrationExecution: { biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', hiveConfig: HIVE } },
      options: { pollIntervalSeconds: 45 },
    });
    const members = input.waves.flatMap((wave) => wave.members);
    assert.deepEqual(members, [
      { service: A },
      { service: B, config: { options: { pollIntervalSeconds: 5 } } },
      { service: C },
      { service: D },
    ]);
    assert.doesNotMatch(JSON.stringify(input.waves), /biglakeMetastoreMigrationConfig/, 'no request per member');
  });

  it("merges a member's overrides over the template as the rollout's activity will (merge patch)", () => {
    const { input } = adapt(
      manifest((m) => {
        m.migrations[1]!.config = {
          migrationExecution: { biglakeMetastoreMigrationConfig: { hiveConfig: { databases: ['sales'] } } },
          options: { pollIntervalSeconds: null },
        };
      }),
    );
    const member = input.waves[1]!.members[0]!;
    const merged = checkMemberConfig(member.service, member.config, 'config', input.template!, 'v1');
    assert.deepEqual(merged.memberIssues, []);
    const config = merged.request?.migrationExecution.biglakeMetastoreMigrationConfig;
    assert.deepEqual(config?.hiveConfig, { catalog: HIVE.catalog, databases: ['sales'] });
    assert.equal(config?.mode, 'BACKFILL');
    // null removes the template's value: the schema's default stands.
    assert.notEqual(merged.request?.options.pollIntervalSeconds, 45);
  });

  it("names a bad member override's field, at the member's config, and the template's fault at template", () => {
    const bad = checkMemberConfig(
      B,
      { options: { pollIntervalSeconds: 'often' } },
      'config',
      adapt(manifest()).input.template!,
      'v1',
    );
    assert.equal(bad.request, undefined);
    assert.deepEqual(
      bad.memberIssues.map((issue) => issue.path),
      ['config.options.pollIntervalSeconds'],
    );
    const template = {
      kind: 'outgoing' as const,
      migrationExecution: { biglakeMetastoreMigrationConfig: { mode: 'NOPE' } },
    };
    const fromTemplate = checkMemberConfig(B, undefined, 'config', template, 'v1');
    assert.deepEqual(fromTemplate.memberIssues, []);
    assert.ok(fromTemplate.templateIssues.length > 0);
    for (const issue of fromTemplate.templateIssues) assert.match(issue.path, /^template\.migrationExecution\./);
  });

  it('turns examples/rollout.yaml into an input the workflow accepts, for each action', () => {
    const example = readFileSync(join(__dirname, '..', '..', 'examples', 'rollout.yaml'), 'utf8');
    for (const action of ['start', 'complete', 'cancel'] as const) {
      const { input, problems } = adapt(example, action);
      assert.deepEqual(problems, [], action);
      const checked = checkRolloutInput(input);
      assert.ok('rollout' in checked, 'issues' in checked ? checked.issues : '');
    }
  });

  it("README's manifest under Fleets lints clean but for its override's warning, and makes an input the workflow accepts", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const fleets = readme.slice(readme.indexOf('\n### Fleets\n'));
    const block = /```yaml\n([\s\S]*?)```/.exec(fleets);
    assert.ok(block?.[1], 'a yaml block in the Fleets section');
    // Lint: the wave's override is meant for `--action complete`, and it says so; nothing else.
    const lint = checkManifestText(block[1], 'v1');
    assert.deepEqual(
      lint.problems.map((p) => `${p.severity} ${p.code}`),
      ['warning override-only-for-complete'],
    );
    for (const action of ['start', 'complete', 'cancel'] as const) {
      const { input, problems } = adapt(block[1], action);
      assert.deepEqual(problems, [], action);
      const checked = checkRolloutInput(input);
      assert.ok('rollout' in checked, 'issues' in checked ? checked.issues : '');
    }
  });

  it('refuses a rollout too large to carry across continue-as-new (lint and the workflow), not one of 2,000', () => {
    const fleet = (n: number, id: (i: number) => string) =>
      manifest((m) => {
        m.migrations = Array.from({ length: n }, (_, i) => ({ service: svc(`proj-${i % 200}`, id(i)), labels: {} }));
        m.waves = [{ name: 'all', members: { selector: { matchLabels: {} } }, maxParallel: { count: 100 } }];
      });
    // 2,000 members with names as long as the bench's: well inside.
    const fits = checkManifestText(
      fleet(2000, (i) => `svc-${i}`),
      'v1',
    );
    assert.deepEqual(
      fits.problems.filter((p) => p.code === 'rollout-too-large'),
      [],
    );
    // 5,000 members of 63-character service ids (names of ~120 characters): over 1.5 MiB.
    const big = fleet(5000, (i) => `hms-${String(i).padStart(5, '0')}-${'x'.repeat(53)}`);
    const lint = checkManifestText(big, 'v1');
    const tooLarge = lint.problems.filter((p) => p.code === 'rollout-too-large');
    assert.equal(tooLarge.length, 1);
    assert.equal(tooLarge[0]!.severity, 'error');
    assert.equal(tooLarge[0]!.path, 'migrations');
    assert.match(tooLarge[0]!.message, /^5,000 members would carry about [\d,]+ KiB .* several rollouts/);
    // The stock-CLI path: the workflow's own input check refuses it too, at the waves.
    const members = Array.from({ length: 5000 }, (_, i) => ({
      service: svc(`proj-${i % 200}`, `hms-${String(i).padStart(5, '0')}-${'x'.repeat(53)}`),
    }));
    const input = {
      name: 'big',
      action: 'complete',
      waves: [
        { name: 'a', members: members.slice(0, 2500), maxParallel: 10 },
        { name: 'b', members: members.slice(2500), maxParallel: 10 },
      ],
    };
    const checked = checkRolloutInput(input);
    assert.ok('issues' in checked);
    assert.match(checked.issues, /rollout\.waves: 5,000 members would carry about/);
  });

  it('complete and cancel carry no template and no overrides: they decide on the running migrations', () => {
    for (const action of ['complete', 'cancel'] as const) {
      const { input } = adapt(manifest(), action);
      assert.equal(input.template, undefined);
      assert.ok(input.waves.flatMap((wave) => wave.members).every((m) => !('config' in m)));
      assert.ok('rollout' in checkRolloutInput(input));
    }
  });

  it("refuses a health stage the workflow does not hold members to, at its path; the action's own is fine", () => {
    const stage = (value: string) =>
      manifest((m) => {
        m.waves[1]!.gate = { advance: 'approval', health: { stage: value } };
      });
    assert.deepEqual(adapt(stage('REPLICATION')).problems, []);
    const { problems } = adapt(stage('BACKFILL'));
    assert.deepEqual(
      problems.map((p) => [p.severity, p.code, p.path]),
      [['error', 'unsupported-by-workflow', 'waves.1.gate.health.stage']],
    );
    assert.deepEqual(adapt(stage('DONE'), 'complete').problems, []);
    // The accepted stage reaches the workflow, which accepts it too.
    const start = adapt(stage('REPLICATION')).input;
    assert.equal(start.waves[1]!.gate?.health?.stage, 'REPLICATION');
    assert.ok('rollout' in checkRolloutInput(start));
  });

  it("the workflow refuses a health stage other than its action's target at its path, as the stock CLI may send it", () => {
    const { input } = adapt(manifest(), 'complete');
    const withStage = (stage: string, action: RolloutAction = 'complete') => ({
      ...input,
      action,
      ...(action === 'start' && { template: adapt(manifest()).input.template }),
      waves: input.waves.map((wave, w) =>
        w === 1 ? { ...wave, override: undefined, gate: { advance: 'auto' as const, health: { stage } } } : wave,
      ),
    });
    assert.ok('rollout' in checkRolloutInput(withStage('DONE')));
    assert.ok('rollout' in checkRolloutInput(withStage('REPLICATION', 'start')));
    assert.ok('rollout' in checkRolloutInput(withStage('DONE', 'cancel')));
    const refused = checkRolloutInput(withStage('REPLICATION'));
    assert.ok('issues' in refused);
    assert.equal(
      refused.issues,
      'rollout.waves.1.gate.health.stage: is REPLICATION, but a complete rollout holds its members to DONE, the only ' +
        'stage it accepts',
    );
    const startAtDone = checkRolloutInput(withStage('DONE', 'start'));
    assert.ok('issues' in startAtDone);
    assert.match(startAtDone.issues, /^rollout\.waves\.1\.gate\.health\.stage: is DONE, but a start rollout holds /);
    const unknown = checkRolloutInput(withStage('REPLICATING'));
    assert.ok('issues' in unknown);
    assert.match(unknown.issues, /^rollout\.waves\.1\.gate\.health\.stage: must be a stage: /);
  });

  it("carries a wave's cutover override into a complete only, warns that it is for complete, and names a bad check", () => {
    const text = manifest((m) => {
      m.waves[1]!.override = ['workloads.moved', 'hive.schemaUnchanged'];
    });
    const check = checkManifestText(text, 'v1');
    assert.ok(check.ok, JSON.stringify(check.problems));
    assert.deepEqual(
      check.problems.filter((p) => p.code === 'override-only-for-complete').map((p) => [p.severity, p.path]),
      [['warning', 'waves.1.override']],
    );
    const complete = adapt(text, 'complete').input;
    assert.deepEqual(complete.waves[1]!.override, ['workloads.moved', 'hive.schemaUnchanged']);
    assert.equal(complete.waves[0]!.override, undefined, 'a wave without one accepts none');
    const checked = checkRolloutInput(complete);
    assert.ok('rollout' in checked, 'issues' in checked ? checked.issues : '');
    assert.deepEqual(checked.rollout.waves[1]!.override, ['workloads.moved', 'hive.schemaUnchanged']);
    for (const action of ['start', 'cancel'] as const) {
      const { input, problems } = adapt(text, action);
      assert.deepEqual(problems, [], action);
      assert.ok(
        input.waves.every((wave) => wave.override === undefined),
        `${action} decides no cutover`,
      );
      assert.ok('rollout' in checkRolloutInput(input), action);
    }

    const misspelt = checkManifestText(
      manifest((m) => {
        m.waves[1]!.override = ['workloads.moved', 'workloads.moovd'];
      }),
      'v1',
    );
    assert.equal(misspelt.ok, false);
    assert.deepEqual(
      misspelt.problems.map((p) => [p.severity, p.code, p.path]),
      [['error', 'invalid-field', 'waves.1.override.1']],
    );
    assert.match(misspelt.problems[0]!.message, /is not a cutover check; the gate's checks are .*workloads\.moved/);
  });

  it('takes the reconcile interval from policies, within 1s to 1h', () => {
    assert.equal(adapt(manifest((m) => (m.policies.reconcileInterval = '2s'))).input.reconcileSeconds, 2);
    assert.equal(adapt(manifest()).input.reconcileSeconds, undefined, "the workflow's default (30s)");
    const tooLong = checkManifestText(
      manifest((m) => (m.policies.reconcileInterval = '2h')),
      'v1',
    );
    assert.deepEqual(
      tooLong.problems.map((p) => p.path),
      ['policies.reconcileInterval'],
    );
  });
});
