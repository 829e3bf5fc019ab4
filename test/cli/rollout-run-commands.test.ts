// The CLI's own commands of a running rollout, from the table: start (manifest, action, yes), status and watch,
// pause/resume/approve/advance/abort by --rollout, retry/skip of a member by --service; each one's required flags
// refused before anything runs, --action's choices with the nearest named, and the group's help listing them all.
// And `rollout status` as text: the gate, each wave's members by state, the failed with reasons, the next command.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '../../src/cli/args';
import { HelpRequested, UsageError } from '../../src/cli/errors';
import { formatRolloutStatus } from '../../src/cli/rollout-format';
import type { RolloutStatus } from '../../src/workflows/rollout/messages';

const SERVICE = 'projects/p-123456/locations/us-central1/services/hms';

function thrown(argv: string[]): Error {
  try {
    parse(argv);
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  assert.fail(`parse(${argv.join(' ')}) did not throw`);
}

describe('rollout commands: parse and help', () => {
  it('parses start with its manifest, action and --yes; --action takes start, complete or cancel', () => {
    const { command, options } = parse(['rollout', 'start', '--manifest', 'f.yaml', '--action', 'complete', '-y']);
    assert.equal(command, 'rollout start');
    assert.deepEqual(
      [options.values.manifest, options.values.action, options.values.yes],
      ['f.yaml', 'complete', true],
    );
    assert.equal(parse(['rollout', 'start', '--manifest', 'f.yaml']).options.values.action, undefined);
    const bad = thrown(['rollout', 'start', '--manifest', 'f.yaml', '--action', 'complet']);
    assert.ok(bad instanceof UsageError);
    assert.match(bad.message, /complete/);
    assert.match(thrown(['rollout', 'start']).message, /required option '--manifest <FILE>' not specified/);
  });

  it('parses the commands of a running rollout by --rollout, with their required flags', () => {
    const approve = parse([
      'rollout',
      'approve',
      '--rollout',
      'fleet-a',
      '--wave',
      '2',
      '--reason',
      'ok',
      '--change-reference',
      'CHG-1',
      '--by',
      'bo',
    ]);
    assert.equal(approve.command, 'rollout approve');
    assert.deepEqual(
      ['rollout', 'wave', 'reason', 'change-reference', 'by'].map((flag) => approve.options.values[flag]),
      ['fleet-a', '2', 'ok', 'CHG-1', 'bo'],
    );
    const abort = parse(['rollout', 'abort', '--rollout', 'fleet-a', '--reason', 'stop', '--cancel-members', '--yes']);
    assert.deepEqual([abort.options.values['cancel-members'], abort.options.values.yes], [true, true]);
    assert.equal(
      parse(['rollout', 'abort', '--rollout', 'f', '--reason', 'r']).options.values['cancel-members'],
      false,
    );
    assert.equal(parse(['rollout', 'advance', '--rollout', 'f', '--wave', '1']).command, 'rollout advance');
    assert.equal(parse(['rollout', 'status', '--rollout', 'f', '--json']).options.json, true);
    assert.equal(parse(['rollout', 'watch', '--rollout', 'f', '--interval', '5']).options.values.interval, '5');
    for (const sub of ['pause', 'resume'])
      assert.equal(parse(['rollout', sub, '--rollout', 'f', '--reason', 'r']).command, `rollout ${sub}`);
    assert.match(
      thrown(['rollout', 'approve', '--rollout', 'f', '--reason', 'r']).message,
      /'--wave <N|NAME>' not specified/,
    );
    assert.match(thrown(['rollout', 'pause', '--rollout', 'f']).message, /'--reason <TEXT>' not specified/);
    assert.match(thrown(['rollout', 'status']).message, /'--rollout <NAME>' not specified/);
  });

  it('takes retry and skip of a member by --service, checked as a service name', () => {
    for (const sub of ['retry', 'skip']) {
      const { command, options } = parse(['rollout', sub, '--rollout', 'f', '--service', SERVICE, '--reason', 'r']);
      assert.equal(command, `rollout ${sub}`);
      assert.equal(options.service, SERVICE);
      assert.match(
        thrown(['rollout', sub, '--rollout', 'f', '--service', 'hms', '--reason', 'r']).message,
        /^--service: /,
      );
    }
  });

  it("lists every sub-command in the group's help; abort's help says a cutover cannot be undone", () => {
    const group = thrown(['rollout', '--help']);
    assert.ok(group instanceof HelpRequested);
    for (const sub of [
      'lint',
      'plan',
      'start',
      'status',
      'watch',
      'pause',
      'resume',
      'approve',
      'advance',
      'abort',
      'retry',
      'skip',
    ])
      assert.match(group.message, new RegExp(`^ {2}${sub} `, 'm'), sub);
    const abort = thrown(['help', 'rollout', 'abort']);
    assert.match(abort.message, /A completed cutover\s+cannot be undone/);
    assert.match(abort.message, /--cancel-members/);
  });
});

describe('rollout status as text', () => {
  const status: RolloutStatus = {
    name: 'fleet-a',
    action: 'start',
    currentWave: 1,
    gate: 'approval',
    waves: [
      {
        wave: 1,
        name: 'canary',
        canary: true,
        state: 'running',
        size: 2,
        counts: { pending: 0, inProgress: 0, reached: 1, failed: 1, skipped: 0 },
        failed: [{ service: SERVICE, reason: 'invalid: config.options.pollIntervalSeconds: expected a number' }],
        failureBudget: 1,
      },
      {
        wave: 2,
        name: 'rest',
        canary: false,
        state: 'waiting',
        size: 3,
        counts: { pending: 3, inProgress: 0, reached: 0, failed: 0, skipped: 0 },
        failed: [],
        failureBudget: 0,
      },
    ],
    audit: [{ at: '2026-12-05T03:00:00.000Z', command: 'pause', by: 'bo', reason: 'lunch', wave: 1 }],
    auditDropped: 2,
    continuedAsNew: 0,
  };

  it('shows the gate, the waves by member state, the failed with reasons, the next command and the last commands', () => {
    assert.equal(
      formatRolloutStatus(status),
      [
        'rollout fleet-a · start · wave 1/2 · waits for approval',
        'wave 1 canary [canary]: members settled — 2 members: 1 reached, 0 in progress, 0 pending, 1 failed, 0 skipped (failures allowed 1)',
        `  failed   ${SERVICE}: invalid: config.options.pollIntervalSeconds: expected a number`,
        'wave 2 rest: waiting — 3 members: 0 reached, 0 in progress, 3 pending, 0 failed, 0 skipped (failures allowed 0)',
        'next       metastore-migrator rollout approve --rollout fleet-a --wave 1 --reason … [--change-reference …]',
        'last commands (1 of 3):',
        '  2026-12-05T03:00:00.000Z  wave 1  pause by bo: lunch',
      ].join('\n'),
    );
  });

  it('says why it is paused and that resume is next', () => {
    const paused = {
      ...status,
      gate: 'members' as const,
      paused: { by: 'failure budget', reason: '2 failed', at: 'T', byBudget: true },
    };
    const text = formatRolloutStatus(paused);
    assert.match(text, /^paused {5}by failure budget at T: 2 failed$/m);
    assert.match(text, /^wave 1 canary \[canary\]: running — /m);
    assert.match(text, /^next {7}metastore-migrator rollout resume --rollout fleet-a --reason …$/m);
  });

  it("shows the estimate at the wave's pace, or that it is unknown yet", () => {
    const eta = { perMinute: 0.2, waveEndsAt: '2026-12-05T04:00:00.000Z', rolloutEndsAt: '2026-12-05T05:00:00.000Z' };
    assert.match(
      formatRolloutStatus({ ...status, eta }),
      /^eta {8}wave 1 ends ~2026-12-05T04:00:00\.000Z, the rollout ~2026-12-05T05:00:00\.000Z \(0\.2 members\/min; approvals not counted\)$/m,
    );
    assert.match(
      formatRolloutStatus({ ...status, eta: 'unknown' }),
      /^eta {8}unknown until a member of wave 1 has settled$/m,
    );
    assert.doesNotMatch(formatRolloutStatus({ ...status, gate: 'finished', eta }), /^eta/m);
  });
});
