// The contract suite: every REST method once over HTTP, with its response parsed by the project's contract
// schemas and the fields the reference lists checked; every error status, produced and injected; validation.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  API_VERSIONS,
  ApiErrorBodySchema,
  ListMigrationExecutionsResponseSchema,
  ListOperationsResponseSchema,
  ListServicesResponseSchema,
  MigrationExecutionSchema,
  OperationSchema,
  RPC_CODES,
  ServiceSchema,
} from '../../src/schemas';
import { METHOD_IDS } from '../../src/emulator/routes';
import {
  type Emulator,
  type Json,
  admin,
  call,
  seedSpannerService,
  startEmulator,
  startMigration,
  validStartRequest,
  waitForOperation,
} from '../helpers/emulator';

const SERVICE_FIELDS = ['name', 'uid', 'createTime', 'updateTime', 'state', 'databaseType', 'tier', 'releaseChannel'];
const MORE_SERVICE_FIELDS = ['hiveMetastoreConfig', 'endpointUri', 'port', 'artifactGcsUri', 'scheduledBackup'];
const METADATA_FIELDS = [
  '@type',
  'createTime',
  'target',
  'verb',
  'statusMessage',
  'requestedCancellation',
  'apiVersion',
];

function hasFields(value: Json, fields: string[], what: string): void {
  for (const field of fields) assert.notEqual(value[field], undefined, `${what}.${field}`);
}

/** An Operation as the contract says: schema, metadata fields, endTime and exactly one outcome once done. */
function checkOperation(body: Json): Json {
  OperationSchema.parse(body);
  hasFields(body.metadata, METADATA_FIELDS, 'Operation.metadata');
  assert.equal(body.metadata.endTime !== undefined, body.done, 'endTime exactly when done');
  return body;
}

function checkError(response: { status: number; body: Json }, httpStatus: number, status: string): void {
  assert.equal(response.status, httpStatus, JSON.stringify(response.body));
  ApiErrorBodySchema.parse(response.body);
  assert.deepEqual([response.body.error.code, response.body.error.status], [httpStatus, status]);
  assert.equal(response.body.error.details[0]['@type'], 'type.googleapis.com/google.rpc.ErrorInfo');
}

