// startMigration with biglakeMetastoreMigrationConfig: Google's request rules (400 naming the field), the
// service's state, the target catalogs. Real HTTP against the emulator on loopback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Emulator,
  type Json,
  call,
  seedSpannerService,
  startEmulator,
  validStartRequest,
} from '../helpers/emulator';
import { createCatalog, outgoingRequest, startOutgoing } from '../helpers/outgoing';

const HIVE = 'projects/test-project/catalogs/start-hive';
const ICEBERG = 'projects/test-project/catalogs/start-iceberg';
const CONFIG = 'migrationExecution.biglakeMetastoreMigrationConfig';

function assertRefused(response: { status: number; body: Json }, httpStatus: number, status: string, message: RegExp) {
  assert.equal(response.status, httpStatus, JSON.stringify(response.body));
  assert.equal(response.body.error.status, status);
  assert.match(response.body.error.message, message);
}

describe('outgoing startMigration: request rules', () => {
  let emulator: Emulator;
  let service: string;
  const hive = { catalog: HIVE, databases: ['*'] };
  const iceberg = { catalog: ICEBERG, namespaces: ['*'] };

  before(async () => {
    // Starts never finish here (durations of an hour), so one service takes every refused request.
    emulator = await startEmulator({ operationDelayMs: 3_600_000 });
    await createCatalog(emulator, HIVE, 'HIVE');
    await createCatalog(emulator, ICEBERG, 'ICEBERG');
    service = await seedSpannerService(emulator);
  });
  after(() => emulator.close());

  const refusedCases: [string, Json, RegExp, string?][] = [
    ['mode missing', { mode: undefined, hiveConfig: hive }, new RegExp(`^${CONFIG}\\.mode: is required`)],
    ['mode UNSPECIFIED', { mode: 'MIGRATION_MODE_UNSPECIFIED', hiveConfig: hive }, /\.mode: is required/],
    ['mode unknown', { mode: 'SOMETIMES', hiveConfig: hive }, /\.mode: /],
    ['neither hiveConfig nor icebergConfig (R1)', {}, /at least one of hiveConfig and icebergConfig is required/],
    [
      'a catalog with a location (R4)',
      { hiveConfig: { catalog: 'projects/p/locations/us/catalogs/c', databases: ['*'] } },
      /hiveConfig\.catalog: must be projects\/\{project_id_or_number\}\/catalogs\/\{catalog_id\}/,
    ],
    ['databases missing', { hiveConfig: { catalog: HIVE } }, /hiveConfig\.databases: /],
    ['databases empty', { hiveConfig: { catalog: HIVE, databases: [] } }, /hiveConfig\.databases: is required/],
    ['namespaces missing', { icebergConfig: { catalog: ICEBERG } }, /icebergConfig\.namespaces: /],
    [
      'backfillStatus sent',
      { hiveConfig: hive, backfillStatus: { state: 'SUCCEEDED' } },
      /backfillStatus: is output only/,
    ],
    ['an unknown field', { hiveConfig: hive, cdcConfig: {} }, /cdcConfig/],
    ['reportPath not gs://', { hiveConfig: hive, reportPath: '/tmp/reports' }, /reportPath: must be a Cloud Storage/],
    [
      'INCREMENTAL_SYNC on v1',
      { mode: 'INCREMENTAL_SYNC', icebergConfig: iceberg },
      /INCREMENTAL_SYNC is not available in v1/,
    ],
    [
      'INCREMENTAL_SYNC with hiveConfig',
      { mode: 'INCREMENTAL_SYNC', icebergConfig: iceberg, hiveConfig: hive },
      /INCREMENTAL_SYNC migrates Iceberg tables only/,
      'v1beta',
    ],
    [
      'INCREMENTAL_SYNC without icebergConfig',
      { mode: 'INCREMENTAL_SYNC', hiveConfig: hive },
      /INCREMENTAL_SYNC migrates Iceberg tables only/,
      'v1alpha',
    ],
  ];
  for (const [what, config, message, version] of refusedCases) {
    it(`refuses ${what} with 400 INVALID_ARGUMENT naming the field`, async () => {
      const response = await startOutgoing(emulator, service, config, { version: version ?? 'v1' });
      assertRefused(response, 400, 'INVALID_ARGUMENT', message);
    });
  }

  it('refuses a bad migrationExecutionId (R3) and both config members at once', async () => {
    const badId = await startOutgoing(
      emulator,
      service,
      { hiveConfig: hive },
      { extra: { migrationExecutionId: '1abc' } },
    );
    assertRefused(badId, 400, 'INVALID_ARGUMENT', /^migrationExecutionId: must be 2-63 characters/);
    const both = validStartRequest() as Json;
    both.migrationExecution.biglakeMetastoreMigrationConfig = { mode: 'BACKFILL', hiveConfig: hive };
    const twice = await call(emulator, 'POST', `/v1/${service}:startMigration`, both);
    assertRefused(twice, 400, 'INVALID_ARGUMENT', /exactly one migration config must be set/);
  });

  it('refuses a missing target catalog with 404 and one of the wrong type with 400, naming the field', async () => {
    const missing = await startOutgoing(emulator, service, {
      hiveConfig: { catalog: 'projects/test-project/catalogs/nowhere', databases: ['*'] },
    });
    assertRefused(
      missing,
      404,
      'NOT_FOUND',
      /hiveConfig\.catalog: Catalog "projects\/test-project\/catalogs\/nowhere"/,
    );
    const wrongType = await startOutgoing(emulator, service, { icebergConfig: { catalog: HIVE, namespaces: ['*'] } });
    assertRefused(wrongType, 400, 'INVALID_ARGUMENT', /icebergConfig\.catalog: .* is a HIVE catalog/);
    // Nothing was started by any refused request.
    assert.equal((await call(emulator, 'GET', `/v1/${service}`)).body.state, 'ACTIVE');
  });

  it('accepts INCREMENTAL_SYNC on v1beta, then refuses a second start while one is in flight', async () => {
    const own = await seedSpannerService(emulator);
    const started = await startOutgoing(
      emulator,
      own,
      { mode: 'INCREMENTAL_SYNC', icebergConfig: iceberg },
      { version: 'v1beta', extra: { migrationExecutionId: 'sync-1' } },
    );
    assert.equal(started.status, 200, started.text);
    assert.equal(started.body.metadata['@type'], 'type.googleapis.com/google.cloud.metastore.v1beta.OperationMetadata');
    const execution = (await call(emulator, 'GET', `/v1beta/${own}/migrationExecutions/sync-1`)).body;
    assert.equal(execution.state, 'STARTING');
    assert.equal(execution.phase, undefined, 'phase belongs to the incoming kind');
    assert.deepEqual(execution.biglakeMetastoreMigrationConfig, {
      mode: 'INCREMENTAL_SYNC',
      icebergConfig: iceberg,
      backfillStatus: { state: 'PENDING' },
    });
    assert.equal((await call(emulator, 'GET', `/v1/${own}`)).body.state, 'MIGRATING');
    const again = await startOutgoing(emulator, own, { hiveConfig: hive });
    assertRefused(again, 400, 'FAILED_PRECONDITION', /already in progress/);
  });

  it('needs an ACTIVE service', async () => {
    const suspended = await seedSpannerService(emulator, { state: 'SUSPENDED' });
    const response = await startOutgoing(emulator, suspended, { hiveConfig: hive });
    assertRefused(response, 400, 'FAILED_PRECONDITION', /SUSPENDED; a migration can only start on an ACTIVE service/);
  });

  it('returns the original operation for a repeated requestId', async () => {
    const own = await seedSpannerService(emulator);
    const requestId = '3f1c1a8e-9b0f-4a52-8d1e-6c2b7a9e0f11';
    const body = outgoingRequest({ hiveConfig: hive }, { requestId });
    const first = await call(emulator, 'POST', `/v1/${own}:startMigration`, body);
    const second = await call(emulator, 'POST', `/v1/${own}:startMigration`, body);
    assert.equal(first.status, 200);
    assert.equal(second.body.name, first.body.name);
    assert.equal((await call(emulator, 'GET', `/v1/${own}/migrationExecutions`)).body.migrationExecutions.length, 1);
  });
});
