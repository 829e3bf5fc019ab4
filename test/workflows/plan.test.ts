// planMigration and the start's prechecks against a real MariaDB standing in for Cloud SQL: a good source, a
// broken one, an unreachable one; overrides by check id. Nothing mutating may reach the emulator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Finding } from '../../src/migration/findings';
import { admin } from '../helpers/emulator';
import { workflowFailure } from '../helpers/failures';
import { CDC_PASSWORD, HIVE_PASSWORD, createHiveSource } from '../helpers/hive-source';
import type { HiveSource } from '../helpers/hive-source';
import { GOOD_CDC_SERVER_ARGS, startMariaDb } from '../helpers/mariadb';
import type { MariaDb } from '../helpers/mariadb';
import { migrationExecutionRequest } from '../helpers/migration';
import { createHarness } from '../helpers/workflow-harness';
import type { Harness } from '../helpers/workflow-harness';

const MUTATING = [
  'services.patch',
  'services.startMigration',
  'services.completeMigration',
  'services.cancelMigration',
];
const SOURCE_SECRETS = { HIVE_DB_PASSWORD: HIVE_PASSWORD, CDC_PASSWORD };
/** The good source's CA, named by reference as an engineer names Cloud SQL's server CA (set once it runs). */
const SOURCE_TLS = { caCertificate: 'env:SOURCE_CA' };
let tlsSecrets: Record<string, string>;

let h: Harness;
let good: MariaDb;
let broken: MariaDb;
let goodSource: HiveSource;
let brokenSource: HiveSource;

before(async () => {
  [h, good, broken] = await Promise.all([
    createHarness(),
    // With TLS (not required by the server: the tests on a lab opt-out worker log in without).
    startMariaDb({ serverArgs: GOOD_CDC_SERVER_ARGS, tls: true }),
    // No binary log at all: the CDC stream could not read anything.
    startMariaDb(),
  ]);
  goodSource = await createHiveSource(good);
  tlsSecrets = { ...SOURCE_SECRETS, SOURCE_CA: good.tls!.ca };
  brokenSource = await createHiveSource(broken, { schemaVersion: '2.3.0' });
});
after(async () => {
  await Promise.allSettled([h?.close(), good?.close(), broken?.close()]);
});

function request(source: HiveSource) {
  return migrationExecutionRequest({
    port: source.hive.port,
    database: source.database,
    hiveUser: source.hive.user,
    cdcUser: source.cdc.user,
  });
}

function byCheck(findings: Finding[]): Record<string, Finding['level']> {
  return Object.fromEntries(findings.map((f) => [f.check, f.level]));
}

async function mutatingCalls(): Promise<number> {
  const stats = await admin<{ requests: Record<string, number> }>(h.emulator, 'stats');
  return MUTATING.reduce((sum, method) => sum + (stats.requests[method] ?? 0), 0);
}

describe('plan', () => {
  it('reports a ready service and source with no errors, changing nothing', async () => {
    const service = await h.seedService();
    const before = await mutatingCalls();
    const report = await h.withWorker((q) => h.plan(service, q, {}, request(goodSource)), SOURCE_SECRETS);
    const levels = byCheck(report.findings);
    assert.equal(report.ok, true, JSON.stringify(report.findings));
    for (const check of [
      'service.state',
      'service.databaseType',
      'service.migrationInFlight',
      'permissions',
      'secrets',
    ]) {
      assert.equal(levels[check], 'ok', check);
    }
    assert.equal(levels['hive.reachable'], 'ok');
    assert.equal(levels['hive.schemaVersion'], 'ok');
    assert.equal(levels['cdc.binlogFormat'], 'ok');
    assert.equal(levels['cdc.grants'], 'ok');
    assert.match(report.findings.find((f) => f.check === 'backups.scheduled')?.message ?? '', /will be disabled/);
    assert.equal(await mutatingCalls(), before);
    assert.ok(!JSON.stringify(report).includes(HIVE_PASSWORD) && !JSON.stringify(report).includes(CDC_PASSWORD));
  });

  it('checks the source over TLS verified against the CA in options.sourceTls, on a worker that requires it', async () => {
    const service = await h.seedService();
    const required = { sourceTlsPolicy: 'required' as const };
    const report = await h.withWorker(
      (q) => h.plan(service, q, { sourceTls: SOURCE_TLS }, request(goodSource)),
      tlsSecrets,
      required,
    );
    assert.equal(report.ok, true, JSON.stringify(report.findings));
    for (const check of ['hive.reachable', 'cdc.reachable']) {
      const found = report.findings.find((f) => f.check === check);
      assert.equal(found?.level, 'ok', check);
      assert.match(found?.message ?? '', /over TLS, the server certificate verified against the configured CA/);
    }
    // Without a CA that worker does not connect: the plan blocks and says how to name one.
    const bare = await h.withWorker((q) => h.plan(service, q, {}, request(goodSource)), tlsSecrets, required);
    const hive = bare.findings.find((f) => f.check === 'hive.reachable');
    assert.equal(hive?.level, 'error');
    assert.match(hive?.message ?? '', /TLS to the source is required and no CA is configured/);
    assert.ok(bare.blocking.includes('hive.reachable') && bare.blocking.includes('cdc.reachable'));
  });

  it('names every blocking problem of a broken service and source', async () => {
    const service = await h.seedService({ databaseType: 'MYSQL' });
    const report = await h.withWorker((q) => h.plan(service, q, {}, request(brokenSource)), SOURCE_SECRETS);
    const levels = byCheck(report.findings);
    assert.equal(report.ok, false);
    assert.equal(levels['service.databaseType'], 'error');
    assert.equal(levels['hive.schemaVersion'], 'error', 'schema 2.3.0 cannot serve Hive 3.1.2');
    assert.equal(levels['cdc.logBin'], 'error');
    assert.ok(report.blocking.includes('cdc.logBin'));
  });

  it('reports a wrong password as an error and an unreachable source as skipped', async () => {
    const service = await h.seedService();
    const wrong = await h.withWorker((q) => h.plan(service, q, {}, request(goodSource)), {
      HIVE_DB_PASSWORD: 'not-the-password',
      CDC_PASSWORD,
    });
    assert.equal(byCheck(wrong.findings)['hive.reachable'], 'error');
    assert.ok(!JSON.stringify(wrong).includes('not-the-password'));
    const unreachable = await h.withWorker((q) => h.plan(service, q), SOURCE_SECRETS);
    assert.equal(byCheck(unreachable.findings)['hive.reachable'], 'skipped');
    assert.equal(byCheck(unreachable.findings)['cdc.reachable'], 'skipped');
    assert.equal(unreachable.ok, true, 'an unreachable source does not block');
  });
});

