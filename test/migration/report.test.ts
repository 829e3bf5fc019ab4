// Reports never read as a clean pass over checks that did not run: a skipped check is counted in the headline,
// and a check that must run (the cutover's source checks) blocks until overridden by name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCutover } from '../../src/cli/cutover';
import { formatPlan } from '../../src/cli/format';
import { MUST_RUN_CUTOVER_CHECKS } from '../../src/migration/cutover';
import type { Finding } from '../../src/migration/findings';
import { blockedMessage, buildReport, verdictLine } from '../../src/migration/report';

const SERVICE = 'projects/p/locations/us-central1/services/s';
const findings: Finding[] = [
  { check: 'execution.replicating', level: 'ok', message: 'the execution is RUNNING in REPLICATION' },
  { check: 'hive.reachable', level: 'skipped', message: 'not reachable from the worker, so not checked: refused' },
  { check: 'cdc.reachable', level: 'skipped', message: 'not reachable from the worker, so not checked: refused' },
  { check: 'workloads.moved', level: 'skipped', message: 'not checked: refused' },
  { check: 'cdc.gtid', level: 'error', message: 'gtid_mode is OFF' },
];

describe('reports over checks that did not run', () => {
  it('counts skipped checks in a plan headline that is otherwise ready', () => {
    const report = buildReport(SERVICE, findings, ['cdc.gtid']);
    assert.equal(report.ok, true);
    assert.deepEqual(report.notRun, ['hive.reachable', 'cdc.reachable', 'workloads.moved']);
    assert.equal(
      formatPlan(report).split('\n')[0],
      `plan for ${SERVICE}: ready to start — 3 of 5 checks not run: hive.reachable, cdc.reachable, workloads.moved`,
    );
  });

  it('says plainly "ready" only when every check ran', () => {
    const ran = buildReport(SERVICE, findings.slice(0, 1), []);
    assert.equal(verdictLine(ran, 'ready for cutover'), 'ready for cutover');
  });

  it('turns a must-run check that was skipped into a blocking error, keeping why it did not run', () => {
    const report = buildReport(SERVICE, findings, ['cdc.gtid'], { mustRun: MUST_RUN_CUTOVER_CHECKS });
    assert.equal(report.ok, false);
    assert.deepEqual(report.blocking, ['hive.reachable', 'workloads.moved']);
    const moved = report.findings.find((f) => f.check === 'workloads.moved');
    assert.equal(moved?.level, 'error');
    assert.match(moved?.message ?? '', /^did not run, and cutover needs it: not checked: refused$/);
    assert.equal(report.findings.find((f) => f.check === 'cdc.reachable')?.level, 'skipped', 'not a must-run check');
    const printed = formatCutover({ ...report, checkedAt: '2026-12-04T00:00:00Z' });
    assert.match(printed, /: blocked by hive\.reachable, workloads\.moved\n/);
    assert.match(printed, /\ndid not run: hive\.reachable, workloads\.moved — let the worker reach the source/);
    assert.match(printed, /to complete anyway: --override hive\.reachable --override workloads\.moved$/);
    const refusal = blockedMessage({ ...report, checkedAt: '2026-12-04T00:00:00Z' });
    assert.match(refusal, /^cutover blocked by hive\.reachable, workloads\.moved — /);
    assert.match(refusal, /hive\.reachable, workloads\.moved did not run: let the worker reach the source/);
    assert.equal(refusal.match(/let the worker reach/g)?.length, 1, 'the hint once, not per check');
  });

  it('lets an overridden must-run check through as a warning, still counted as not run', () => {
    const overrides = ['cdc.gtid', ...MUST_RUN_CUTOVER_CHECKS];
    const report = buildReport(SERVICE, findings, overrides, { mustRun: MUST_RUN_CUTOVER_CHECKS });
    assert.equal(report.ok, true);
    assert.deepEqual(report.overridden, ['hive.reachable', 'workloads.moved', 'cdc.gtid']);
    assert.equal(report.findings.find((f) => f.check === 'hive.reachable')?.level, 'warning');
    assert.match(verdictLine(report, 'ready for cutover'), /^ready for cutover — 3 of 5 checks not run: /);
  });

  it('reads a report recorded before notRun existed as it was', () => {
    const old = { service: SERVICE, ok: true, findings: [], overridden: [], blocking: [] };
    assert.equal(verdictLine(old, 'ready'), 'ready');
  });
});
