// The address in workflow input is untrusted: a rogue MySQL server there (test/helpers/rogue-mysql.ts) asks for
// caching_sha2_password full authentication and offers its own RSA key. The source checks, run as the activity
// runs them, must hand it no password — neither in cleartext nor encrypted to its key.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createConnection } from 'mysql2/promise';
import { createPlanActivities } from '../../src/activities/plan';
import { withFailureMapping } from '../../src/activities/failures';
import type { Finding } from '../../src/migration/findings';
import type { SourceTlsOption } from '../../src/schemas';
import { createSecretResolver } from '../../src/secrets/resolver';
import type { SourceTlsPolicy } from '../../src/source/types';
import { migrationExecutionRequest, secretPolicyFor } from '../helpers/migration';
import { startRogueMySql, type RogueMySql } from '../helpers/rogue-mysql';
import { createTestCa, type TestCa } from '../helpers/test-ca';

const HIVE_PASSWORD = 'rogue-wants-this-5c1f9e27';
const CDC_PASSWORD = 'rogue-wants-that-8d04b3a1';

describe('a rogue MySQL server at the source address', () => {
  let dir: string;
  let sourceCa: TestCa;
  let rogueCa: TestCa;
  let rogueCert: { cert: string; key: string };
  const rogues: RogueMySql[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rogue-'));
    [sourceCa, rogueCa] = await Promise.all([createTestCa(dir, 'source-ca'), createTestCa(dir, 'rogue-ca')]);
    rogueCert = await rogueCa.issueServer('rogue');
  });
  after(async () => {
    await Promise.allSettled([...rogues.map((r) => r.close()), rm(dir, { recursive: true, force: true })]);
  });

  async function rogue(tls = false): Promise<RogueMySql> {
    const started = await startRogueMySql(tls ? { tls: rogueCert } : {});
    rogues.push(started);
    return started;
  }

  /** checkSource as the worker runs it: secrets resolved within `allowed`, the worker's TLS rule `policy`. */
  async function checkSource(
    target: RogueMySql,
    {
      sourceTls,
      policy = 'required',
      allowed,
    }: { sourceTls?: SourceTlsOption; policy?: SourceTlsPolicy; allowed?: string[] },
  ): Promise<Finding[]> {
    const env = { HIVE_DB_PASSWORD: HIVE_PASSWORD, CDC_PASSWORD, SOURCE_CA: sourceCa.ca, ROGUE_CA: rogueCa.ca };
    const policyEnv = allowed ?? Object.keys(env);
    const secrets = createSecretResolver(
      env,
      undefined,
      secretPolicyFor(Object.fromEntries(policyEnv.map((k) => [k, '']))),
    );
    const activities = withFailureMapping(
      createPlanActivities({ metastore: undefined as never, secrets, sourceTlsPolicy: policy }),
    );
    const migrationExecution = migrationExecutionRequest({
      port: target.port,
      database: 'hive',
      hiveUser: 'hive',
      cdcUser: 'datastream',
    });
    const environment = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
    return environment.run(activities.checkSource, { migrationExecution, ...(sourceTls && { sourceTls }) });
  }

  /** Nothing the rogue got holds a password: not in the bytes, not decrypted with its key. */
  async function assertNoPassword(target: RogueMySql): Promise<void> {
    await target.settled();
    assert.deepEqual(target.recovered, []);
    for (const password of [HIVE_PASSWORD, CDC_PASSWORD]) {
      assert.ok(!target.received().includes(password), 'a password on the wire');
      assert.ok(!target.receivedInsideTls().includes(password), 'a password inside TLS');
    }
    assert.ok(
      !target.steps.includes('key-requested') && !target.steps.includes('encrypted-password'),
      target.steps.join(),
    );
  }

  function reachable(findings: Finding[], user: 'hive' | 'cdc'): Finding {
    const found = findings.find((f) => f.check === `${user}.reachable`);
    assert.ok(found, JSON.stringify(findings));
    return found;
  }

  it('gets the password from a client that connects as mysql2 does by default (the rogue works)', async () => {
    const target = await rogue();
    await assert.rejects(
      createConnection({ host: target.host, port: target.port, user: 'hive', password: HIVE_PASSWORD }),
      /Access denied/,
    );
    await target.settled();
    assert.deepEqual(target.recovered, [HIVE_PASSWORD]);
    assert.deepEqual(target.steps, ['handshake-response', 'scramble-token', 'key-requested', 'encrypted-password']);
  });

  it('with TLS required and an allowed CA reference: a rogue without TLS gets nothing after its greeting', async () => {
    const target = await rogue();
    const findings = await checkSource(target, { sourceTls: { caCertificate: 'env:SOURCE_CA' } });
    for (const user of ['hive', 'cdc'] as const) {
      assert.equal(reachable(findings, user).level, 'error');
      assert.match(reachable(findings, user).message, /does not offer TLS.*refused before sending the login/);
    }
    assert.equal(target.connections, 2);
    assert.equal(target.received().length, 0, 'the client sent nothing at all');
    await assertNoPassword(target);
  });

  it('with TLS required: a rogue offering TLS with its own certificate is refused inside the handshake', async () => {
    const target = await rogue(true);
    const findings = await checkSource(target, {
      sourceTls: { caCertificate: 'env:SOURCE_CA' },
      policy: 'off', // a CA named in the request means verified TLS even on an opted-out worker
    });
    for (const user of ['hive', 'cdc'] as const) {
      assert.match(reachable(findings, user).message, /TLS to 127\.0\.0\.1:\d+ failed .*HANDSHAKE_SSL_ERROR/);
    }
    assert.deepEqual([...new Set(target.steps)], ['ssl-request', 'tls-offered']);
    assert.equal(target.receivedInsideTls().length, 0, 'nothing was sent inside the rogue TLS session');
    await assertNoPassword(target);

    // The control: named as the CA, the same server is trusted and gets the login — the CA is what protects.
    const trusted = await rogue(true);
    await checkSource(trusted, { sourceTls: { caCertificate: 'env:ROGUE_CA' } });
    await trusted.settled();
    assert.ok(
      trusted.steps.includes('tls-established') && trusted.receivedInsideTls().length > 0,
      trusted.steps.join(),
    );
    assert.ok(trusted.recovered.includes(HIVE_PASSWORD), 'over TLS it verified, the client sends the password');
  });

  it('with TLS required and no CA named: does not connect at all, and says how to configure it', async () => {
    const target = await rogue();
    const findings = await checkSource(target, {});
    assert.match(reachable(findings, 'hive').message, /TLS to the source is required and no CA is configured/);
    assert.match(reachable(findings, 'hive').message, /gcloud sql instances describe/);
    assert.equal(target.connections, 0);
  });

  it('refuses a disallowed secret reference before connecting at all', async () => {
    const target = await rogue();
    await assert.rejects(
      checkSource(target, { sourceTls: { caCertificate: 'env:SOURCE_CA' }, allowed: ['SOURCE_CA'] }),
      (err: unknown) =>
        err instanceof ApplicationFailure &&
        err.type === 'SecretUnresolved' &&
        /env:HIVE_DB_PASSWORD is not allowed on this worker/.test(err.message),
    );
    await assert.rejects(
      checkSource(target, {
        sourceTls: { caCertificate: 'env:SOURCE_CA' },
        allowed: ['HIVE_DB_PASSWORD', 'CDC_PASSWORD'],
      }),
      /options\.sourceTls\.caCertificate: env:SOURCE_CA is not allowed on this worker/,
    );
    assert.equal(target.connections, 0);
  });

  it('on a lab opt-out worker (no TLS): refuses full authentication rather than send the password to its key', async () => {
    const target = await rogue();
    const findings = await checkSource(target, { policy: 'off' });
    for (const user of ['hive', 'cdc'] as const) {
      assert.equal(reachable(findings, user).level, 'error');
      assert.match(reachable(findings, user).message, /full authentication.*refused/);
    }
    assert.deepEqual([...new Set(target.steps)], ['handshake-response', 'scramble-token']);
    await assertNoPassword(target);
  });
});
