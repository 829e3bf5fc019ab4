// rollout plan's member prechecks without a worker: which members are planned (not those in conflict or with an
// invalid request), each plan's report as a verdict, a failed plan as blocked, the bound on plans at once (overall
// and per project), and how plan prints them: counts per wave, the first blocked members with why, and the rest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, RetryState } from '@temporalio/common';
import { stringify } from 'yaml';
import { BLOCKED_SHOWN, formatPrechecks } from '../../src/cli/rollout-format';
import { PRECHECK_CONCURRENCY, perProjectPlans, precheckMembers, verdictOf } from '../../src/cli/rollout-prechecks';
import { eachPaced } from '../../src/cli/paced';
import type { MemberPrecheck, PrecheckOutcome } from '../../src/cli/rollout-prechecks';
import type { PrecheckReport } from '../../src/migration/dry-run';
import type { Finding } from '../../src/migration/findings';
import { buildReport } from '../../src/migration/report';
import { checkManifestText } from '../../src/rollout/manifest';
import { error } from '../../src/rollout/problems';

const service = (project: string, n: number) => `projects/${project}/locations/europe-west1/services/hms-${n}`;

/** 10 members in proj-a, 3 in proj-b, 1 in proj-c; migrations.3 with an invalid request. */
function rollout(apiBudgetPerProject: number) {
  const services = [
    ...Array.from({ length: 10 }, (_, i) => service('proj-a', i)),
    ...Array.from({ length: 3 }, (_, i) => service('proj-b', i)),
    service('proj-c', 0),
  ];
  const check = checkManifestText(
    stringify({
      apiVersion: 'metastore-migrator/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'prechecked' },
      template: {
        kind: 'outgoing',
        migrationExecution: {
          biglakeMetastoreMigrationConfig: {
            mode: 'BACKFILL',
            hiveConfig: { catalog: 'projects/corp-lake/catalogs/hive', databases: ['*'] },
          },
        },
      },
      migrations: services.map((name, i) => ({
        service: name,
        ...(i === 3 && { config: { options: { pollIntervalSeconds: 'often' } } }),
      })),
      waves: [
        { name: 'canary', canary: true, members: { services: [services[0]] } },
        { name: 'rest', members: { selector: {} } },
      ],
      policies: { apiBudgetPerProject },
    }),
    'v1',
  );
  assert.ok(check.rollout, JSON.stringify(check.problems));
  return { rollout: check.rollout, services };
}

const report = (name: string, findings: Finding[], overrides: string[] = []): PrecheckReport =>
  buildReport(name, findings, overrides);
const ok = (check: string): Finding => ({ check, level: 'ok', message: 'fine' });

