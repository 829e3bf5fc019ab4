// `rollout complete|cancel` offline: the sub-commands parse with their flags, have help and bash completion, choose
// their members from the example manifest (a wave, a label selector, services by name) or from --services alone,
// refuse a selection that names nothing or a service the manifest lacks, and --dry-run lists the members as a
// process with no server to reach. The decision itself, against a worker: decisions-e2e.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Options, parse } from '../../src/cli/args';
import { completionScript } from '../../src/cli/completion';
import { HelpRequested, UsageError } from '../../src/cli/errors';
import { buildProgram } from '../../src/cli/program';
import { bulkConsequences, bulkRequest, formatBulkReport, overrideLines } from '../../src/cli/rollout-decisions';
import { bulkSelection, selectorOf } from '../../src/cli/rollout-members';
import { loadConfig } from '../../src/config';
import { BulkDecisionRequestSchema } from '../../src/schemas/bulk-decision';
import { cliProcess } from '../helpers/stack';

const example = join(__dirname, '..', '..', 'examples', 'rollout.yaml');
const config = loadConfig({});
const DEV = 'projects/corp-dev/locations/us-central1/services';
const PROD = 'projects/corp-prod/locations/us-central1/services';

function thrown(argv: string[]): Error {
  try {
    parse(argv);
  } catch (err) {
    return err as Error;
  }
  assert.fail(`parse(${argv.join(' ')}) did not throw`);
}

const options = (...argv: string[]): Options => parse(['rollout', 'complete', ...argv]).options;

