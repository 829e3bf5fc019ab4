// `status` and `plan` for the outgoing kind (DPMS → Lakehouse): the kind, the dry run's verdict, the backfill's
// state and outcome, the namespaces a service in PROXY forwards, and the rollback window's end with its distance.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPlan, formatStatus } from '../../src/cli/format';
import type { BackfillOutcome } from '../../src/migration/backfill';
import type { PrecheckReport } from '../../src/migration/dry-run';
import { initialState, type MigrationStatus } from '../../src/migration/state';

const service = 'projects/p/locations/us-central1/services/lake';
const execution = `${service}/migrationExecutions/out-1`;
const now = new Date('2026-12-04T12:00:00Z');
const CATALOG = 'projects/p/catalogs/iceberg-main';

const plan: PrecheckReport = {
  service,
  ok: true,
  findings: [
    { check: 'service.state', level: 'ok', message: 'the service is ACTIVE' },
    { check: 'dryRun.errors', level: 'warning', message: 'planned ERROR: database legacy (overridden)' },
  ],
  overridden: ['dryRun.errors'],
  blocking: [],
  dryRun: {
    execution: `${service}/migrationExecutions/dryrun-abc`,
    databasesOmitted: 0,
    plan: {
      dryRun: true,
      state: 'SUCCEEDED',
      finished: true,
      reportRead: true,
      unknown: [],
      databases: [
        {
          catalog: CATALOG,
          catalogType: 'ICEBERG',
          database: 'web',
          action: 'CREATE',
          diffs: [],
          tables: { CREATE: 2 },
          failingTables: [],
        },
        {
          catalog: CATALOG,
          catalogType: 'ICEBERG',
          database: 'legacy',
          action: 'ERROR',
          reason: '1 table(s) cannot be registered in the target catalog.',
          diffs: [],
          tables: { ERROR: 1 },
          failingTables: [{ table: 'orders', action: 'ERROR', reason: 'gs://elsewhere is not covered' }],
        },
      ],
    },
  },
};

const outcome: BackfillOutcome = {
  state: 'SUCCEEDED',
  dryRun: false,
  summarized: true,
  databases: 2,
  tablesPlanned: { CREATE: 3 },
  tablesByResult: { SUCCEEDED: 2, FAILED: 1 },
  partitions: { discovered: 0, succeeded: 0, failed: 0 },
  failedDatabases: ['legacy'],
  failedTables: [],
  reportRead: false,
  unknown: [],
};

function inWindow(): MigrationStatus {
  const state = initialState('2026-12-04T09:00:00Z', { disableBackups: 'a', start: 'b', restoreBackups: 'c' });
  state.kind = 'biglakeMetastoreMigrationConfig';
  state.stage = 'ROLLBACK_WINDOW';
  state.stageHistory.push({ stage: 'ROLLBACK_WINDOW', at: '2026-12-04T09:10:00Z' });
  state.serviceState = 'PROXY';
  state.execution = { name: execution, state: 'SUCCEEDED', backfill: 'SUCCEEDED' };
  state.lastSnapshot = {
    polledAt: '2026-12-04T09:10:00Z',
    serviceFound: true,
    serviceState: 'PROXY',
    execution: state.execution,
    lakehouseProxy: { catalog: CATALOG, namespaces: ['web'] },
  };
  state.plan = plan;
  state.backfill = outcome;
  state.rollbackWindowEndsAt = '2026-12-06T15:00:00Z';
  return { ...state, service, workflowId: `migration/${service}`, runId: 'r1', historyLength: 90 };
}

describe('status of an outgoing migration', () => {
  it('says the kind, the dry run, the backfill, the proxy and until when a rollback is possible', () => {
    const text = formatStatus(inWindow(), [], now);
    assert.match(text, /^kind {7}outgoing: Dataproc Metastore → Lakehouse runtime catalog \(BigLake\)$/m);
    assert.match(text, /^dry run {4}ok with dryRun\.errors overridden: 2 databases planned \(.*dryrun-abc\)$/m);
    assert.match(
      text,
      /^backfill {3}backfill SUCCEEDED: 3 tables in 2 databases \(2 succeeded, 0 skipped, 1 failed\)/m,
    );
    // The plan under it, as `plan` shows it: the report's reason and the failing table.
    assert.match(
      text,
      /^ {11}catalog projects\/p\/catalogs\/iceberg-main \(ICEBERG\)\n {13}web +CREATE +tables: 2 CREATE\n {13}legacy +ERROR +tables: 1 ERROR — 1 table\(s\) cannot be registered in the target catalog\.\n {15}table orders ERROR: gs:\/\/elsewhere is not covered$/m,
    );
    assert.match(text, /^proxy {6}forwarding web to projects\/p\/catalogs\/iceberg-main$/m);
    assert.match(text, /^rollback {3}possible until 2026-12-06T15:00:00Z \(in 2 d 3 h\)$/m);
  });

  it('while the backfill runs, says its state and that counts come at its end', () => {
    const status = inWindow();
    status.stage = 'BACKFILL';
    status.serviceState = 'MIGRATING';
    status.execution = { name: execution, state: 'RUNNING', backfill: 'RUNNING' };
    delete status.backfill;
    delete status.rollbackWindowEndsAt;
    const text = formatStatus(status, [], now);
    assert.match(text, /^backfill {3}RUNNING \(the API gives counts only once it ends\)$/m);
    assert.doesNotMatch(text, /^rollback/m);
    assert.doesNotMatch(text, /^proxy/m);
  });

  it('an incoming migration shows none of it', () => {
    const status = inWindow();
    delete status.kind;
    assert.doesNotMatch(formatStatus(status, [], now), /^(kind|dry run|backfill|proxy|rollback) /m);
  });
});

describe('plan of an outgoing migration', () => {
  it('prints the dry run database by database, its checks and the overrides', () => {
    const text = formatPlan(plan);
    assert.match(text, /^dry run of projects\/p\/locations\/us-central1\/services\/lake — /);
    assert.match(text, /^ {4}web +CREATE +tables: 2 CREATE$/m);
    assert.match(text, /^ {4}legacy +ERROR +tables: 1 ERROR — 1 table\(s\) cannot be registered/m);
    assert.match(text, /^ {6}table orders ERROR: gs:\/\/elsewhere is not covered$/m);
    assert.match(text, /^overridden: dryRun\.errors$/m);
  });
});
