import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { PassThroughClient } from 'google-auth-library';
import { createMetastoreTarget } from '../../src/metastore/auth';
import { MAX_LIST_PAGES, MAX_RETRY_AFTER_MS, MetastoreClient } from '../../src/metastore/client';
import { MetastoreApiError, MetastoreContractError, MetastoreOperationError } from '../../src/metastore/errors';
import {
  CDC_PASSWORD,
  CONNECTION_PASSWORD,
  type Emulator,
  admin,
  seedSpannerService,
  startEmulator,
  validStartRequest,
} from '../helpers/emulator';
import { waitFor } from '../helpers/migration';
import { freePort } from '../helpers/ports';

const MISSING_SERVICE = 'projects/test-project/locations/us-central1/services/does-not-exist';

function clientFor(baseUrl: string, timeoutMs?: number): MetastoreClient {
  return new MetastoreClient({ baseUrl, authClient: new PassThroughClient(), timeoutMs });
}

/** Runs `fn`, expects it to throw, and returns the error (typed loosely for field assertions). */
async function failure<E = Error>(fn: () => Promise<unknown>): Promise<E> {
  try {
    await fn();
  } catch (err) {
    return err as E;
  }
  assert.fail('expected the call to fail');
}

/** Neither the message nor anything reachable from the error (its cause chain) holds a password. */
function assertNoPasswords(err: unknown): void {
  const everything = inspect(err, { depth: null, showHidden: true });
  for (const password of [CONNECTION_PASSWORD, CDC_PASSWORD]) {
    assert.doesNotMatch((err as Error).message, new RegExp(password));
    assert.ok(!everything.includes(password), `the error holds ${password} somewhere in its cause chain`);
  }
}