describe('contract: every method over HTTP', () => {
  let emulator: Emulator;
  const covered = new Set<string>();
  async function api(method: (typeof METHOD_IDS)[number], verb: string, path: string, body?: unknown) {
    const response = await call(emulator, verb, path, body);
    assert.equal(response.status, 200, `${method}: ${response.text}`);
    covered.add(method);
    return response.body;
  }

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 20 });
  });
  after(() => emulator.close());

  it('serves all 17 methods (16 of the Metastore API, plus Secret Manager access) with contract-shaped responses carrying the listed fields', async () => {
    const parent = 'projects/contract/locations/us-central1';
    const created = checkOperation(
      await api('services.create', 'POST', `/v1/${parent}/services?serviceId=svc`, { databaseType: 'SPANNER' }),
    );
    await waitForOperation(emulator, created.name);
    const service = `${parent}/services/svc`;
    const got = ServiceSchema.parse(await api('services.get', 'GET', `/v1/${service}`));
    hasFields(got, [...SERVICE_FIELDS, ...MORE_SERVICE_FIELDS.filter((f) => f !== 'scheduledBackup')], 'Service');
    const listed = ListServicesResponseSchema.parse(await api('services.list', 'GET', `/v1/${parent}/services`));
    assert.equal(listed.services?.length, 1);
    const patch = checkOperation(
      await api('services.patch', 'PATCH', `/v1/${service}?updateMask=labels&requestId=${randomUUID()}`, {
        labels: { env: 'rehearsal' },
      }),
    );
    assert.equal((await waitForOperation(emulator, patch.name)).response.labels.env, 'rehearsal');
    const iam = await api('services.testIamPermissions', 'POST', `/v1/${service}:testIamPermissions`, {
      permissions: ['metastore.migrations.start'],
    });
    assert.deepEqual(iam.permissions, ['metastore.migrations.start']);

    const start = checkOperation(
      await api('services.startMigration', 'POST', `/v1/${service}:startMigration`, validStartRequest()),
    );
    const execution = start.metadata.target;
    const running = await waitForOperation(emulator, start.name);
    hasFields(MigrationExecutionSchema.parse(running.response), ['name', 'createTime', 'state', 'phase'], 'Execution');
    const complete = checkOperation(
      await api('services.completeMigration', 'POST', `/v1/${service}:completeMigration`, {}),
    );
    assert.equal((await waitForOperation(emulator, complete.name)).response.migrationExecution, execution);
    const ended = MigrationExecutionSchema.parse(
      await api('services.migrationExecutions.get', 'GET', `/v1/${execution}`),
    );
    hasFields(ended, ['endTime', 'cloudSqlMigrationConfig'], 'Execution');
    assert.equal(ended.state, 'SUCCEEDED');

    const second = await waitForOperation(emulator, (await startMigration(emulator, service)).body.name);
    const cancel = checkOperation(await api('services.cancelMigration', 'POST', `/v1/${service}:cancelMigration`, {}));
    await waitForOperation(emulator, cancel.name);
    const list = ListMigrationExecutionsResponseSchema.parse(
      await api(
        'services.migrationExecutions.list',
        'GET',
        `/v1/${service}/migrationExecutions?orderBy=createTime%20desc&pageSize=1`,
      ),
    );
    assert.equal(list.migrationExecutions?.[0]?.name, second.response.name);
    assert.ok(list.nextPageToken);
    const removed = checkOperation(
      await api('services.migrationExecutions.delete', 'DELETE', `/v1/${execution}?requestId=${randomUUID()}`),
    );
    await waitForOperation(emulator, removed.name);

    const ops = ListOperationsResponseSchema.parse(await api('operations.list', 'GET', `/v1/${parent}/operations`));
    for (const op of ops.operations ?? []) checkOperation(op);
    checkOperation(await api('operations.get', 'GET', `/v1/${created.name}`));
    const slow = await call(emulator, 'PATCH', `/v1/${service}?updateMask=labels`, { labels: {} });
    assert.deepEqual(await api('operations.cancel', 'POST', `/v1/${slow.body.name}:cancel`, {}), {});
    assert.deepEqual(await api('operations.delete', 'DELETE', `/v1/${slow.body.name}`), {});
    const deleted = checkOperation(await api('services.delete', 'DELETE', `/v1/${service}`));
    await waitForOperation(emulator, deleted.name);
    const secret = 'projects/contract/secrets/s';
    await admin(emulator, 'secrets', { secret, value: 'v' });
    const version = await api('secretmanager.versions.access', 'GET', `/v1/${secret}/versions/latest:access`);
    assert.equal(version.name, `${secret}/versions/1`);
    assert.deepEqual([...covered].sort(), [...METHOD_IDS].sort());
  });

  it('takes the API version as a route parameter: v1, v1beta and v1alpha, and nothing else', async () => {
    for (const version of API_VERSIONS) {
      const service = await seedSpannerService(emulator);
      assert.equal((await call(emulator, 'GET', `/${version}/${service}`)).status, 200);
      const started = checkOperation((await startMigration(emulator, service, validStartRequest(), version)).body);
      assert.equal(started.metadata.apiVersion, version);
      assert.equal(
        started.metadata['@type'],
        `type.googleapis.com/google.cloud.metastore.${version}.OperationMetadata`,
      );
    }
    const service = await seedSpannerService(emulator);
    checkError(await call(emulator, 'GET', `/v2/${service}`), 404, 'NOT_FOUND');
  });
});

describe('contract: error statuses', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 20, requireToken: 'good' });
  });
  after(() => emulator.close());
  const auth = { authorization: 'Bearer good' };

  it('produces NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED', async () => {
    const service = await seedSpannerService(emulator);
    const get = (path: string, headers: Record<string, string> = auth) =>
      call(emulator, 'GET', `/v1/${path}`, undefined, headers);
    checkError(await get(`${service}x`), 404, 'NOT_FOUND');
    checkError(await get(`${service}/migrationExecutions?pageSize=-1`), 400, 'INVALID_ARGUMENT');
    checkError(await call(emulator, 'POST', `/v1/${service}:completeMigration`, {}, auth), 400, 'FAILED_PRECONDITION');
    const body = validStartRequest({ migrationExecutionId: 'once' });
    assert.equal((await call(emulator, 'POST', `/v1/${service}:startMigration`, body, auth)).status, 200);
    checkError(await call(emulator, 'POST', `/v1/${service}:startMigration`, body, auth), 409, 'ALREADY_EXISTS');
    checkError(await get(service, {}), 401, 'UNAUTHENTICATED');
    checkError(await get(service, { authorization: 'Bearer bad' }), 403, 'PERMISSION_DENIED');
  });

  it('injects every google.rpc status with its HTTP code and counts each by kind', async () => {
    const service = await seedSpannerService(emulator);
    const statuses = Object.entries(RPC_CODES).filter(([name]) => name !== 'OK');
    for (const [status, { http }] of statuses) {
      await admin(emulator, 'faults', { method: 'services.get', error: { status } });
      checkError(await call(emulator, 'GET', `/v1/${service}`, undefined, auth), http, status);
    }
    const stats = await admin(emulator, 'stats');
    for (const [status] of statuses) assert.equal(stats.faultsByKind[status], 1, status);
  });
});

