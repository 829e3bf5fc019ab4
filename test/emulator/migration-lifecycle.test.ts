import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Emulator,
  type Json,
  admin,
  call,
  seedSpannerService,
  startEmulator,
  startMigration,
  waitForOperation,
} from '../helpers/emulator';

// Long enough that a test can reliably observe the transitional states (UPDATING, CANCELLING, CUTOVER…).
// Long enough that the first request of a loaded 2-core run still sees the transitional state.
const OBSERVABLE_DELAY_MS = 800;

const TYPE = 'type.googleapis.com/google.cloud.metastore.v1';

function assertError(response: { status: number; body: Json }, httpStatus: number, status: string): void {
  assert.equal(response.status, httpStatus, JSON.stringify(response.body));
  assert.equal(response.body.error.code, httpStatus);
  assert.equal(response.body.error.status, status);
  assert.equal(typeof response.body.error.message, 'string');
  assert.equal(response.body.error.details[0]['@type'], 'type.googleapis.com/google.rpc.ErrorInfo');
  assert.equal(response.body.error.details[0].domain, 'metastore.googleapis.com');
}

describe('migration lifecycle', () => {
  let emulator: Emulator;
  const get = async (name: string) => (await call(emulator, 'GET', `/v1/${name}`)).body;

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: OBSERVABLE_DELAY_MS });
  });
  after(() => emulator.close());

  it('runs start → RUNNING/REPLICATION → complete → SUCCEEDED, the service ACTIVE → MIGRATING → ACTIVE', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service, undefined);
    assert.equal(started.status, 200);
    assert.equal(started.body.done, false);
    assert.equal(started.body.metadata['@type'], `${TYPE}.OperationMetadata`);
    const execution = started.body.metadata.target as string;
    assert.match(execution, new RegExp(`^${service}/migrationExecutions/[0-9a-f-]{36}$`));
    assert.equal((await get(service)).state, 'MIGRATING');
    const starting = await get(execution);
    assert.equal(starting.state, 'STARTING');
    assert.equal(starting.phase, 'REPLICATION');
    assert.ok(starting.createTime.endsWith('Z'));

    const startOp = await waitForOperation(emulator, started.body.name);
    assert.equal(startOp.response['@type'], `${TYPE}.MigrationExecution`);
    assert.equal(startOp.response.name, execution);
    assert.equal(startOp.response.state, 'RUNNING');
    assert.ok(startOp.metadata.endTime);
    assert.equal(startOp.error, undefined);
    assert.deepEqual([(await get(execution)).state, (await get(execution)).phase], ['RUNNING', 'REPLICATION']);

    const completed = await call(emulator, 'POST', `/v1/${service}:completeMigration`, {});
    assert.equal(completed.status, 200);
    const cutover = await get(execution);
    assert.deepEqual([cutover.state, cutover.phase], ['RUNNING', 'CUTOVER']);
    assert.equal((await get(service)).state, 'MIGRATING');

    const completeOp = await waitForOperation(emulator, completed.body.name);
    assert.deepEqual(completeOp.response, {
      '@type': `${TYPE}.CompleteMigrationResponse`,
      migrationExecution: execution,
    });
    const done = await get(execution);
    assert.equal(done.state, 'SUCCEEDED');
    assert.ok(done.endTime.endsWith('Z'));
    assert.equal((await get(service)).state, 'ACTIVE');
  });

  it('cancels a RUNNING migration: CANCELLING, then CANCELLED with endTime, service ACTIVE', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    await waitForOperation(emulator, started.body.name);
    const cancelled = await call(emulator, 'POST', `/v1/${service}:cancelMigration`);
    assert.equal(cancelled.status, 200);
    const execution = cancelled.body.metadata.target as string;
    assert.equal((await get(execution)).state, 'CANCELLING');
    const op = await waitForOperation(emulator, cancelled.body.name);
    assert.deepEqual(op.response, { '@type': `${TYPE}.CancelMigrationResponse`, migrationExecution: execution });
    const ended = await get(execution);
    assert.equal(ended.state, 'CANCELLED');
    assert.ok(ended.endTime);
    assert.equal((await get(service)).state, 'ACTIVE');
  });

  it('refuses a second start while a migration is in progress with FAILED_PRECONDITION', async () => {
    const service = await seedSpannerService(emulator);
    const first = await startMigration(emulator, service);
    assert.equal(first.status, 200);
    assertError(await startMigration(emulator, service), 400, 'FAILED_PRECONDITION');
    await waitForOperation(emulator, first.body.name);
    const second = await startMigration(emulator, service);
    assertError(second, 400, 'FAILED_PRECONDITION');
    assert.match(second.body.error.message, /already in progress/);
    const list = await call(emulator, 'GET', `/v1/${service}/migrationExecutions`);
    assert.equal(list.body.migrationExecutions.length, 1);
  });

  it('allows a new migration once the previous one has ended', async () => {
    const service = await seedSpannerService(emulator);
    const first = await startMigration(emulator, service);
    await waitForOperation(emulator, first.body.name);
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    await waitForOperation(emulator, cancel.body.name);
    const second = await startMigration(emulator, service);
    assert.equal(second.status, 200);
  });

  it('refuses start on a MYSQL service, a non-ACTIVE service, and a missing one', async () => {
    const mysql = await seedSpannerService(emulator, { databaseType: 'MYSQL' });
    assertError(await startMigration(emulator, mysql), 400, 'FAILED_PRECONDITION');
    const broken = await seedSpannerService(emulator, { state: 'ERROR' });
    const refused = await startMigration(emulator, broken);
    assertError(refused, 400, 'FAILED_PRECONDITION');
    assert.equal(refused.body.error.details[0].reason, 'SERVICE_NOT_ACTIVE');
    const missing = 'projects/test-project/locations/us-central1/services/nope';
    assertError(await startMigration(emulator, missing), 404, 'NOT_FOUND');
  });

  it('refuses complete when nothing is running, during cutover, and after the migration ended', async () => {
    const service = await seedSpannerService(emulator);
    assertError(await call(emulator, 'POST', `/v1/${service}:completeMigration`, {}), 400, 'FAILED_PRECONDITION');
    assertError(await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {}), 400, 'FAILED_PRECONDITION');
    const started = await startMigration(emulator, service);
    await waitForOperation(emulator, started.body.name);
    const completed = await call(emulator, 'POST', `/v1/${service}:completeMigration`, {});
    assertError(await call(emulator, 'POST', `/v1/${service}:completeMigration`, {}), 400, 'FAILED_PRECONDITION');
    assertError(await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {}), 400, 'FAILED_PRECONDITION');
    await waitForOperation(emulator, completed.body.name);
    assertError(await call(emulator, 'POST', `/v1/${service}:completeMigration`, {}), 400, 'FAILED_PRECONDITION');
    assertError(await call(emulator, 'POST', `/v1/${service}:completeMigration`), 400, 'FAILED_PRECONDITION');
  });

  it('refuses complete and cancel bodies that are not empty with INVALID_ARGUMENT', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    await waitForOperation(emulator, started.body.name);
    for (const verb of ['completeMigration', 'cancelMigration']) {
      assertError(await call(emulator, 'POST', `/v1/${service}:${verb}`, { force: true }), 400, 'INVALID_ARGUMENT');
      assertError(await call(emulator, 'POST', `/v1/${service}:${verb}`, []), 400, 'INVALID_ARGUMENT');
    }
    const execution = (await get(started.body.metadata.target)).state;
    assert.equal(execution, 'RUNNING', 'a refused request changes nothing');
  });

  it('ends a pipeline failure with FAILED and the service ACTIVE', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    const op = await waitForOperation(emulator, started.body.name);
    const failed = await admin(emulator, 'executions:fail', {
      name: op.response.name,
      stateMessage: 'CDC stream broke',
    });
    assert.equal(failed.state, 'FAILED');
    const execution = await get(op.response.name);
    assert.deepEqual([execution.state, execution.stateMessage], ['FAILED', 'CDC stream broke']);
    assert.ok(execution.endTime);
    assert.equal((await get(service)).state, 'ACTIVE');
  });
});