async function usage(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => assert.fail('accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof UsageError, String(err));
  return err.message;
}

describe('rollout complete|cancel: parse, help, completion', () => {
  it('parses both with their flags, fleet-wide (no --service)', () => {
    const { command, options: parsed } = parse([
      'rollout',
      'complete',
      '--manifest',
      'fleet.yaml',
      '--wave',
      'prod',
      '--reason',
      'go',
      '--by',
      'alice',
      '--change-reference',
      'CHG-1',
      '--override',
      'workloads.moved',
      '--id',
      'wave-3',
      '-y',
    ]);
    assert.equal(command, 'rollout complete');
    assert.equal(parsed.service, '');
    assert.deepEqual(
      [parsed.values.wave, parsed.values['change-reference'], parsed.values.override, parsed.values.yes],
      ['prod', 'CHG-1', ['workloads.moved'], true],
    );
    assert.equal(parse(['rollout', 'cancel', '--services', 'a,b', '--dry-run']).command, 'rollout cancel');
    // A cancel runs no cutover checks: it takes no --override.
    assert.match(thrown(['rollout', 'cancel', '--services', 'a', '--override', 'x']).message, /unknown option/);
  });

  it('has help that says what cannot be undone and how members are chosen', () => {
    const help = thrown(['help', 'rollout', 'complete']);
    assert.ok(help instanceof HelpRequested);
    assert.match(help.message, /^Usage: metastore-migrator rollout complete \[options\]/);
    assert.match(help.message, /a cutover cannot be undone/);
    assert.match(help.message, /--wave <N\|NAME>/);
    const group = thrown(['rollout', '--help']);
    assert.match(group.message, /^ {2}complete \[options\] +complete many migrations: each through its own cutover$/m);
    assert.match(group.message, /^ {2}cancel /m);
  });

  it('completes the sub-commands and their flags in bash', () => {
    const script = completionScript(
      'bash',
      buildProgram(() => undefined),
    );
    const complete = (...words: string[]) =>
      execFileSync(
        'bash',
        [
          '--norc',
          '-c',
          `${script}\nCOMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _metastore_migrator; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'bash',
          ...words,
        ],
        { encoding: 'utf8' },
      )
        .split('\n')
        .filter((line) => line !== '');
    assert.deepEqual(complete('metastore-migrator', 'rollout', 'c').sort(), ['cancel', 'complete']);
    assert.deepEqual(complete('metastore-migrator', 'rollout', 'complete', '--w'), ['--wave']);
    assert.deepEqual(complete('metastore-migrator', 'rollout', 'cancel', '--se').sort(), ['--selector', '--services']);
  });
});

describe('rollout complete|cancel: the members', () => {
  it('a wave, a selector, services of the manifest, or services alone', async () => {
    const wave = await bulkSelection(config, options('--manifest', example, '--wave', 'canary'));
    assert.deepEqual(wave.services, [`${DEV}/hms-sandbox`]);
    assert.equal(wave.label, 'dpms-to-lakehouse-2027');
    assert.equal(wave.chosenBy, 'wave 1 canary');
    // The same wave by its number, as `rollout status` shows it.
    const byNumber = await bulkSelection(config, options('--manifest', example, '--wave', '1'));
    assert.deepEqual(byNumber.services, wave.services);
    assert.equal(byNumber.chosenBy, 'wave 1 canary');
    const gold = await bulkSelection(config, options('--manifest', example, '--selector', 'env=prod,tier=gold'));
    assert.deepEqual(gold.services, [
      `${PROD}/hms-sales`,
      'projects/corp-prod/locations/europe-west1/services/hms-finance',
    ]);
    const named = await bulkSelection(config, options('--manifest', example, '--services', `${PROD}/hms-sales`));
    assert.deepEqual(named.services, [`${PROD}/hms-sales`]);
    const alone = await bulkSelection(config, options('--services', `${DEV}/a-one, ${DEV}/b-two`));
    assert.deepEqual(alone, { label: 'services', chosenBy: 'by name', services: [`${DEV}/a-one`, `${DEV}/b-two`] });
  });

  it('refuses a selection that names nothing, several selections, or a service the manifest lacks', async () => {
    assert.match(await usage(bulkSelection(config, options())), /^which members/);
    assert.match(await usage(bulkSelection(config, options('--wave', 'canary'))), /--wave needs --manifest/);
    assert.match(
      await usage(bulkSelection(config, options('--manifest', example, '--wave', 'canary', '--services', 'x'))),
      /not several/,
    );
    assert.match(
      await usage(bulkSelection(config, options('--manifest', example, '--wave', 'canry'))),
      /no such wave .*its waves: canary, dev, prod/,
    );
    assert.match(
      await usage(bulkSelection(config, options('--manifest', example, '--selector', 'env=qa'))),
      /matches no migration/,
    );
    assert.match(
      await usage(bulkSelection(config, options('--manifest', example, '--services', `${DEV}/hms-elsewhere`))),
      /not migrations of .*hms-elsewhere/,
    );
    assert.match(await usage(bulkSelection(config, options('--services', 'hms-sales'))), /^--services: hms-sales: /);
    assert.throws(() => selectorOf('env'), /"env" is not key=value/);
    assert.throws(() => selectorOf('env=a,env=b'), /env is given twice/);
  });

  it('--dry-run lists the members as a process, reaching no server', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: '127.0.0.1:1' };
    const run = await cliProcess(env, ['rollout', 'complete', '--manifest', example, '--wave', 'prod', '--dry-run']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^complete would ask 4 members \(wave 3 prod\); nothing was started$/m);
    assert.match(run.stdout, new RegExp(`^ {2}${PROD}/hms-sales$`, 'm'));
    // Without --dry-run, the same line needs --reason before anything is asked.
    const bare = await cliProcess(env, ['rollout', 'complete', '--manifest', example, '--wave', 'prod', '--yes']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /--reason is required/);
  });
});

describe('rollout complete|cancel: the bulkDecision input', () => {
  it("names the manifest's rollout, so the decision records itself in its audit trail; --services alone names none", async () => {
    for (const action of ['complete', 'cancel'] as const) {
      const argv = ['--manifest', example, '--wave', 'prod', '--reason', 'prod cutover', '--by', 'alice'];
      const chosen = parse(['rollout', action, ...argv, '--change-reference', 'CHG-7']).options;
      const request = bulkRequest(chosen, action, await bulkSelection(config, chosen));
      assert.equal(request.rollout, 'dpms-to-lakehouse-2027', action);
      assert.equal(request.action, action);
      assert.equal(request.who, 'alice');
      assert.equal(request.changeReference, 'CHG-7');
      assert.deepEqual(
        request.members.map((m) => m.workflowId),
        request.members.map((m) => `migration/${m.service}`),
      );
      assert.equal(request.members.length, 4);
      // Half the manifest's apiBudgetPerProject (3 req/s): the members' own calls take the rest.
      assert.equal(request.pacing?.requestsPerSecond, 1.5);
    }
    // By selector or by named services of the manifest: still that rollout's decision.
    const bySelector = options('--manifest', example, '--selector', 'env=dev', '--reason', 'dev', '--by', 'bob');
    assert.equal(
      bulkRequest(bySelector, 'complete', await bulkSelection(config, bySelector)).rollout,
      'dpms-to-lakehouse-2027',
    );
    const alone = options('--services', `${DEV}/a-one`, '--reason', 'one service', '--by', 'bob');
    const request = bulkRequest(alone, 'complete', await bulkSelection(config, alone));
    assert.equal(request.rollout, undefined, 'no manifest, no rollout to record in');
  });
});

describe("rollout complete|cancel: a wave's manifest override", () => {
  // The example with an override on the dev and prod waves, and a migration no wave takes.
  const withOverrides = async (): Promise<string> => {
    const text = (await readFile(example, 'utf8'))
      .replace(
        '    failureBudget: { count: 1 }\n',
        '    failureBudget: { count: 1 }\n    override: [workloads.moved]\n',
      )
      .replace(
        '    failureBudget: { count: 1, percent: 10 }',
        '    override: [hive.query, workloads.moved]\n    failureBudget: { count: 1, percent: 10 }',
      )
      .replace('migrations:\n', `migrations:\n  - service: ${DEV}/hms-loose\n    labels: { env: qa }\n`);
    const dir = await mkdtemp(join(tmpdir(), 'overrides-'));
    const path = join(dir, 'rollout.yaml');
    await writeFile(path, text);
    return path;
  };

  it("applies each member's wave's override, merged with --override; --dry-run says which", async () => {
    const manifest = await withOverrides();
    const why = ['--reason', 'go', '--by', 'alice'];
    const byWave = options('--manifest', manifest, '--wave', 'prod', '--override', 'cdc.gtid', ...why);
    const request = bulkRequest(byWave, 'complete', await bulkSelection(config, byWave));
    assert.deepEqual(request.override, ['cdc.gtid'], 'the flags: every member');
    assert.deepEqual(
      request.members.map((m) => m.override),
      request.members.map(() => ['hive.query', 'workloads.moved']),
      "the prod wave's own, per member",
    );
    assert.deepEqual(overrideLines(request), ['override cdc.gtid, hive.query, workloads.moved: 4 members']);

    // By selector or by name: each member's own wave's; a member in no wave has none.
    const picked = `${DEV}/hms-sandbox,${DEV}/hms-ci,${DEV}/hms-loose,${PROD}/hms-sales`;
    const byName = options('--manifest', manifest, '--services', picked, ...why);
    const named = bulkRequest(byName, 'complete', await bulkSelection(config, byName));
    assert.deepEqual(
      named.members.map((m) => [m.service.split('/').pop(), m.override]),
      [
        ['hms-sandbox', undefined],
        ['hms-ci', ['workloads.moved']],
        ['hms-loose', undefined],
        ['hms-sales', ['hive.query', 'workloads.moved']],
      ],
    );
    assert.equal(named.override, undefined);
    assert.deepEqual(overrideLines(named), [
      'no override: 2 members',
      'override workloads.moved: 1 member',
      'override hive.query, workloads.moved: 1 member',
    ]);
    const bySelector = options('--manifest', manifest, '--selector', 'env=dev', ...why);
    assert.deepEqual(
      bulkRequest(bySelector, 'complete', await bulkSelection(config, bySelector)).members.map((m) => m.override),
      [undefined, ['workloads.moved']],
    );
    // A cancel runs no cutover checks: no member carries one.
    const cancel = parse(['rollout', 'cancel', '--manifest', manifest, '--wave', 'prod', ...why]).options;
    const cancelled = bulkRequest(cancel, 'cancel', await bulkSelection(config, cancel));
    assert.deepEqual(
      cancelled.members.filter((m) => m.override !== undefined),
      [],
    );

    const env = { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: '127.0.0.1:1' };
    const argv = ['rollout', 'complete', '--manifest', manifest, '--wave', 'dev', '--override', 'cdc.gtid'];
    const run = await cliProcess(env, [...argv, '--dry-run']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^ {2}${DEV}/hms-ci {2}\\(override cdc.gtid, workloads.moved\\)$`, 'm'));
  });

  it('the bulkDecision input: a member override only of cutover check ids, only with complete; the old shape too', () => {
    const member = { service: `${DEV}/hms-a`, workflowId: `migration/${DEV}/hms-a` };
    const base = { action: 'complete', who: 'alice', why: 'go' } as const;
    assert.equal(BulkDecisionRequestSchema.safeParse({ ...base, override: ['x.y'], members: [member] }).success, true);
    const ok = BulkDecisionRequestSchema.safeParse({
      ...base,
      members: [{ ...member, override: ['workloads.moved'] }],
    });
    assert.equal(ok.success, true);
    const issues = (input: unknown) => {
      const parsed = BulkDecisionRequestSchema.safeParse(input);
      assert.equal(parsed.success, false);
      return parsed.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    const [misspelt] = issues({ ...base, members: [{ ...member, override: ['workload.moved'] }] });
    assert.match(misspelt!, /^members\.0\.override\.0: is not a cutover check; the gate's checks are /);
    assert.deepEqual(issues({ ...base, action: 'cancel', members: [{ ...member, override: ['workloads.moved'] }] }), [
      'members.0.override: only with complete: a cancel runs no cutover checks',
    ]);
    assert.match(issues({ ...base, members: [{ ...member, override: [] }] })[0]!, /^members\.0\.override: /);
  });
});

describe('rollout complete|cancel: what it says', () => {
  it('says the count and that a cutover cannot be undone before the question', () => {
    const said = bulkConsequences('complete', { label: 'r', chosenBy: 'wave 2 dev', services: ['a', 'b', 'c'] });
    assert.match(said, /^complete 3 members \(wave 2 dev\): /);
    assert.match(said, /A cutover cannot be undone\.$/);
    assert.match(bulkConsequences('cancel', { label: 'r', chosenBy: 'by name', services: ['a'] }), /^cancel 1 member /);
  });

  it('prints one line per member and the counts', () => {
    const text = formatBulkReport('bulk/r/1', {
      action: 'complete',
      who: 'alice',
      why: 'go',
      changeReference: 'CHG-1',
      members: [
        { service: `${DEV}/a`, result: 'accepted', at: '2026-01-01T00:00:00.000Z', stage: 'REPLICATION' },
        { service: `${DEV}/b`, result: 'refused', type: 'CutoverBlocked', reason: 'blocked by x', at: 'x' },
      ],
      counts: { accepted: 1, refused: 1, alreadyDone: 0, notFound: 0, failed: 0, pending: 0 },
      runs: 1,
    });
    assert.match(text, /^complete by alice, change CHG-1 \(bulk\/r\/1\)$/m);
    assert.match(text, new RegExp(`^${DEV}/b {2}refused {7}CutoverBlocked: blocked by x$`, 'm'));
    assert.match(text, new RegExp(`^${DEV}/a {2}accepted$`, 'm'));
    assert.match(text, /^accepted 1, refused 1, already done 0, not found 0$/m);
  });
});