describe('MetastoreClient against the emulator', () => {
  let emulator: Emulator;
  let client: MetastoreClient;

  before(async () => {
    emulator = await startEmulator();
    client = clientFor(emulator.url, 5000);
  });
  after(() => emulator.close());

  it('parses a seeded service from services.get', async () => {
    const name = await seedSpannerService(emulator, { labels: { team: 'data' } });
    const service = await client.getService(name);
    assert.equal(service.name, name);
    assert.equal(service.state, 'ACTIVE');
    assert.equal(service.databaseType, 'SPANNER');
    assert.equal(service.hiveMetastoreConfig?.version, '3.1.2');
    assert.deepEqual(service.labels, { team: 'data' });
    assert.equal(service.scheduledBackup?.enabled, true);
    assert.equal(service.scheduledBackup?.cronSchedule, '0 3 * * *');
  });

  it('starts a migration and awaits its operation: execution RUNNING in REPLICATION, service MIGRATING', async () => {
    const service = await seedSpannerService(emulator);
    const started = await client.startMigration(service, validStartRequest());
    assert.equal(started.metadata?.target?.startsWith(`${service}/migrationExecutions/`), true);
    const polls: boolean[] = [];
    const done = await client.awaitOperation(started.name, {
      pollIntervalMs: 10,
      onPoll: (op) => polls.push(op.done ?? false),
    });
    assert.equal(done.name, started.name);
    assert.equal(done.done, true);
    assert.equal(done.error, undefined);
    assert.equal(polls.at(-1), true);
    const executionName = done.response?.['name'];
    assert.equal(typeof executionName, 'string');
    const execution = await client.getMigrationExecution(executionName as string);
    assert.equal(execution.state, 'RUNNING');
    assert.equal(execution.phase, 'REPLICATION');
    assert.equal((await client.getService(service)).state, 'MIGRATING');
  });

  it('follows page tokens across every page of migration executions', async () => {
    const service = await seedSpannerService(emulator);
    const created: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const start = await client.awaitOperation((await client.startMigration(service, validStartRequest())).name, {
        pollIntervalMs: 10,
      });
      created.push(start.response?.['name'] as string);
      await client.awaitOperation((await client.cancelMigration(service)).name, { pollIntervalMs: 10 });
    }
    const firstPage = await client.listMigrationExecutions(service, { pageSize: 1 });
    assert.equal(firstPage.migrationExecutions?.length, 1);
    assert.ok(firstPage.nextPageToken, 'a page of 1 out of 3 carries a nextPageToken');

    const before = await admin(emulator, 'stats');
    const all = await client.listAllMigrationExecutions(service, { pageSize: 1 });
    const afterStats = await admin(emulator, 'stats');
    const listMethod = 'services.migrationExecutions.list';
    assert.equal(afterStats.requests[listMethod] - before.requests[listMethod], 3);
    assert.deepEqual(all.map((e) => e.name).sort(), [...created].sort());
    assert.ok(all.every((e) => e.state === 'CANCELLED'));
  });

  describe('error mapping', () => {
    it('refuses a resource name with a dot segment, a query or an escape before sending anything', async () => {
      const service = await seedSpannerService(emulator);
      const before = await admin<{ requests: Record<string, number> }>(emulator, 'stats');
      const forged = [
        `${service}/../../other-metastore`,
        `${service}/./x`,
        `${service}?alt=media`,
        `${service}#fragment`,
        `${service.replace('/services/', '/services/%2e%2e/')}`,
        `${service}//x`,
      ];
      for (const name of forged) {
        const err = await failure<MetastoreApiError>(() => client.getService(name));
        assert.ok(err instanceof MetastoreApiError, name);
        assert.equal(err.status, 'INVALID_ARGUMENT', name);
        assert.equal(err.httpStatus, 0, `${name}: nothing was sent`);
        assert.match(err.message, /refused before sending: segment \d+ of \d+ is not a plain resource id/);
      }
      const executions = await failure<MetastoreApiError>(() =>
        client.getMigrationExecution(`${service}/migrationExecutions/..`),
      );
      assert.equal(executions.status, 'INVALID_ARGUMENT');
      const afterStats = await admin<{ requests: Record<string, number> }>(emulator, 'stats');
      assert.deepEqual(afterStats.requests, before.requests, 'the emulator received no request');
      // A domain-scoped project (example.com:my-project) is a plain id.
      const scoped = await failure<MetastoreApiError>(() =>
        client.getService('projects/example.com:my-project/locations/us-central1/services/absent'),
      );
      assert.equal(scoped.status, 'NOT_FOUND');
    });

    it('maps an unknown service to NOT_FOUND (404) with method and resource', async () => {
      const err = await failure<MetastoreApiError>(() => client.getService(MISSING_SERVICE));
      assert.ok(err instanceof MetastoreApiError);
      assert.equal(err.name, 'MetastoreApiError');
      assert.equal(err.httpStatus, 404);
      assert.equal(err.status, 'NOT_FOUND');
      assert.equal(err.method, 'services.get');
      assert.equal(err.resource, MISSING_SERVICE);
      assert.ok(err.cause, 'the transport error is kept as cause');
    });

    it('maps a second start on a migrating service to FAILED_PRECONDITION (400) without leaking passwords', async () => {
      const service = await seedSpannerService(emulator);
      await client.startMigration(service, validStartRequest());
      const err = await failure<MetastoreApiError>(() => client.startMigration(service, validStartRequest()));
      assert.ok(err instanceof MetastoreApiError);
      assert.equal(err.httpStatus, 400);
      assert.equal(err.status, 'FAILED_PRECONDITION');
      assert.equal(err.method, 'services.startMigration');
      assert.equal(err.resource, service);
      assertNoPasswords(err);
    });

    it('maps a malformed start request to INVALID_ARGUMENT (400) without leaking passwords', async () => {
      const service = await seedSpannerService(emulator);
      const request = validStartRequest();
      const cdc = request.migrationExecution.cloudSqlMigrationConfig?.cdcConfig;
      assert.ok(cdc);
      cdc.subnetIpRange = '10.0.0.0/30';
      const err = await failure<MetastoreApiError>(() => client.startMigration(service, request));
      assert.ok(err instanceof MetastoreApiError);
      assert.equal(err.httpStatus, 400);
      assert.equal(err.status, 'INVALID_ARGUMENT');
      assert.equal(err.method, 'services.startMigration');
      assertNoPasswords(err);
    });

    it('maps RESOURCE_EXHAUSTED (429) and carries Retry-After as retryAfterMs', async () => {
      const service = await seedSpannerService(emulator);
      await admin(emulator, 'faults', {
        method: 'services.get',
        error: { status: 'RESOURCE_EXHAUSTED', retryAfterSeconds: 7 },
      });
      const err = await failure<MetastoreApiError>(() => client.getService(service));
      assert.ok(err instanceof MetastoreApiError);
      assert.equal(err.status, 'RESOURCE_EXHAUSTED');
      assert.equal(err.httpStatus, 429);
      assert.equal(err.retryAfterMs, 7000);
    });

    it('honours a Retry-After of a year only up to MAX_RETRY_AFTER_MS', async () => {
      const service = await seedSpannerService(emulator);
      const year = 365 * 86_400;
      await admin(emulator, 'faults', {
        method: 'services.get',
        error: { status: 'RESOURCE_EXHAUSTED', retryAfterSeconds: year },
      });
      const err = await failure<MetastoreApiError>(() => client.getService(service));
      assert.equal(err.status, 'RESOURCE_EXHAUSTED');
      assert.equal(err.retryAfterMs, MAX_RETRY_AFTER_MS);
    });

    it('maps an injected UNAVAILABLE (503) without a retry delay', async () => {
      const service = await seedSpannerService(emulator);
      await admin(emulator, 'faults', { method: 'services.startMigration', error: { status: 'UNAVAILABLE' } });
      const err = await failure<MetastoreApiError>(() => client.startMigration(service, validStartRequest()));
      assert.ok(err instanceof MetastoreApiError);
      assert.equal(err.status, 'UNAVAILABLE');
      assert.equal(err.httpStatus, 503);
      assert.equal(err.retryAfterMs, undefined);
      assertNoPasswords(err);
    });

    it('maps a refused connection to UNAVAILABLE with httpStatus 0', async () => {
      const port = await freePort();
      const closed = clientFor(`http://127.0.0.1:${port}`, 5000);
      const err = await failure<MetastoreApiError>(() => closed.startMigration(MISSING_SERVICE, validStartRequest()));
      assert.ok(err instanceof MetastoreApiError);
      assert.equal(err.httpStatus, 0);
      assert.equal(err.status, 'UNAVAILABLE');
      assert.equal(err.method, 'services.startMigration');
      assertNoPasswords(err);
    });

    it('maps a request that outlives timeoutMs to DEADLINE_EXCEEDED with httpStatus 0', async () => {
      const service = await seedSpannerService(emulator);
      const impatient = clientFor(emulator.url, 300);
      await admin(emulator, 'faults', { method: 'services.startMigration', delayResponseMs: 2000 });
      const began = Date.now();
      const err = await failure<MetastoreApiError>(() => impatient.startMigration(service, validStartRequest()));
      assert.ok(Date.now() - began < 2000, 'the client gave up before the server answered');
      assert.ok(err instanceof MetastoreApiError);
      assert.equal(err.status, 'DEADLINE_EXCEEDED');
      assert.equal(err.httpStatus, 0);
      assertNoPasswords(err);
    });

    it('stops following page tokens after MAX_LIST_PAGES pages, as a contract violation', async () => {
      let requests = 0;
      const server = createServer((_req, res) => {
        requests += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ nextPageToken: `page-${requests}` }));
      });
      const port = await listen(server);
      try {
        const err = await failure<MetastoreContractError>(() =>
          clientFor(`http://127.0.0.1:${port}`, 5000).listAllMigrationExecutions(MISSING_SERVICE),
        );
        assert.ok(err instanceof MetastoreContractError);
        assert.match(err.issues[0] ?? '', new RegExp(`^nextPageToken: still set after ${MAX_LIST_PAGES} pages`));
        assert.equal(requests, MAX_LIST_PAGES);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('names the field path of a response that breaks the contract', async () => {
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ name: 42 }));
      });
      const port = await listen(server);
      try {
        const err = await failure<MetastoreContractError>(() =>
          clientFor(`http://127.0.0.1:${port}`, 5000).getService(MISSING_SERVICE),
        );
        assert.ok(err instanceof MetastoreContractError);
        assert.equal(err.name, 'MetastoreContractError');
        assert.equal(err.method, 'services.get');
        assert.equal(err.issues.length, 1);
        assert.match(err.issues[0] ?? '', /^name: /);
        assert.match(err.message, /: name: /);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });

  describe('awaitOperation', () => {
    // Long enough that a test acts on an execution while it is still STARTING.
    let slow: Emulator;
    let slowClient: MetastoreClient;

    before(async () => {
      slow = await startEmulator({ operationDelayMs: 1500 });
      slowClient = clientFor(slow.url, 5000);
    });
    after(() => slow.close());

    async function startOnSlow(): Promise<{ service: string; operation: string; execution: string }> {
      const service = await seedSpannerService(slow);
      const op = await slowClient.startMigration(service, validStartRequest());
      const execution = op.metadata?.target ?? '';
      assert.equal((await slowClient.getMigrationExecution(execution)).state, 'STARTING');
      return { service, operation: op.name, execution };
    }

    it('throws MetastoreOperationError INTERNAL when the execution fails while starting', async () => {
      const { operation, execution } = await startOnSlow();
      await admin(slow, 'executions:fail', { name: execution });
      const err = await failure<MetastoreOperationError>(() =>
        slowClient.awaitOperation(operation, { pollIntervalMs: 10 }),
      );
      assert.ok(err instanceof MetastoreOperationError);
      assert.equal(err.name, 'MetastoreOperationError');
      assert.equal(err.status, 'INTERNAL');
      assert.equal(err.code, 13);
      assert.equal(err.operation, operation);
      assert.equal(err.target, execution);
    });

    it('throws MetastoreOperationError CANCELLED (code 1) when the migration is cancelled while starting', async () => {
      const { service, operation } = await startOnSlow();
      await slowClient.cancelMigration(service);
      const err = await failure<MetastoreOperationError>(() =>
        slowClient.awaitOperation(operation, { pollIntervalMs: 10 }),
      );
      assert.ok(err instanceof MetastoreOperationError);
      assert.equal(err.status, 'CANCELLED');
      assert.equal(err.code, 1);
    });

    it('rejects promptly with the abort reason when its signal is aborted between polls', async () => {
      const { operation } = await startOnSlow();
      const controller = new AbortController();
      const reason = new Error('activity cancelled');
      const began = Date.now();
      const err = await failure(() =>
        slowClient.awaitOperation(operation, {
          pollIntervalMs: 60_000,
          signal: controller.signal,
          onPoll: () => controller.abort(reason),
        }),
      );
      assert.equal(err, reason);
      assert.ok(Date.now() - began < 1000, 'did not wait out the poll interval');
    });

    it('passes an abort during a request through untouched instead of mapping it to an API error', async () => {
      const { operation } = await startOnSlow();
      await admin(slow, 'faults', { method: 'operations.get', delayResponseMs: 5000 });
      const controller = new AbortController();
      const pending = slowClient.awaitOperation(operation, { pollIntervalMs: 10, signal: controller.signal });
      // Abort once the server holds the request (the fault has fired), not after a guessed delay.
      await waitFor(
        'the delayed operations.get',
        async () => (await admin(slow, 'stats')).faults['operations.get'] === 1,
        {
          timeoutMs: 5000,
        },
      );
      const began = Date.now();
      controller.abort(new Error('activity cancelled'));
      const err = await failure(() => pending);
      assert.ok(!(err instanceof MetastoreApiError), 'a caller abort is not an API failure');
      assert.ok(Date.now() - began < 1000);
    });
  });
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

describe('emulator with --require-token', () => {
  it('sends METASTORE_EMULATOR_TOKEN as a bearer token; a wrong one is PERMISSION_DENIED, none UNAUTHENTICATED', async () => {
    const secured = await startEmulator({ requireToken: 'rehearsal-token' });
    try {
      const service = await seedSpannerService(secured);
      const clientWith = async (emulatorToken?: string) => {
        const target = await createMetastoreTarget({ emulatorHost: secured.host, emulatorToken });
        return new MetastoreClient({ baseUrl: target.baseUrl, authClient: target.authClient });
      };
      assert.equal((await (await clientWith('rehearsal-token')).getService(service)).name, service);
      for (const [token, status] of [
        ['wrong-token', 'PERMISSION_DENIED'],
        [undefined, 'UNAUTHENTICATED'],
      ] as const) {
        const err = await (await clientWith(token)).getService(service).then(
          () => assert.fail('expected an error'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof MetastoreApiError);
        assert.equal(err.status, status);
      }
    } finally {
      await secured.close();
    }
  });
});
