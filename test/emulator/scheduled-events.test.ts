import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Emulator,
  admin,
  call,
  getResource,
  seedSpannerService,
  startEmulator,
  startMigration,
  until,
  waitForOperation,
  waitForState,
} from '../helpers/emulator';

describe('scheduled events', () => {
  let emulator: Emulator;

  /** Starts a migration on a fresh service and waits until it is RUNNING. */
  async function running(service?: string): Promise<{ service: string; execution: string }> {
    const name = service ?? (await seedSpannerService(emulator));
    const op = await waitForOperation(emulator, (await startMigration(emulator, name)).body.name);
    return { service: name, execution: op.response.name };
  }

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 20 });
  });
  after(() => emulator.close());

  it('a running migration turns FAILED with a stateMessage a while after it started', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'events', {
      action: 'failExecution',
      service,
      afterMs: 400,
      stateMessage: 'Datastream lost the binlog position',
    });
    const { execution } = await running(service);
    const failed = await waitForState(emulator, execution, 'FAILED');
    assert.equal(failed.stateMessage, 'Datastream lost the binlog position');
    assert.ok(Date.parse(failed.endTime) - Date.parse(failed.createTime) >= 400, 'not before afterMs');
    assert.equal((await getResource(emulator, service)).state, 'ACTIVE');
    const stats = await admin(emulator, 'stats');
    assert.equal(stats.faultsByKind.failExecution, 1);
    const { history } = (await admin(emulator, 'events')).events;
    assert.equal(history.at(-1).outcome, 'fired');
    // Armed for one start only (count 1): the next migration on the service runs undisturbed.
    const next = await running(service);
    assert.equal((await admin(emulator, 'events')).events.armed.length, 0);
    assert.equal((await getResource(emulator, next.execution)).state, 'RUNNING');
  });

  it('the service goes ERROR (with its migration FAILED) after a delay, from the admin API', async () => {
    const { service, execution } = await running();
    const answer = await admin(emulator, 'services:error', {
      name: service,
      stateMessage: 'Spanner outage',
      afterMs: 50,
    });
    assert.equal(answer.scheduled.action, 'serviceError');
    const broken = await waitForState(emulator, service, 'ERROR');
    assert.equal(broken.stateMessage, 'Spanner outage');
    const failed = await getResource(emulator, execution);
    assert.deepEqual([failed.state, failed.stateMessage], ['FAILED', 'The service is in ERROR: Spanner outage']);
  });

  it('services:error at once, keeping the migration when failMigration is false; setState ACTIVE recovers', async () => {
    const { service, execution } = await running();
    const broken = await admin(emulator, 'services:error', { name: service, failMigration: false });
    assert.equal(broken.state, 'ERROR');
    assert.equal((await getResource(emulator, execution)).state, 'RUNNING');
    const refused = await call(emulator, 'POST', '/_emulator/services:setState', { name: service, state: 'ACTIVE' });
    assert.equal(refused.body.error.status, 'FAILED_PRECONDITION', 'only ERROR while a migration runs');
    await admin(emulator, 'executions:fail', { name: execution });
    assert.equal((await admin(emulator, 'services:setState', { name: service, state: 'ACTIVE' })).state, 'ACTIVE');
  });

  it('the service disappears after a delay; its pending operations end NOT_FOUND', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'durations', { replication: 60_000 });
    const started = await startMigration(emulator, service);
    await admin(emulator, 'services:remove', { name: service, afterMs: 50 });
    const op = await waitForOperation(emulator, started.body.name);
    assert.equal(op.error.code, 5);
    assert.equal((await call(emulator, 'GET', `/v1/${service}`)).status, 404);
    await admin(emulator, 'durations', undefined, 'DELETE');
  });

  it('AWAITING_USER_ACTION after a delay, and back to RUNNING after resumeAfterMs', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'events', {
      action: 'awaitUserAction',
      service,
      afterMs: 30,
      resumeAfterMs: 1000,
      stateMessage: 'grant REPLICATION SLAVE to datastream',
    });
    const { execution } = await running(service);
    const waiting = await waitForState(emulator, execution, 'AWAITING_USER_ACTION');
    assert.equal(waiting.stateMessage, 'grant REPLICATION SLAVE to datastream');
    await waitForState(emulator, execution, 'RUNNING');
    const kinds = (await admin(emulator, 'stats')).faultsByKind;
    assert.deepEqual([kinds.awaitUserAction >= 1, kinds.resumeExecution >= 1], [true, true]);
  });

  it('admin forms with afterMs for fail, awaitUserAction and resume', async () => {
    const { execution } = await running();
    await admin(emulator, 'executions:awaitUserAction', { name: execution, afterMs: 20 });
    await waitForState(emulator, execution, 'AWAITING_USER_ACTION');
    await admin(emulator, 'executions:resume', { name: execution, afterMs: 20 });
    await waitForState(emulator, execution, 'RUNNING');
    await admin(emulator, 'executions:fail', { name: execution, afterMs: 20, stateMessage: 'late failure' });
    assert.equal((await waitForState(emulator, execution, 'FAILED')).stateMessage, 'late failure');
  });

  it('an event whose target has moved on is skipped and recorded as such', async () => {
    const { service, execution } = await running();
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    await waitForOperation(emulator, cancel.body.name);
    // Scheduled against an execution that has already ended by the time it fires.
    await admin(emulator, 'executions:fail', { name: execution, afterMs: 10 });
    const forExecution = (entry: { target: { execution?: string } }) => entry.target.execution === execution;
    const events = await until(
      async () => (await admin(emulator, 'events')).events,
      (list) => list.history.some(forExecution),
    );
    assert.match(events.history.find(forExecution).outcome, /^skipped: /);
    assert.equal((await getResource(emulator, execution)).state, 'CANCELLED');
  });

  it('DELETE /_emulator/events disarms armed and pending events', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'events', { action: 'failExecution', service, afterMs: 0 });
    await admin(emulator, 'events', undefined, 'DELETE');
    const { execution } = await running(service);
    assert.deepEqual((await admin(emulator, 'events')).events.armed, []);
    assert.equal((await getResource(emulator, execution)).state, 'RUNNING');
  });

  it('refuses inconsistent events, naming the field', async () => {
    for (const [body, field] of [
      [{ action: 'setServiceState' }, 'state'],
      [{ action: 'failExecution', trigger: 'now' }, 'service'],
      [{ action: 'failExecution', resumeAfterMs: 5 }, 'resumeAfterMs'],
      [{ action: 'explode' }, 'action'],
    ] as const) {
      const response = await call(emulator, 'POST', '/_emulator/events', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.ok(response.body.error.message.includes(field), response.body.error.message);
    }
  });
});
