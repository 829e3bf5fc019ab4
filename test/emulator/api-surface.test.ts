import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CDC_PASSWORD,
  CONNECTION_PASSWORD,
  DEMO_SERVICE_NAME,
  type Emulator,
  call,
  demoService,
  seedSpannerService,
  startEmulator,
  startMigration,
  validStartRequest,
  waitForOperation,
} from '../helpers/emulator';

describe('routing and error bodies', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ services: [demoService()] });
  });
  after(() => emulator.close());

  it('serves the seeded demo service', async () => {
    const response = await call(emulator, 'GET', `/v1/${DEMO_SERVICE_NAME}`);
    assert.equal(response.status, 200);
    assert.equal(response.body.state, 'ACTIVE');
    assert.equal(response.body.databaseType, 'SPANNER');
    assert.equal(response.body.hiveMetastoreConfig.version, '3.1.2');
    assert.deepEqual(response.body.scheduledBackup, demoService().scheduledBackup);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  });

  it('answers unknown paths, versions and verbs with 404 NOT_FOUND in the google.rpc shape', async () => {
    for (const [method, path] of [
      ['GET', '/v2/projects/p/locations/l/services/s'],
      ['GET', '/v1/projects/p/locations/l/widgets/w'],
      ['GET', '/'],
      ['PUT', `/v1/${DEMO_SERVICE_NAME}`],
      ['GET', `/v1/${DEMO_SERVICE_NAME}:startMigration`],
      ['POST', `/v1/${DEMO_SERVICE_NAME}:explode`],
    ] as const) {
      const response = await call(emulator, method, path);
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.deepEqual(Object.keys(response.body.error).sort(), ['code', 'details', 'message', 'status']);
      assert.equal(response.body.error.code, 404);
      assert.equal(response.body.error.status, 'NOT_FOUND');
      assert.equal(response.body.error.details[0].domain, 'metastore.googleapis.com');
    }
  });

  it('answers a missing resource with 404 NOT_FOUND', async () => {
    const response = await call(emulator, 'GET', '/v1/projects/demo-project/locations/us-central1/services/missing');
    assert.equal(response.status, 404);
    assert.equal(response.body.error.status, 'NOT_FOUND');
    assert.match(response.body.error.message, /services\/missing/);
  });

  it('accepts the verb colon percent-encoded as %3A', async () => {
    const service = await seedSpannerService(emulator);
    const response = await startMigration(emulator, service);
    assert.equal(response.status, 200);
    const encoded = await call(emulator, 'POST', `/v1/${service}%3AcancelMigration`, {});
    assert.equal(encoded.status, 200, encoded.text);
  });

  it('refuses unknown query parameters but takes system parameters and any Authorization', async () => {
    const unknown = await call(emulator, 'GET', `/v1/${DEMO_SERVICE_NAME}?view=FULL`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.status, 'INVALID_ARGUMENT');
    const compact = await fetch(`${emulator.url}/v1/${DEMO_SERVICE_NAME}?prettyPrint=false&alt=json`, {
      headers: { authorization: 'Bearer anything' },
    });
    assert.equal(compact.status, 200);
    assert.ok(!(await compact.text()).includes('\n'));
  });

  it('answers an invalid JSON body with 400 INVALID_ARGUMENT', async () => {
    const response = await fetch(`${emulator.url}/v1/${DEMO_SERVICE_NAME}?updateMask=labels`, {
      method: 'PATCH',
      body: '{"labels": ',
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: { status: string } }).error.status, 'INVALID_ARGUMENT');
  });
});

