import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type Emulator,
  type Json,
  call,
  seedSpannerService,
  startEmulator,
  startMigration,
  validStartRequest,
  waitForOperation,
} from '../helpers/emulator';

// Long enough that a test can reliably observe the transitional states (UPDATING, CANCELLING, CUTOVER…).
const OBSERVABLE_DELAY_MS = 300;

/** Runs `count` start → cancel cycles (ids run-0, run-1, …); the last one is left RUNNING when `leaveRunning`. */
async function runMigrations(emulator: Emulator, service: string, count: number, leaveRunning = false) {
  for (let i = 0; i < count; i += 1) {
    const started = await startMigration(emulator, service, validStartRequest({ migrationExecutionId: `run-${i}` }));
    assert.equal(started.status, 200, started.text);
    await waitForOperation(emulator, started.body.name);
    if (leaveRunning && i === count - 1) break;
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    await waitForOperation(emulator, cancel.body.name);
  }
}

const ids = (page: Json): string[] =>
  (page.migrationExecutions ?? []).map((e: { name: string }) => e.name.split('/').pop());

describe('services.migrationExecutions.list', () => {
  let emulator: Emulator;
  let service: string;
  const list = (query: string) => call(emulator, 'GET', `/v1/${service}/migrationExecutions${query}`);

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 5 });
    service = await seedSpannerService(emulator);
    await runMigrations(emulator, service, 5, true);
  });
  after(() => emulator.close());

  it('pages through with pageSize 2; the last page has no nextPageToken', async () => {
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await list(`?pageSize=2&pageToken=${encodeURIComponent(token)}`);
      assert.equal(page.status, 200);
      assert.ok(ids(page.body).length <= 2);
      seen.push(...ids(page.body));
      token = page.body.nextPageToken ?? '';
      pages += 1;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['run-0', 'run-1', 'run-2', 'run-3', 'run-4']);
  });

  it('returns everything on one page by default and clamps pageSize above 1000', async () => {
    const all = await list('');
    assert.deepEqual(ids(all.body), ['run-0', 'run-1', 'run-2', 'run-3', 'run-4']);
    assert.equal(all.body.nextPageToken, undefined);
    const clamped = await list('?pageSize=5000');
    assert.equal(clamped.status, 200);
    assert.equal(ids(clamped.body).length, 5);
  });

  it('refuses a negative pageSize and a bad or foreign page token with INVALID_ARGUMENT', async () => {
    for (const query of ['?pageSize=-1', '?pageSize=abc', '?pageToken=garbage']) {
      const response = await list(query);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.status, 'INVALID_ARGUMENT');
    }
    const first = await list('?pageSize=2');
    const changed = await list(`?pageSize=2&orderBy=name&pageToken=${first.body.nextPageToken}`);
    assert.equal(changed.status, 400);
  });

  it('filters on state and phase', async () => {
    assert.deepEqual(ids((await list('?filter=' + encodeURIComponent('state = "RUNNING"'))).body), ['run-4']);
    assert.deepEqual(ids((await list('?filter=state=CANCELLED')).body), ['run-0', 'run-1', 'run-2', 'run-3']);
    assert.deepEqual(ids((await list('?filter=' + encodeURIComponent('phase = "CUTOVER"'))).body), []);
    const none = await list('?filter=' + encodeURIComponent('state = "SUCCEEDED"'));
    assert.deepEqual(none.body, {}, 'an empty list is an empty object (proto3 JSON)');
    for (const filter of ['state > "RUNNING"', 'stateMessage = "x"', 'state = "BOGUS"', 'state = "A" OR phase = "B"']) {
      const response = await list(`?filter=${encodeURIComponent(filter)}`);
      assert.equal(response.status, 400, filter);
      assert.equal(response.body.error.status, 'INVALID_ARGUMENT');
    }
  });

  it('orders by createTime (default ascending), createTime desc and name', async () => {
    assert.deepEqual(ids((await list('?orderBy=createTime%20desc')).body), [
      'run-4',
      'run-3',
      'run-2',
      'run-1',
      'run-0',
    ]);
    assert.deepEqual(ids((await list('?orderBy=name')).body), ['run-0', 'run-1', 'run-2', 'run-3', 'run-4']);
    assert.equal((await list('?orderBy=state')).status, 400);
  });

  it('answers 404 for the executions of a missing service', async () => {
    const response = await call(emulator, 'GET', `/v1/${service}-missing/migrationExecutions`);
    assert.equal(response.status, 404);
    assert.equal(response.body.error.status, 'NOT_FOUND');
  });
});

describe('services.migrationExecutions.get and delete', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ operationDelayMs: OBSERVABLE_DELAY_MS });
  });
  after(() => emulator.close());

  it('gets an execution and answers 404 for an unknown one', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    const execution = await call(emulator, 'GET', `/v1/${started.body.metadata.target}`);
    assert.equal(execution.status, 200);
    assert.equal(execution.body.name, started.body.metadata.target);
    const missing = await call(emulator, 'GET', `/v1/${service}/migrationExecutions/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.status, 'NOT_FOUND');
  });

  it('refuses to delete an active execution with FAILED_PRECONDITION', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    const response = await call(emulator, 'DELETE', `/v1/${started.body.metadata.target}`);
    assert.equal(response.status, 400);
    assert.equal(response.body.error.status, 'FAILED_PRECONDITION');
  });

  it('deletes a finished execution: DELETING, then gone; the operation response is Empty', async () => {
    const service = await seedSpannerService(emulator);
    await runMigrations(emulator, service, 1);
    const name = `${service}/migrationExecutions/run-0`;
    const requestId = randomUUID();
    const deleted = await call(emulator, 'DELETE', `/v1/${name}?requestId=${requestId}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.metadata.verb, 'delete');
    assert.equal((await call(emulator, 'GET', `/v1/${name}`)).body.state, 'DELETING');
    const repeat = await call(emulator, 'DELETE', `/v1/${name}?request_id=${requestId}`);
    assert.equal(repeat.body.name, deleted.body.name, 'a repeated requestId returns the original operation');
    const op = await waitForOperation(emulator, deleted.body.name);
    assert.deepEqual(op.response, { '@type': 'type.googleapis.com/google.protobuf.Empty' });
    assert.equal((await call(emulator, 'GET', `/v1/${name}`)).status, 404);
    const bad = await call(emulator, 'DELETE', `/v1/${name}?requestId=00000000-0000-0000-0000-000000000000`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.status, 'INVALID_ARGUMENT');
  });
});
