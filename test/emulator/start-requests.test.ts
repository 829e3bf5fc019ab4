import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CDC_PASSWORD,
  CONNECTION_PASSWORD,
  type Emulator,
  type Json,
  call,
  seedSpannerService,
  startEmulator,
  startMigration,
  validStartRequest,
  waitForOperation,
} from '../helpers/emulator';

describe('startMigration request validation', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  it('names the bad field path in a 400 INVALID_ARGUMENT and changes nothing', async () => {
    const service = await seedSpannerService(emulator);
    const body = validStartRequest();
    body.migrationExecution.cloudSqlMigrationConfig!.cdcConfig.subnetIpRange = '10.0.0.0/30';
    const response = await startMigration(emulator, service, body);
    assert.equal(response.status, 400);
    assert.equal(response.body.error.status, 'INVALID_ARGUMENT');
    assert.match(
      response.body.error.message,
      /^migrationExecution\.cloudSqlMigrationConfig\.cdcConfig\.subnetIpRange: /,
    );
    const violations = response.body.error.details.find((d: { '@type': string }) => d['@type'].endsWith('BadRequest'));
    assert.equal(
      violations.fieldViolations[0].field,
      'migrationExecution.cloudSqlMigrationConfig.cdcConfig.subnetIpRange',
    );
    assert.equal((await call(emulator, 'GET', `/v1/${service}`)).body.state, 'ACTIVE');
  });

  it('never echoes a password in a validation error, even when the password is the bad value', async () => {
    const service = await seedSpannerService(emulator);
    const body: Json = validStartRequest();
    const config = body.migrationExecution.cloudSqlMigrationConfig;
    config.cloudSqlConnectionConfig.password = { value: CONNECTION_PASSWORD };
    config.cdcConfig.username = CDC_PASSWORD.length; // a second error alongside
    const response = await startMigration(emulator, service, body);
    assert.equal(response.status, 400);
    assert.match(response.text, /cloudSqlConnectionConfig\.password/);
    assert.ok(!response.text.includes(CONNECTION_PASSWORD));
    assert.ok(!response.text.includes(CDC_PASSWORD));
  });

  it('rejects a body that is not JSON without quoting it', async () => {
    const service = await seedSpannerService(emulator);
    const response = await fetch(`${emulator.url}/v1/${service}:startMigration`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"migrationExecution": {"password": ${CONNECTION_PASSWORD}}}`,
    });
    const text = await response.text();
    assert.equal(response.status, 400);
    assert.equal(JSON.parse(text).error.status, 'INVALID_ARGUMENT');
    assert.ok(!text.includes(CONNECTION_PASSWORD));
  });

  it('rejects a missing body and unknown fields', async () => {
    const service = await seedSpannerService(emulator);
    const missing = await call(emulator, 'POST', `/v1/${service}:startMigration`);
    assert.equal(missing.status, 400);
    assert.match(missing.body.error.message, /migrationExecution/);
    const unknown = await startMigration(emulator, service, { ...validStartRequest(), dryRun: true });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.status, 'INVALID_ARGUMENT');
  });

  it('uses migrationExecutionId as the last name segment and validates it', async () => {
    const service = await seedSpannerService(emulator);
    for (const bad of ['1abc', 'a', 'Abc', 'abc-', 'a_b', 'x'.repeat(64)]) {
      const response = await startMigration(emulator, service, validStartRequest({ migrationExecutionId: bad }));
      assert.equal(response.status, 400, bad);
      assert.match(response.body.error.message, /^migrationExecutionId: /);
    }
    const ok = await startMigration(emulator, service, validStartRequest({ migrationExecutionId: 'mig-1' }));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.metadata.target, `${service}/migrationExecutions/mig-1`);
  });

  it('answers 409 ALREADY_EXISTS for a migrationExecutionId the service already has', async () => {
    const service = await seedSpannerService(emulator);
    const first = await startMigration(emulator, service, validStartRequest({ migrationExecutionId: 'dup' }));
    await waitForOperation(emulator, first.body.name);
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    await waitForOperation(emulator, cancel.body.name);
    const again = await startMigration(emulator, service, validStartRequest({ migrationExecutionId: 'dup' }));
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 409);
    assert.equal(again.body.error.status, 'ALREADY_EXISTS');
  });
});

describe('startMigration requestId', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  it('returns the original operation for a repeated requestId and creates one execution only', async () => {
    const service = await seedSpannerService(emulator);
    const requestId = randomUUID();
    const first = await startMigration(emulator, service, validStartRequest({ requestId }));
    assert.equal(first.status, 200);
    const retry = await startMigration(emulator, service, validStartRequest({ requestId }));
    assert.equal(retry.status, 200);
    assert.equal(retry.body.name, first.body.name);
    await waitForOperation(emulator, first.body.name);
    const late = await startMigration(emulator, service, validStartRequest({ requestId: requestId.toUpperCase() }));
    assert.equal(late.body.name, first.body.name);
    assert.equal(late.body.done, true, 'the original operation in its current state');
    const list = await call(emulator, 'GET', `/v1/${service}/migrationExecutions`);
    assert.equal(list.body.migrationExecutions.length, 1);
  });

  it('treats a different requestId as a new request (refused while the first migration runs)', async () => {
    const service = await seedSpannerService(emulator);
    await startMigration(emulator, service, validStartRequest({ requestId: randomUUID() }));
    const other = await startMigration(emulator, service, validStartRequest({ requestId: randomUUID() }));
    assert.equal(other.status, 400);
    assert.equal(other.body.error.status, 'FAILED_PRECONDITION');
  });

  it('scopes a requestId to its service', async () => {
    const [a, b] = [await seedSpannerService(emulator), await seedSpannerService(emulator)];
    const requestId = randomUUID();
    const first = await startMigration(emulator, a, validStartRequest({ requestId }));
    const second = await startMigration(emulator, b, validStartRequest({ requestId }));
    assert.equal(second.status, 200);
    assert.notEqual(second.body.name, first.body.name);
  });

  it('rejects a malformed or all-zero requestId with INVALID_ARGUMENT', async () => {
    const service = await seedSpannerService(emulator);
    for (const requestId of ['not-a-uuid', '00000000-0000-0000-0000-000000000000', `${randomUUID()}x`]) {
      const response = await startMigration(emulator, service, validStartRequest({ requestId }));
      assert.equal(response.status, 400, requestId);
      assert.equal(response.body.error.status, 'INVALID_ARGUMENT');
      assert.match(response.body.error.message, /^requestId: /);
    }
    assert.equal((await call(emulator, 'GET', `/v1/${service}`)).body.state, 'ACTIVE');
  });
});
