import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import { DefaultLogger } from '@temporalio/worker';
import { PassThroughClient } from 'google-auth-library';
import { type Activities, createActivities } from '../../src/activities';
import { NO_MIN_INTERVALS } from '../../scripts/lib/min-intervals';
import { MetastoreClient } from '../../src/metastore/client';
import { FailureType } from '../../src/migration/failure-types';
import { ApiBudget, projectOf } from '../../src/metastore/budget';
import { createSecretResolver } from '../../src/secrets/resolver';
import type { MigrationSnapshot } from '../../src/migration/snapshot';
import { type Emulator, admin, startEmulator } from '../helpers/emulator';
import {
  ORIGINAL_BACKUP,
  SECRET_ENV,
  migrationExecutionRequest,
  secretPolicyFor,
  serviceSeed,
  uniqueServiceName,
  waitFor,
} from '../helpers/migration';

const POLL_MS = 10;
const PASSWORDS = Object.values(SECRET_ENV);

/** A fresh environment per run (a cancelled one stays cancelled); quiet, as expected failures log warnings. */
/** The mock's attempt was scheduled at epoch 1 by default; a real one is scheduled when it was due (now, here). */
function newEnv(info: Partial<Info> = {}): MockActivityEnvironment {
  const now = Date.now();
  return new MockActivityEnvironment(
    { scheduledTimestampMs: now, currentAttemptScheduledTimestampMs: now, ...info },
    { logger: new DefaultLogger('ERROR') },
  );
}

/** env.run with the activity's own argument and result types. */
function runIn<A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A) {
  return env.run<A, R, typeof fn>(fn, ...args);
}

/** Runs an activity that must fail and returns the failure. */
async function failure<E = ApplicationFailure>(run: () => Promise<unknown>): Promise<E> {
  try {
    await run();
  } catch (err) {
    return err as E;
  }
  assert.fail('expected the activity to fail');
}

function assertNoPasswords(err: Error): void {
  const everything = inspect(err, { depth: null, showHidden: true });
  for (const password of PASSWORDS) {
    assert.doesNotMatch(err.message, new RegExp(password));
    assert.ok(!everything.includes(password), `the failure holds ${password}`);
  }
}

