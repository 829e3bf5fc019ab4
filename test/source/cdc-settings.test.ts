import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binlogFindings, gtidFinding, tuningFindings } from '../../src/source/cdc-settings';
import type { Finding } from '../../src/source/types';

function levels(findings: Finding[]): Record<string, string> {
  return Object.fromEntries(findings.map((finding) => [finding.check, finding.level]));
}

/** SHOW GLOBAL VARIABLES of a Cloud SQL for MySQL 8.0 instance set up as Datastream's guide says. */
function mysql8(overrides: Record<string, string> = {}): Map<string, string> {
  return new Map(
    Object.entries({
      version: '8.0.39-google',
      log_bin: 'ON',
      binlog_format: 'ROW',
      binlog_row_image: 'FULL',
      binlog_row_value_options: '',
      binlog_expire_logs_seconds: '604800',
      expire_logs_days: '0',
      gtid_mode: 'ON',
      enforce_gtid_consistency: 'ON',
      log_replica_updates: 'ON',
      net_read_timeout: '3600',
      net_write_timeout: '3600',
      wait_timeout: '86400',
      max_allowed_packet: '1073741824',
      ...overrides,
    }),
  );
}

describe('CDC settings on MySQL 8', () => {
  it('passes the documented Cloud SQL flags without a warning', () => {
    const findings = [...binlogFindings(mysql8()), gtidFinding(mysql8()), ...tuningFindings(mysql8())];
    assert.deepEqual(
      findings.filter((finding) => finding.level !== 'ok'),
      [],
    );
  });

  it('requires an empty binlog_row_value_options', () => {
    const found = levels(binlogFindings(mysql8({ binlog_row_value_options: 'PARTIAL_JSON' })));
    assert.equal(found['cdc.binlogRowValueOptions'], 'error');
  });

  it('only warns when GTIDs are off', () => {
    assert.equal(gtidFinding(mysql8({ gtid_mode: 'OFF_PERMISSIVE' })).level, 'warning');
    assert.equal(gtidFinding(mysql8({ enforce_gtid_consistency: 'WARN' })).level, 'warning');
  });

  it('reads retention from binlog_expire_logs_seconds first, then expire_logs_days; 0 or no auto purge is forever', () => {
    const retention = (overrides: Record<string, string>) =>
      levels(binlogFindings(mysql8(overrides)))['cdc.binlogRetention'];
    assert.equal(retention({ binlog_expire_logs_seconds: '86400', expire_logs_days: '30' }), 'error');
    assert.equal(retention({ binlog_expire_logs_seconds: '0', expire_logs_days: '7' }), 'ok');
    assert.equal(retention({ binlog_expire_logs_seconds: '0', expire_logs_days: '3' }), 'error');
    assert.equal(retention({ binlog_expire_logs_seconds: '0', expire_logs_days: '0' }), 'ok');
    assert.equal(retention({ binlog_expire_logs_seconds: '3600', binlog_expire_logs_auto_purge: 'OFF' }), 'ok');
  });

  it('warns about each Datastream timeout below the documented value', () => {
    const found = levels(tuningFindings(mysql8({ net_read_timeout: '30', wait_timeout: '28800' })));
    assert.equal(found['cdc.netReadTimeout'], 'warning');
    assert.equal(found['cdc.waitTimeout'], 'warning');
    assert.equal(found['cdc.netWriteTimeout'], 'ok');
  });
});