describe('permissions and Secret Manager', () => {
  it('names a missing IAM permission in the plan as the one blocking check', async () => {
    const service = await h.seedService();
    await admin(h.emulator, 'iam', { denied: ['metastore.migrations.complete'] });
    try {
      const report = await h.withWorker((q) => h.plan(service, q), SOURCE_SECRETS);
      const permissions = report.findings.find((f) => f.check === 'permissions');
      assert.equal(permissions?.level, 'error');
      assert.match(permissions?.message ?? '', /metastore\.migrations\.complete/);
      assert.deepEqual(report.blocking, ['permissions']);
    } finally {
      await admin(h.emulator, 'iam', undefined, 'DELETE');
    }
  });

  it('runs a migration whose CDC password is a Secret Manager version', async () => {
    const service = await h.seedService();
    const secret = `projects/test-project/secrets/cdc-${Date.now()}`;
    await admin(h.emulator, 'secrets', { secret, value: CDC_PASSWORD });
    const config = request(goodSource);
    config.cloudSqlMigrationConfig!.cdcConfig.password = `${secret}/versions/latest`;
    // Over verified TLS on a worker that requires it: every source activity of the run gets options.sourceTls.
    await h.withWorker(
      async (q) => {
        const options = { sourceTls: SOURCE_TLS };
        const report = await h.plan(service, q, options, config);
        assert.equal(report.findings.find((f) => f.check === 'cdc.reachable')?.level, 'ok', 'the CDC user logged in');
        const handle = await h.start(service, q, options, config);
        await h.waitForStage(service, 'REPLICATION');
        await handle.signal('complete');
        const result = await handle.result();
        assert.equal(result.outcome, 'SUCCEEDED');
        // The inventory recorded before cutover (over TLS) and compared after it: the source activities got the CA.
        assert.equal(result.verification?.status, 'ok', JSON.stringify(result.verification));
        assert.equal(result.verification?.sourceFrom, 'cutover');
      },
      { HIVE_DB_PASSWORD: HIVE_PASSWORD, SOURCE_CA: good.tls!.ca },
      { sourceTlsPolicy: 'required' },
    );
  });
});

describe('start prechecks', () => {
  it('refuses to start on a blocking source problem, with no mutating call', async () => {
    const service = await h.seedService();
    const before = await mutatingCalls();
    await h.withWorker(async (q) => {
      const failure = await workflowFailure((await h.start(service, q, {}, request(brokenSource))).result());
      assert.equal(failure.type, 'PrecheckFailed');
      assert.match(failure.message, /cdc\.logBin/);
    }, SOURCE_SECRETS);
    assert.equal(await mutatingCalls(), before);
  });

  it('starts when the engineer overrides exactly the blocking checks by name', async () => {
    const service = await h.seedService();
    const probe = await h.withWorker((q) => h.plan(service, q, {}, request(brokenSource)), SOURCE_SECRETS);
    await h.withWorker(async (q) => {
      const handle = await h.start(service, q, { overrides: probe.blocking }, request(brokenSource));
      const waiting = await h.waitForStage(service, 'REPLICATION');
      assert.deepEqual([...(waiting.plan?.overridden ?? [])].sort(), [...probe.blocking].sort());
      await handle.signal('cancel');
      assert.equal((await handle.result()).outcome, 'CANCELLED');
    }, SOURCE_SECRETS);
  });
});