describe('activities against the emulator', () => {
  let emulator: Emulator;
  let metastore: MetastoreClient;
  let activities: Activities;

  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    runIn(newEnv(), fn, ...args);

  async function seed(overrides: Record<string, unknown> = {}): Promise<string> {
    const name = uniqueServiceName();
    await admin(emulator, 'services', serviceSeed(name, overrides));
    return name;
  }

  /** Starts a migration through the activities and waits until its execution is RUNNING. */
  /** startMigration with a fresh requestId: the operation it returned. */
  function startOperation(service: string) {
    return run(activities.startMigration, {
      service,
      migrationExecution: migrationExecutionRequest(),
      requestId: randomUUID(),
    });
  }

  async function startRunning(service: string): Promise<string> {
    const started = await startOperation(service);
    const done = await run(activities.awaitOperation, { operation: started.operation, pollIntervalMs: POLL_MS });
    assert.ok(done.migrationExecution);
    return done.migrationExecution;
  }

  before(async () => {
    // Long enough to observe CUTOVER and CANCELLING between two calls, short enough to keep tests quick.
    emulator = await startEmulator({ operationDelayMs: 300 });
    metastore = new MetastoreClient({ baseUrl: emulator.url, authClient: new PassThroughClient(), timeoutMs: 5000 });
    activities = createActivities({
      metastore,
      secrets: createSecretResolver({ ...SECRET_ENV }, undefined, secretPolicyFor(SECRET_ENV)),
      minIntervals: NO_MIN_INTERVALS,
    });
  });
  after(() => emulator.close());

  describe('prechecks and scheduled backups', () => {
    it("checkRequest with thenCheckBeforeStart answers a valid start's prechecks that read, in time or not at all", async () => {
      const service = await seed();
      const request = { service, migrationExecution: migrationExecutionRequest() };
      const long = newEnv({ startToCloseTimeoutMs: 30_000 });
      const checked = await runIn(long, activities.checkRequest, request, { thenCheckBeforeStart: true });
      assert.ok('request' in checked, JSON.stringify(checked));
      const facts = checked.beforeStart?.service;
      assert.ok(facts && 'value' in facts, JSON.stringify(checked.beforeStart));
      assert.deepEqual(facts.value.scheduledBackup, { ...ORIGINAL_BACKUP });
      assert.ok(checked.beforeStart?.permissions && checked.beforeStart.secrets, JSON.stringify(checked.beforeStart));
      // No time left for the batch: the check alone (the workflow runs the batch itself); none without the option,
      // none for an adoption (it checks what it adopts) and none for a request refused.
      const short = newEnv({ startToCloseTimeoutMs: 1000 });
      const cut = await runIn(short, activities.checkRequest, request, { thenCheckBeforeStart: true });
      assert.ok('request' in cut && cut.beforeStart === undefined, JSON.stringify(cut));
      assert.equal((await run(activities.checkRequest, request)).beforeStart, undefined);
      const adopt = { ...request, adopt: { by: 'test' } };
      const adopting = await runIn(newEnv({ startToCloseTimeoutMs: 30_000 }), activities.checkRequest, adopt, {
        thenCheckBeforeStart: true,
      });
      assert.ok('request' in adopting && adopting.beforeStart === undefined, JSON.stringify(adopting));
      const refused = await runIn(
        newEnv({ startToCloseTimeoutMs: 30_000 }),
        activities.checkRequest,
        { ...request, service: 'not a service' },
        { thenCheckBeforeStart: true },
      );
      assert.ok('issues' in refused && refused.beforeStart === undefined, JSON.stringify(refused));
    });

    it('checkService reports state, databaseType, the saved scheduled backup and active executions', async () => {
      const service = await seed();
      const facts = await run(activities.checkService, { service });
      assert.deepEqual(facts, {
        name: service,
        state: 'ACTIVE',
        databaseType: 'SPANNER',
        hiveVersion: '3.1.2',
        scheduledBackup: { ...ORIGINAL_BACKUP },
        activeExecutions: [],
      });
      const execution = await startRunning(service);
      const during = await run(activities.checkService, { service });
      assert.equal(during.state, 'MIGRATING');
      assert.deepEqual(during.activeExecutions, [execution]);
    });

    it('checkService reports a service in PROXY with what it forwards (lakehouseProxyConfig)', async () => {
      const service = await seed();
      const lakehouseProxyConfig = { catalog: 'projects/corp-lake/catalogs/iceberg-main', namespaces: ['web'] };
      await admin(emulator, 'newer-api', { name: service, fields: { state: 'PROXY', lakehouseProxyConfig } });
      const facts = await run(activities.checkService, { service });
      assert.equal(facts.state, 'PROXY');
      assert.deepEqual(facts.lakehouseProxyConfig, lakehouseProxyConfig);
    });

    it('disableScheduledBackups turns backups off and leaves the schedule in place', async () => {
      const service = await seed();
      const { operation } = await run(activities.disableScheduledBackups, { service, requestId: randomUUID() });
      await run(activities.awaitOperation, { operation, pollIntervalMs: POLL_MS });
      const backup = (await metastore.getService(service)).scheduledBackup;
      assert.equal(backup?.enabled, false);
      assert.equal(backup?.cronSchedule, ORIGINAL_BACKUP.cronSchedule);
    });

    it('restoreScheduledBackups writes back exactly the saved setting', async () => {
      const service = await seed();
      const saved = (await run(activities.checkService, { service })).scheduledBackup;
      const disabled = await run(activities.disableScheduledBackups, { service, requestId: randomUUID() });
      await run(activities.awaitOperation, { operation: disabled.operation, pollIntervalMs: POLL_MS });

      const restored = await run(activities.restoreScheduledBackups, { service, saved, requestId: randomUUID() });
      await run(activities.awaitOperation, { operation: restored.operation, pollIntervalMs: POLL_MS });
      assert.deepEqual((await run(activities.checkService, { service })).scheduledBackup, { ...ORIGINAL_BACKUP });

      // Every one of the four fields is written, not only `enabled`.
      const other = { enabled: true, cronSchedule: '30 1 * * 1', timeZone: 'UTC', backupLocation: 'gs://other/hms' };
      const rewritten = await run(activities.restoreScheduledBackups, {
        service,
        saved: other,
        requestId: randomUUID(),
      });
      await run(activities.awaitOperation, { operation: rewritten.operation, pollIntervalMs: POLL_MS });
      assert.deepEqual((await run(activities.checkService, { service })).scheduledBackup, other);
    });
  });

  describe('migration calls', () => {
    it('startMigration repeated with the same requestId returns the same operation and makes one execution', async () => {
      const service = await seed();
      const args = { service, migrationExecution: migrationExecutionRequest(), requestId: randomUUID() };
      const first = await run(activities.startMigration, args);
      const second = await run(activities.startMigration, args);
      assert.equal(second.operation, first.operation);
      const executions = await metastore.listAllMigrationExecutions(service);
      assert.equal(executions.length, 1);
      assert.equal(first.migrationExecution, executions[0]?.name);
    });

    const retries = [
      { call: 'completeMigration', during: ['phase', 'CUTOVER'], after: 'SUCCEEDED' },
      { call: 'cancelMigration', during: ['state', 'CANCELLING'], after: 'CANCELLED' },
    ] as const;
    for (const { call, during, after: ended } of retries) {
      it(`${call} retried after it was accepted reports alreadyRequested, in ${during[1]} and after ${ended}`, async () => {
        const service = await seed();
        const execution = await startRunning(service);
        const first = await run(activities[call], { service, execution });
        assert.equal(first.alreadyRequested, false);
        assert.ok(first.operation);
        assert.equal((await metastore.getMigrationExecution(execution))[during[0]], during[1]);
        assert.deepEqual(await run(activities[call], { service, execution }), { alreadyRequested: true });

        await run(activities.awaitOperation, { operation: first.operation, pollIntervalMs: POLL_MS });
        assert.equal((await metastore.getMigrationExecution(execution)).state, ended);
        assert.deepEqual(await run(activities[call], { service, execution }), { alreadyRequested: true });
      });
    }

    it('completeMigration with nothing to complete fails FAILED_PRECONDITION instead of claiming success', async () => {
      const service = await seed();
      const err = await failure(() => run(activities.completeMigration, { service }));
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'FAILED_PRECONDITION');
      assert.equal(err.nonRetryable, true);
    });

    it('awaitOperation heartbeats each read and rejects with CancelledFailure when cancelled', async () => {
      const service = await seed();
      const started = await startOperation(service);
      const env = newEnv();
      env.once('heartbeat', () => env.cancel());
      const began = Date.now();
      const err = await failure(() =>
        runIn(env, activities.awaitOperation, { operation: started.operation, pollIntervalMs: 60_000 }),
      );
      assert.ok(err instanceof CancelledFailure, `expected CancelledFailure, got ${String(err)}`);
      assert.ok(Date.now() - began < 5000, 'did not wait out the poll interval');
    });
  });

  describe('polling', () => {
    it('pollMigration without an execution name finds the execution in flight', async () => {
      const service = await seed();
      const earlier = await startRunning(service);
      const cancelled = await run(activities.cancelMigration, { service, execution: earlier });
      await run(activities.awaitOperation, { operation: cancelled.operation ?? '', pollIntervalMs: POLL_MS });
      const current = await startRunning(service);

      const snapshot = await run(activities.pollMigration, { service });
      assert.equal(snapshot.serviceFound, true);
      assert.equal(snapshot.serviceState, 'MIGRATING');
      assert.equal(snapshot.execution?.name, current);
      assert.equal(snapshot.execution?.state, 'RUNNING');
      assert.equal(snapshot.execution?.phase, 'REPLICATION');
    });

    it('pollMigration reports serviceFound false for a removed service', async () => {
      const service = await seed();
      const execution = await startRunning(service);
      await admin(emulator, 'services:remove', { name: service });
      const snapshot = await run(activities.pollMigration, { service, execution });
      assert.equal(snapshot.serviceFound, false);
      assert.equal(snapshot.execution, undefined);
    });

    /** One attempt of the wait, as the server runs it: first scheduled `quietForMs` ago. */
    /** An attempt `quietForMs` after the first, starting `lateMs` after it was due. */
    function attempt(args: Parameters<Activities['pollMigrationChange']>[0], quietForMs = 0, lateMs = 0) {
      const now = Date.now();
      const info = { scheduledTimestampMs: now - quietForMs, currentAttemptScheduledTimestampMs: now - lateMs };
      return runIn(newEnv(info), activities.pollMigrationChange, args);
    }

    async function requestCounts(): Promise<Record<string, number>> {
      return (await admin<{ requests: Record<string, number> }>(emulator, 'stats')).requests;
    }

    it('pollMigrationChange returns the read as soon as the execution changed, with the service', async () => {
      const service = await seed();
      const execution = await startRunning(service);
      const last = await run(activities.pollMigration, { service, execution });
      await admin(emulator, 'executions:fail', { name: execution, stateMessage: 'binlog purged' });
      const snapshot = await attempt({ service, execution, last, pollIntervalMs: 60_000, maxQuietMs: 86_400_000 });
      assert.equal(snapshot.execution?.state, 'FAILED');
      assert.equal(snapshot.execution?.stateMessage, 'binlog purged');
      assert.equal(snapshot.serviceState, 'ACTIVE', 'a change reads the service too');
    });

    it('pollMigrationChange fails benignly while nothing changed, reading only the execution', async () => {
      const service = await seed();
      const execution = await startRunning(service);
      const last = await run(activities.pollMigration, { service, execution });
      const before = await requestCounts();
      const err = await failure(() =>
        attempt({ service, execution, last, pollIntervalMs: 60_000, maxQuietMs: 86_400_000 }),
      );
      const after = await requestCounts();
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, FailureType.Unchanged);
      assert.equal(err.category, 'BENIGN');
      assert.equal(err.nonRetryable, false);
      const delay = Number(err.nextRetryDelay);
      assert.ok(delay >= 60_000 && delay <= 63_000, `next poll in ${delay} ms, expected 60 s to 5 % more`);
      assert.equal((err.details?.[0] as { last: MigrationSnapshot }).last.execution?.state, 'RUNNING');
      assert.equal(
        (after['services.migrationExecutions.get'] ?? 0) - (before['services.migrationExecutions.get'] ?? 0),
        1,
      );
      assert.equal(after['services.get'] ?? 0, before['services.get'] ?? 0, 'no service read in steady state');
    });

    it('pollMigrationChange polls at the fast interval until fastUntil', async () => {
      const service = await seed();
      const execution = await startRunning(service);
      const last = await run(activities.pollMigration, { service, execution });
      const fastUntil = new Date(Date.now() + 60_000).toISOString();
      const args = {
        service,
        execution,
        last,
        pollIntervalMs: 60_000,
        fastPollIntervalMs: 5000,
        maxQuietMs: 86_400_000,
      };
      const fast = await failure(() => attempt({ ...args, fastUntil }));
      assert.ok(Number(fast.nextRetryDelay) <= 5500, `fast: ${String(fast.nextRetryDelay)}`);
      // Just after fast polling: a phase drawn over the second half of the interval, never beyond it.
      const leaving = await failure(() => attempt({ ...args, fastUntil: new Date(Date.now() - 1).toISOString() }));
      const phase = Number(leaving.nextRetryDelay);
      assert.ok(phase >= 30_000 && phase <= 60_000, `leaving fast: ${phase}`);
      const steady = await failure(() => attempt({ ...args, fastUntil: new Date(Date.now() - 120_000).toISOString() }));
      const delay = Number(steady.nextRetryDelay);
      assert.ok(delay >= 60_000 && delay <= 63_000, `steady: ${delay}`);
    });

    it('pollMigrationChange keeps steady polls to their period: a late read takes the lateness off the next wait', async () => {
      const service = await seed();
      const execution = await startRunning(service);
      const last = await run(activities.pollMigration, { service, execution });
      const args = { service, execution, last, pollIntervalMs: 60_000, maxQuietMs: 86_400_000 };
      const late = Number((await failure(() => attempt(args, 0, 20_000))).nextRetryDelay);
      assert.ok(late >= 40_000 && late <= 43_000, `20 s late: next poll in ${late} ms, expected 40 s to 43 s`);
      // Hours late (no worker was up): half an interval, so a fleet coming back does not poll in one burst.
      const hoursLate = Number((await failure(() => attempt(args, 0, 3 * 3_600_000))).nextRetryDelay);
      assert.ok(hoursLate >= 30_000 && hoursLate <= 31_500, `hours late: ${hoursLate} ms`);
      // Fast polls are not shortened: they are many, and a second either way does not matter to them.
      const fastUntil = new Date(Date.now() + 60_000).toISOString();
      const fast = Number(
        (await failure(() => attempt({ ...args, fastPollIntervalMs: 5000, fastUntil }, 0, 2000))).nextRetryDelay,
      );
      assert.ok(fast >= 4750 && fast <= 5250, `fast: ${fast} ms`);
    });

    it('pollMigrationChange returns unchanged once maxQuietMs has passed since the first attempt', async () => {
      const service = await seed();
      const execution = await startRunning(service);
      const last = await run(activities.pollMigration, { service, execution });
      const args = { service, execution, last, pollIntervalMs: 60_000, maxQuietMs: 3_600_000 };
      const early = await failure(() => attempt(args, 3_000_000));
      assert.ok(Number(early.nextRetryDelay) <= 600_000, 'the next attempt is due by the quiet deadline');
      const snapshot = await attempt(args, 3_600_001);
      assert.equal(snapshot.execution?.state, 'RUNNING');
      assert.equal(snapshot.serviceState, 'MIGRATING');
      assert.ok(snapshot.polledAt > last.polledAt);
    });

    it('pollMigrationChange reports a transient error once, then waits quietly; a 429 waits for Retry-After', async () => {
      const service = await seed();
      const execution = await startRunning(service);
      const last = await run(activities.pollMigration, { service, execution });
      const args = { service, execution, pollIntervalMs: 5000, maxQuietMs: 86_400_000 };
      await admin(emulator, 'faults', {
        method: 'services.migrationExecutions.get',
        error: { status: 'UNAVAILABLE' },
        count: 2,
      });
      const reported = await attempt({ ...args, last });
      assert.equal(reported.error?.type, 'UNAVAILABLE');
      assert.equal(reported.execution?.state, 'RUNNING', 'the last good read is repeated');
      const again = await failure(() => attempt({ ...args, last: reported }));
      assert.equal(again.type, FailureType.Unchanged);
      const recovered = await attempt({ ...args, last: reported });
      assert.equal(recovered.error, undefined, 'the first good read after the error is a change');

      await admin(emulator, 'faults', {
        method: 'services.migrationExecutions.get',
        error: { status: 'RESOURCE_EXHAUSTED', retryAfterSeconds: 7 },
        count: 1,
      });
      const throttled = await failure(() => attempt({ ...args, last: recovered }));
      assert.equal(throttled.type, FailureType.Unchanged, 'a 429 is absorbed, never reported as an error');
      assert.ok(Number(throttled.nextRetryDelay) >= 7000, `next attempt after ${String(throttled.nextRetryDelay)} ms`);
    });

    it('pollMigrationChange turned away by the budget comes back when told, not a whole interval later', async () => {
      const service = await seed();
      const execution = await startRunning(service);
      const last = await run(activities.pollMigration, { service, execution });
      // A budget of 1 req/s: its burst holds one poll's two reads beside the reserve; the first poll takes one
      // read's token, the other is spent here, so the second poll finds only the reserve and is turned away.
      const budget = new ApiBudget({ ratePerSecond: 1 });
      const pollMetastore = new MetastoreClient({
        baseUrl: emulator.url,
        authClient: new PassThroughClient(),
        budget: budget.gate('poll'),
      });
      const throttledActivities = createActivities({
        metastore,
        pollMetastore,
        secrets: createSecretResolver({ ...SECRET_ENV }, undefined, secretPolicyFor(SECRET_ENV)),
        minIntervals: NO_MIN_INTERVALS,
      });
      const args = { service, execution, last, pollIntervalMs: 60_000, maxQuietMs: 86_400_000 };
      const poll = () =>
        failure(() =>
          runIn(newEnv({ scheduledTimestampMs: Date.now() }), throttledActivities.pollMigrationChange, args),
        );
      const first = await poll();
      assert.ok(Number(first.nextRetryDelay) >= 57_000, `a read that happened waits the interval: ${first.message}`);
      await budget.take(projectOf(service), 'poll');
      const turnedAway = await poll();
      assert.equal(turnedAway.type, FailureType.Unchanged);
      const delay = Number(turnedAway.nextRetryDelay);
      assert.ok(delay > 0 && delay < 10_000, `turned away: next attempt after ${delay} ms, not the 60 s interval`);
    });

    it('checkOperation fails benignly until the operation is done, then returns its outcome', async () => {
      const service = await seed();
      const started = await startOperation(service);
      // Asked about a minute ago: the check waits the whole interval, so this attempt ends at its first read.
      const asked = newEnv({ scheduledTimestampMs: Date.now() - 60_000 });
      const pending = await failure(() =>
        runIn(asked, activities.checkOperation, { operation: started.operation, pollIntervalMs: 2000 }),
      );
      assert.equal(pending.type, FailureType.Unchanged);
      assert.equal(pending.category, 'BENIGN');
      const done = await waitFor('the operation done', () =>
        run(activities.checkOperation, { operation: started.operation, pollIntervalMs: 1000 }).catch(() => undefined),
      );
      assert.match(done.migrationExecution ?? '', /migrationExecutions/);
    });

    it("checkOperation with thenRead returns the start's outcome and the migration read after it", async () => {
      const service = await seed();
      const started = await startOperation(service);
      const check = { operation: started.operation, pollIntervalMs: 1000 };
      await waitFor('the operation done', () => run(activities.checkOperation, check).catch(() => undefined));
      const env = newEnv({ startToCloseTimeoutMs: 30_000 });
      const done = await runIn(env, activities.checkOperation, { ...check, thenRead: { service } });
      assert.match(done.migrationExecution ?? '', /migrationExecutions/);
      assert.equal(done.snapshot?.serviceFound, true);
      assert.equal(done.snapshot?.execution?.name, done.migrationExecution);
      assert.equal(done.snapshot?.serviceState, 'MIGRATING');
      // Without thenRead (every history before lean-start), the outcome alone.
      assert.equal((await run(activities.checkOperation, check)).snapshot, undefined);
    });

    it('checkOperation with thenRead leaves a read that failed transiently to the workflow, outcome returned', async () => {
      const service = await seed();
      const started = await startOperation(service);
      const check = { operation: started.operation, pollIntervalMs: 1000 };
      await waitFor('the operation done', () => run(activities.checkOperation, check).catch(() => undefined));
      await admin(emulator, 'faults', {
        method: 'services.migrationExecutions.get',
        error: { status: 'UNAVAILABLE' },
        count: 1,
      });
      try {
        const env = newEnv({ startToCloseTimeoutMs: 30_000 });
        const done = await runIn(env, activities.checkOperation, { ...check, thenRead: { service } });
        assert.match(done.migrationExecution ?? '', /migrationExecutions/);
        assert.equal(done.snapshot, undefined);
      } finally {
        await admin(emulator, 'faults', undefined, 'DELETE');
      }
    });

    it('checkOperation sees a 300 ms operation done within its first attempt, in a few reads', async () => {
      await admin(emulator, 'durations', { replication: 300 });
      try {
        const service = await seed();
        const started = await startOperation(service);
        const since = Date.now();
        // A 5 s interval: without the backoff from a short first check the attempt would end unchanged at once.
        const done = await run(activities.checkOperation, { operation: started.operation, pollIntervalMs: 5000 });
        assert.match(done.migrationExecution ?? '', /migrationExecutions/);
        const reads = await admin<{ requests: { resource: string }[] }>(
          emulator,
          `requests?since=${since}&method=operations.get`,
        );
        const mine = reads.requests.filter((entry) => entry.resource === started.operation);
        assert.ok(mine.length >= 2 && mine.length <= 4, `${mine.length} reads of the operation`);
      } finally {
        await admin(emulator, 'durations', undefined, 'DELETE');
      }
    });

    it('checkOperation of an operation running a while waits about as long again, and the interval at most', async () => {
      await admin(emulator, 'durations', { replication: 600_000 });
      try {
        const service = await seed();
        const started = await startOperation(service);
        const nextDelay = async (askedMsAgo: number) => {
          const env = newEnv({ scheduledTimestampMs: Date.now() - askedMsAgo });
          const pending = await failure(() =>
            runIn(env, activities.checkOperation, { operation: started.operation, pollIntervalMs: 5000 }),
          );
          assert.equal(pending.type, FailureType.Unchanged);
          return Number(pending.nextRetryDelay);
        };
        const young = await nextDelay(1500);
        assert.ok(young >= 1400 && young <= 1700, `asked 1.5 s ago: next check after ${young} ms`);
        const old = await nextDelay(120_000);
        assert.ok(old >= 4750 && old <= 5250, `asked 2 min ago: next check after ${old} ms, the interval`);
      } finally {
        await admin(emulator, 'durations', undefined, 'DELETE');
      }
    });

    it('checkOperation meeting a 503 checks again at the operation interval, not by the retry policy', async () => {
      const service = await seed();
      const started = await startOperation(service);
      await admin(emulator, 'faults', { method: 'operations.get', error: { status: 'UNAVAILABLE' } });
      const missed = await failure(() =>
        run(activities.checkOperation, { operation: started.operation, pollIntervalMs: 2000 }),
      );
      assert.equal(missed.type, FailureType.Unchanged);
      assert.equal(missed.category, 'BENIGN');
      assert.match(missed.message, /UNAVAILABLE/);
      const delay = Number(missed.nextRetryDelay);
      assert.ok(delay >= 1900 && delay <= 2100, `next check after ${delay} ms, the operation interval`);
    });

    it('watchMigration, scheduled by histories from before retry-as-poll, reads once and returns', async () => {
      const service = await seed();
      const execution = await startRunning(service);
      const last = await run(activities.pollMigration, { service, execution });
      const snapshot = await run(activities.watchMigration, {
        service,
        execution,
        last,
        pollIntervalMs: 60_000,
        maxQuietMs: 86_400_000,
      });
      assert.equal(snapshot.execution?.state, 'RUNNING');
      assert.ok(snapshot.polledAt > last.polledAt);
    });
  });

  describe('error mapping', () => {
    it('maps NOT_FOUND to a non-retryable ApplicationFailure with details', async () => {
      const service = uniqueServiceName('missing');
      const err = await failure(() => run(activities.checkService, { service }));
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'NOT_FOUND');
      assert.equal(err.nonRetryable, true);
      assert.deepEqual(err.details?.[0], {
        httpStatus: 404,
        status: 'NOT_FOUND',
        resource: service,
        method: 'services.get',
      });
    });

    it('maps an injected UNAVAILABLE to a retryable ApplicationFailure', async () => {
      const service = await seed();
      await admin(emulator, 'faults', { method: 'services.get', error: { status: 'UNAVAILABLE' } });
      const err = await failure(() => run(activities.pollMigration, { service }));
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'UNAVAILABLE');
      assert.equal(err.nonRetryable, false);
      assert.equal(err.nextRetryDelay, undefined);
    });

    it('maps RESOURCE_EXHAUSTED with Retry-After to a retryable failure with nextRetryDelay', async () => {
      const service = await seed();
      await admin(emulator, 'faults', {
        method: 'services.get',
        error: { status: 'RESOURCE_EXHAUSTED', retryAfterSeconds: 3 },
      });
      const err = await failure(() => run(activities.checkService, { service }));
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'RESOURCE_EXHAUSTED');
      assert.equal(err.nonRetryable, false);
      assert.equal(err.nextRetryDelay, 3000);
    });

    it('refuses to start with an unresolvable secret: SecretUnresolved, naming the reference, changing nothing', async () => {
      const service = await seed();
      const partial = createActivities({
        metastore,
        minIntervals: NO_MIN_INTERVALS,
        secrets: createSecretResolver(
          { HIVE_DB_PASSWORD: SECRET_ENV.HIVE_DB_PASSWORD },
          undefined,
          secretPolicyFor(SECRET_ENV),
        ),
      });
      const args = { service, migrationExecution: migrationExecutionRequest(), requestId: randomUUID() };
      const refusals = [await failure(() => run(partial.startMigration, args))];
      refusals.push(await failure(() => run(partial.checkSecrets, args)));
      for (const err of refusals) {
        assert.ok(err instanceof ApplicationFailure);
        assert.equal(err.type, 'SecretUnresolved');
        assert.equal(err.nonRetryable, true);
        assert.match(err.message, /cdcConfig\.password/);
        assert.match(err.message, /env:CDC_PASSWORD/);
        assertNoPasswords(err);
      }
      assert.deepEqual(await metastore.listAllMigrationExecutions(service), []);
    });

    it('never puts a password into the failure of a rejected or failed start', async () => {
      const service = await seed();
      await startRunning(service);
      const start = (migrationExecution = migrationExecutionRequest()) =>
        run(activities.startMigration, { service, migrationExecution, requestId: randomUUID() });

      const precondition = await failure(() => start());
      assert.equal(precondition.type, 'FAILED_PRECONDITION');

      const malformed = migrationExecutionRequest();
      assert.ok(malformed.cloudSqlMigrationConfig);
      malformed.cloudSqlMigrationConfig.cdcConfig.subnetIpRange = '10.0.0.0/30';
      const invalid = await failure(() => start(malformed));
      assert.equal(invalid.type, 'INVALID_ARGUMENT');

      await admin(emulator, 'faults', { method: 'services.startMigration', error: { status: 'UNAVAILABLE' } });
      const unavailable = await failure(() => start());
      assert.equal(unavailable.type, 'UNAVAILABLE');

      for (const err of [precondition, invalid, unavailable]) {
        assert.ok(err instanceof ApplicationFailure);
        assertNoPasswords(err);
      }
    });
  });
});