describe('operations', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  it('names operations operation-<epochms>-<hex> under the location, with full metadata', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    const location = service.split('/').slice(0, 4).join('/');
    assert.match(started.body.name, new RegExp(`^${location}/operations/operation-\\d{13}-[0-9a-f]+$`));
    const metadata = started.body.metadata;
    assert.equal(metadata.verb, 'start migration');
    assert.equal(metadata.requestedCancellation, false);
    assert.equal(metadata.apiVersion, 'v1');
    assert.match(metadata.target, new RegExp(`^${service}/migrationExecutions/[^/]+$`));
    assert.match(metadata.createTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.equal(metadata.endTime, undefined);
    const done = await waitForOperation(emulator, started.body.name);
    assert.match(done.metadata.endTime, /Z$/);
    assert.ok('response' in done && !('error' in done));
  });

  it('lists the operations of a location with paging and answers 404 for an unknown one', async () => {
    const service = await seedSpannerService(emulator, {}, 'ops-project');
    const started = await startMigration(emulator, service);
    await waitForOperation(emulator, started.body.name);
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    const location = 'projects/ops-project/locations/us-central1';
    const first = await call(emulator, 'GET', `/v1/${location}/operations?pageSize=1`);
    assert.equal(first.body.operations.length, 1);
    assert.equal(first.body.operations[0].name, started.body.name);
    const second = await call(
      emulator,
      'GET',
      `/v1/${location}/operations?pageSize=1&pageToken=${first.body.nextPageToken}`,
    );
    assert.equal(second.body.operations[0].name, cancel.body.name);
    assert.equal(second.body.nextPageToken, undefined);
    const missing = await call(emulator, 'GET', `/v1/${location}/operations/operation-1-abc`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.status, 'NOT_FOUND');
  });

  it('serves v1beta and v1alpha with the version in every @type', async () => {
    for (const version of ['v1beta', 'v1alpha']) {
      const service = await seedSpannerService(emulator);
      const started = await startMigration(emulator, service, validStartRequest(), version);
      assert.equal(started.status, 200, started.text);
      const prefix = `type.googleapis.com/google.cloud.metastore.${version}`;
      assert.equal(started.body.metadata['@type'], `${prefix}.OperationMetadata`);
      assert.equal(started.body.metadata.apiVersion, version);
      const op = await waitForOperation(emulator, started.body.name, { version });
      assert.equal(op.response['@type'], `${prefix}.MigrationExecution`);
      const complete = await call(emulator, 'POST', `/${version}/${service}:completeMigration`, {});
      const completed = await waitForOperation(emulator, complete.body.name, { version });
      assert.equal(completed.response['@type'], `${prefix}.CompleteMigrationResponse`);
      const execution = await call(emulator, 'GET', `/${version}/${service}/migrationExecutions`);
      assert.equal(execution.body.migrationExecutions[0].state, 'SUCCEEDED');
    }
  });
});

describe('passwords', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  it('never appear in any response: operations, executions, lists, services', async () => {
    const service = await seedSpannerService(emulator, {}, 'secret-project');
    const started = await startMigration(emulator, service, validStartRequest({ migrationExecutionId: 'secret-run' }));
    const texts = [started.text];
    const op = await waitForOperation(emulator, started.body.name);
    const execution = `${service}/migrationExecutions/secret-run`;
    for (const path of [
      started.body.name,
      execution,
      `${service}/migrationExecutions`,
      `${service}/migrationExecutions?filter=state%3DRUNNING`,
      'projects/secret-project/locations/us-central1/operations',
      service,
    ]) {
      texts.push((await call(emulator, 'GET', `/v1/${path}`)).text);
    }
    texts.push((await startMigration(emulator, service, validStartRequest())).text);
    const cancel = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    texts.push(cancel.text, JSON.stringify(await waitForOperation(emulator, cancel.body.name)));
    for (const text of texts) {
      assert.ok(!text.includes(CONNECTION_PASSWORD), text);
      assert.ok(!text.includes(CDC_PASSWORD), text);
      assert.ok(!text.includes('"password"'), text);
    }
    // The rest of the configuration is kept.
    assert.equal(op.response.cloudSqlMigrationConfig.cloudSqlConnectionConfig.username, 'hive');
    assert.equal(op.response.cloudSqlMigrationConfig.cdcConfig.subnetIpRange, '10.0.0.0/29');
  });
});
