import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retentionNeed } from '../../src/activities/cutover';
import { binlogFindings } from '../../src/source/cdc-settings';
import { clientHost, inCidr, workloadsFinding, type SourceSessions } from '../../src/source/sessions';

const read = (sessions: SourceSessions['sessions'], seesAllUsers = true): SourceSessions => ({
  sessions,
  seesAllUsers,
  readAt: '2026-12-01T00:00:00.000Z',
});

describe('workloads.moved', () => {
  const rules = { baselineHosts: ['10.0.0.5'], cdcUser: 'datastream' };

  it('blocks on a host that held sessions before the start, naming user, host and count', () => {
    const f = workloadsFinding(
      read([
        { user: 'hive', host: '10.0.0.5', count: 3 },
        { user: 'hive', host: '10.8.0.2', count: 4 },
      ]),
      rules,
    );
    assert.equal(f.level, 'error');
    assert.match(f.message, /hive@10\.0\.0\.5 \(3 sessions\), a host of the self-managed metastore/);
    assert.doesNotMatch(f.message, /10\.8\.0\.2/);
  });

  it('takes new hosts as DPMS, unless CIDRs say otherwise; the CDC user never counts', () => {
    const sessions = [
      { user: 'hive', host: '10.8.0.2', count: 4 },
      { user: 'datastream', host: '10.0.0.5', count: 1 },
    ];
    assert.equal(workloadsFinding(read(sessions), rules).level, 'ok');
    const strict = workloadsFinding(read(sessions), { ...rules, dpmsClientCidrs: ['10.9.0.0/24'] });
    assert.equal(strict.level, 'error');
    assert.match(strict.message, /hive@10\.8\.0\.2 \(4 sessions\), outside the DPMS proxy range 10\.9\.0\.0\/24/);
    assert.equal(workloadsFinding(read(sessions), { ...rules, dpmsClientCidrs: ['10.8.0.0/16'] }).level, 'ok');
  });

  it('lets allow-listed read-only clients stay, by host, CIDR or user@', () => {
    const sessions = [{ user: 'reporting', host: '10.0.0.5', count: 1 }];
    assert.equal(workloadsFinding(read(sessions), rules).level, 'error');
    assert.equal(workloadsFinding(read(sessions), { ...rules, allowedClients: ['reporting@10.0.0.0/24'] }).level, 'ok');
    assert.equal(workloadsFinding(read(sessions), { ...rules, allowedClients: ['other@10.0.0.5'] }).level, 'error');
    assert.equal(workloadsFinding(read(sessions), { ...rules, allowedClients: ['10.0.0.5'] }).level, 'ok');
  });

  it('warns instead of passing when other accounts are out of sight', () => {
    const f = workloadsFinding(read([], false), rules);
    assert.equal(f.level, 'warning');
    assert.match(f.message, /grant it PROCESS/);
  });

  it('reads hosts and ranges as MySQL prints them', () => {
    assert.equal(clientHost('10.1.2.3:51234'), '10.1.2.3');
    assert.equal(clientHost('[fd00::1]:5123'), 'fd00::1');
    assert.equal(clientHost('localhost'), 'localhost');
    assert.ok(inCidr('10.1.2.3', '10.1.0.0/16'));
    assert.ok(!inCidr('10.2.2.3', '10.1.0.0/16'));
    assert.ok(!inCidr('localhost', '0.0.0.0/0'));
    assert.ok(!inCidr('10.1.2.3', '10.1.0.0/33'));
  });
});

describe('binlog retention against what the stream may need', () => {
  const vars = (days: string) =>
    new Map([
      ['log_bin', 'ON'],
      ['binlog_format', 'ROW'],
      ['binlog_row_image', 'FULL'],
      ['expire_logs_days', days],
    ]);
  const retention = (days: string, need = retentionNeed({ retentionDays: 7 }, Date.now())) =>
    binlogFindings(vars(days), need).find((f) => f.check === 'cdc.binlogRetention')!;

  it('keeps the 7-day floor by default', () => {
    assert.equal(retentionNeed({ retentionDays: 7 }, Date.now()), undefined);
    assert.equal(retention('7').level, 'ok');
    assert.equal(retention('3').level, 'error');
  });

  it('raises it to binlogRetentionDays and to a stopped stream plus a day', () => {
    const now = Date.parse('2026-12-20T00:00:00Z');
    const long = retentionNeed({ retentionDays: 14 }, now);
    assert.equal(long?.seconds, 14 * 86_400);
    assert.match(retention('10', long).message, /may need 14 days .*binlogRetentionDays is 14/);
    const paused = retentionNeed({ retentionDays: 7, awaitingSince: '2026-12-11T00:00:00Z' }, now);
    assert.equal(paused?.seconds, 10 * 86_400);
    assert.equal(retention('7', paused).level, 'error');
    assert.match(retention('7', paused).message, /awaited user action .* for 9\.0 days, plus a day/);
    assert.equal(retention('10', paused).level, 'ok');
  });
});