describe('migration lifecycle while an operation is still running', () => {
  // A long delay leaves a wide window in which the execution is still STARTING.
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 1000 });
  });
  after(() => emulator.close());

  it('cancels during STARTING: the start operation ends with CANCELLED (1), the execution CANCELLED', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    const execution = started.body.metadata.target as string;
    assertError(await call(emulator, 'POST', `/v1/${service}:completeMigration`, {}), 400, 'FAILED_PRECONDITION');
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    assert.equal(cancel.status, 200);
    const startOp = await waitForOperation(emulator, started.body.name);
    assert.equal(startOp.error.code, 1);
    assert.match(startOp.error.message, /cancel/i);
    assert.equal(startOp.response, undefined);
    await waitForOperation(emulator, cancel.body.name);
    const ended = (await call(emulator, 'GET', `/v1/${execution}`)).body;
    assert.equal(ended.state, 'CANCELLED');
    assert.equal((await call(emulator, 'GET', `/v1/${service}`)).body.state, 'ACTIVE');
  });

  it('refuses a second cancel while the first is in progress', async () => {
    const service = await seedSpannerService(emulator);
    await startMigration(emulator, service);
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    assert.equal(cancel.status, 200);
    assertError(await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {}), 400, 'FAILED_PRECONDITION');
  });

  it('fails the pending start operation with INTERNAL (13) when the pipeline fails during STARTING', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    await admin(emulator, 'executions:fail', { name: started.body.metadata.target });
    const op = (await call(emulator, 'GET', `/v1/${started.body.name}`)).body;
    assert.equal(op.done, true);
    assert.equal(op.error.code, 13);
  });
});