describe('contract: input validation names the field', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  type Edit = (config: Json) => void;
  const CASES: [string, Edit, string][] = [
    ['a /30 range', (c) => (c.cdcConfig.subnetIpRange = '10.0.0.0/30'), 'cdcConfig.subnetIpRange'],
    ['a range that is no CIDR', (c) => (c.cdcConfig.subnetIpRange = '10.0.0.300/29'), 'cdcConfig.subnetIpRange'],
    ['port 0', (c) => (c.cloudSqlConnectionConfig.port = 0), 'cloudSqlConnectionConfig.port'],
    ['port 65536', (c) => (c.cloudSqlConnectionConfig.port = 65536), 'cloudSqlConnectionConfig.port'],
    ['a missing username', (c) => delete c.cdcConfig.username, 'cdcConfig.username'],
    ['a missing natSubnet', (c) => delete c.cloudSqlConnectionConfig.natSubnet, 'cloudSqlConnectionConfig.natSubnet'],
    ['a bad vpcNetwork', (c) => (c.cdcConfig.vpcNetwork = 'default'), 'cdcConfig.vpcNetwork'],
    [
      'an instanceConnectionName in neither spelling',
      (c) => (c.cloudSqlConnectionConfig.instanceConnectionName = 'hive-mysql'),
      'cloudSqlConnectionConfig.instanceConnectionName',
    ],
  ];

  for (const [what, edit, field] of CASES) {
    it(`refuses ${what}`, async () => {
      const service = await seedSpannerService(emulator);
      const body: Json = validStartRequest();
      edit(body.migrationExecution.cloudSqlMigrationConfig);
      const response = await startMigration(emulator, service, body);
      checkError(response, 400, 'INVALID_ARGUMENT');
      const violation = response.body.error.details[1].fieldViolations[0];
      assert.equal(violation.field, `migrationExecution.cloudSqlMigrationConfig.${field}`);
    });
  }

  it('accepts instanceConnectionName in both spellings', async () => {
    for (const spelling of ['demo-project:us-central1:hive-mysql', 'demo-project/us-central1/hive-mysql']) {
      const service = await seedSpannerService(emulator);
      const body: Json = validStartRequest();
      body.migrationExecution.cloudSqlMigrationConfig.cloudSqlConnectionConfig.instanceConnectionName = spelling;
      assert.equal((await startMigration(emulator, service, body)).status, 200, spelling);
    }
  });

  it('refuses bad ids and request ids on every method that takes them', async () => {
    const service = await seedSpannerService(emulator);
    const parent = service.split('/').slice(0, 4).join('/');
    for (const [verb, path, body, field] of [
      [
        'POST',
        `/v1/${service}:startMigration`,
        validStartRequest({ migrationExecutionId: '9lives' }),
        'migrationExecutionId',
      ],
      ['POST', `/v1/${service}:startMigration`, validStartRequest({ requestId: 'not-a-uuid' }), 'requestId'],
      ['PATCH', `/v1/${service}?updateMask=labels&requestId=00000000-0000-0000-0000-000000000000`, {}, 'requestId'],
      ['DELETE', `/v1/${service}/migrationExecutions/x?requestId=x`, undefined, 'requestId'],
      ['POST', `/v1/${parent}/services?serviceId=-bad`, {}, 'serviceId'],
    ] as const) {
      const response = await call(emulator, verb, path, body);
      checkError(response, 400, 'INVALID_ARGUMENT');
      assert.ok(response.body.error.message.includes(field), `${verb} ${path}: ${response.body.error.message}`);
    }
  });
});