describe("rollout plan's member prechecks", () => {
  it('plans every member not in conflict nor invalid, and gives each its verdict', async () => {
    const { rollout: r, services } = rollout(3);
    const conflict = error('workflow-running', 'migrations.2.service', 'a migration workflow is already running');
    const planned: string[] = [];
    const outcome = await precheckMembers(r, [conflict], async (request) => {
      planned.push(request.service);
      switch (request.service) {
        case services[1]:
          return report(request.service, [
            ok('service.state'),
            { check: 'targets.catalogs', level: 'error', message: 'NOT_FOUND: catalog hive' },
          ]);
        case services[4]:
          return report(request.service, [
            { check: 'hive.reachable', level: 'skipped', message: 'the worker cannot reach the source' },
          ]);
        case services[5]:
          // An overridden error: a warning, nothing blocks.
          return report(
            request.service,
            [{ check: 'dryRun.errors', level: 'error', message: '1 database' }],
            ['dryRun.errors'],
          );
        case services[6]:
          throw new WorkflowFailedError(
            'Workflow execution failed',
            ApplicationFailure.create({ type: 'InvalidArgument', message: 'invalid migration request' }),
            RetryState.NON_RETRYABLE_FAILURE,
          );
        default:
          return report(request.service, [ok('service.state'), ok('permissions')]);
      }
    });
    assert.deepEqual(
      [...planned].sort(),
      services.filter((_, i) => i !== 2 && i !== 3).sort(),
      'neither the member in conflict nor the invalid one is planned',
    );
    const byService = new Map(outcome.members.map((m) => [m.service, m]));
    assert.deepEqual(byService.get(services[1]!)?.reasons, ['targets.catalogs: NOT_FOUND: catalog hive']);
    assert.equal(byService.get(services[1]!)?.verdict, 'blocked');
    assert.deepEqual(byService.get(services[2]!), {
      service: services[2],
      wave: 2,
      verdict: 'not planned',
      reasons: ['in conflict: a migration workflow is already running'],
    });
    assert.equal(byService.get(services[3]!)?.verdict, 'not planned');
    assert.deepEqual(byService.get(services[4]!)?.reasons, [
      'hive.reachable not run: the worker cannot reach the source',
    ]);
    assert.equal(byService.get(services[5]!)?.verdict, 'warnings');
    assert.deepEqual(byService.get(services[6]!), {
      service: services[6],
      wave: 2,
      verdict: 'blocked',
      reasons: ['its plan failed: InvalidArgument: invalid migration request'],
    });
    assert.equal(byService.get(services[0]!)?.verdict, 'ready');
    assert.equal(outcome.planned, 12);
    assert.deepEqual(outcome.waves, [
      { wave: 1, name: 'canary', ready: 1, warnings: 0, blocked: 0, notPlanned: 0 },
      { wave: 2, name: 'rest', ready: 7, warnings: 2, blocked: 2, notPlanned: 2 },
    ]);
  });

  it('runs at most 4 plans at once, and per project at most half the API budget', async () => {
    for (const [budget, perProject] of [
      [3, 2],
      [1, 1],
      [20, PRECHECK_CONCURRENCY],
    ] as const) {
      assert.equal(perProjectPlans(budget), perProject);
      const { rollout: r } = rollout(budget);
      let inFlight = 0;
      let maxInFlight = 0;
      const byProject = new Map<string, number>();
      let maxPerProject = 0;
      const outcome = await precheckMembers(r, [], async (request) => {
        const project = request.service.split('/')[1] ?? '';
        inFlight += 1;
        byProject.set(project, (byProject.get(project) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, inFlight);
        maxPerProject = Math.max(maxPerProject, byProject.get(project) ?? 0);
        for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        byProject.set(project, (byProject.get(project) ?? 0) - 1);
        return report(request.service, [ok('service.state')]);
      });
      assert.equal(outcome.perProject, perProject);
      assert.equal(maxPerProject, perProject, `budget ${budget}: ${maxPerProject} of one project at once`);
      assert.ok(maxInFlight <= PRECHECK_CONCURRENCY, `budget ${budget}: ${maxInFlight} at once`);
      // Three projects: with one plan per project, three at once, not one after another.
      assert.equal(maxInFlight, Math.min(PRECHECK_CONCURRENCY, perProject === 1 ? 3 : PRECHECK_CONCURRENCY));
      assert.equal(outcome.members.filter((m) => m.verdict === 'ready').length, 13);
    }
  });

  it('lets the running plans finish before an unexpected failure is thrown, and starts none after it', async () => {
    const started: number[] = [];
    let settled = 0;
    await assert.rejects(
      eachPaced(
        Array.from({ length: 10 }, (_, i) => i),
        () => 'one',
        4,
        4,
        async (i) => {
          started.push(i);
          await new Promise((resolve) => setImmediate(resolve));
          if (i === 1) throw new Error('connection lost');
          await new Promise((resolve) => setImmediate(resolve));
          settled += 1;
        },
      ),
      /connection lost/,
    );
    assert.deepEqual(started, [0, 1, 2, 3]);
    assert.equal(settled, 3, 'the other three ran to their end');
  });

  it('says blocked only for errors; an overridden error or a check that did not run is a warning', () => {
    assert.equal(verdictOf(report('s', [ok('a')])).verdict, 'ready');
    assert.equal(verdictOf(report('s', [{ check: 'a', level: 'warning', message: 'm' }])).verdict, 'warnings');
    assert.deepEqual(verdictOf(report('s', [{ check: 'a', level: 'error', message: 'm' }])), {
      verdict: 'blocked',
      reasons: ['a: m'],
    });
  });
});

describe('formatPrechecks', () => {
  const member = (n: number, verdict: MemberPrecheck['verdict'], findings: Finding[] = []): MemberPrecheck => ({
    service: service('proj-a', n),
    wave: 2,
    verdict,
    reasons: findings.filter((f) => f.level === 'error').map((f) => `${f.check}: ${f.message}`),
    findings,
  });

  it('prints per wave the counts, the first blocked members with why and how many more, and the warnings', () => {
    const blocked = Array.from({ length: BLOCKED_SHOWN + 3 }, (_, n) =>
      member(n, 'blocked', [{ check: 'targets.catalogs', level: 'error', message: `NOT_FOUND: catalog c${n}` }]),
    );
    const outcome: PrecheckOutcome = {
      ran: true,
      planned: 19,
      concurrency: 4,
      perProject: 2,
      seconds: 2.5,
      waves: [
        { wave: 1, name: 'canary', ready: 1, warnings: 0, blocked: 0, notPlanned: 0 },
        { wave: 2, name: 'rest', ready: 2, warnings: 3, blocked: blocked.length, notPlanned: 1 },
      ],
      members: [
        { ...member(100, 'ready'), wave: 1 },
        ...blocked,
        member(101, 'ready'),
        member(102, 'ready'),
        member(103, 'warnings', [{ check: 'hive.reachable', level: 'skipped', message: 'unreachable' }]),
        member(104, 'warnings', [
          { check: 'hive.reachable', level: 'skipped', message: 'unreachable' },
          { check: 'cdc.gtid', level: 'warning', message: 'off' },
        ]),
        member(105, 'warnings', [{ check: 'dryRun.errors', level: 'warning', message: '1 (overridden)' }]),
        { service: service('proj-a', 106), wave: 2, verdict: 'not planned', reasons: ['in conflict: …'] },
      ],
    };
    const lines = formatPrechecks(outcome).split('\n');
    assert.equal(
      lines[0],
      'prechecks (planMigration on the worker, read only): 19 members planned in 2.5 s, 4 at a time, at most 2 per project',
    );
    assert.equal(lines[1], 'wave 1 canary: 1 ready, 0 blocked, 0 with warnings');
    assert.equal(lines[2], 'wave 2 rest: 2 ready, 13 blocked, 3 with warnings, 1 not planned (in conflict or invalid)');
    assert.equal(lines[3], `  blocked  ${service('proj-a', 0)}: targets.catalogs: NOT_FOUND: catalog c0`);
    assert.equal(lines.filter((line) => line.startsWith('  blocked  ')).length, BLOCKED_SHOWN);
    assert.equal(lines[3 + BLOCKED_SHOWN], '  … and 3 more blocked (--json has them all)');
    assert.equal(lines[4 + BLOCKED_SHOWN], '  warnings: hive.reachable not run (2), cdc.gtid (1), dryRun.errors (1)');
    assert.equal(lines.length, 5 + BLOCKED_SHOWN);
  });

  it('says why the prechecks did not run', () => {
    assert.equal(
      formatPrechecks({ ran: false, reason: 'skipped', message: '--skip-prechecks' }),
      'prechecks not run: --skip-prechecks',
    );
    assert.equal(
      formatPrechecks({ ran: false, reason: 'no worker', message: 'no worker — no worker polls task queue "q" …' }),
      'prechecks not run: no worker — no worker polls task queue "q" …',
    );
    assert.equal(
      formatPrechecks({ ran: false, reason: 'invalid manifest', message: "the manifest's errors first" }),
      "prechecks not run: the manifest's errors first",
    );
  });
});
