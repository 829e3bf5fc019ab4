// Reading a newer API revision than this client knows (AIP-126, AIP-180): enum values and fields added later
// are kept or ignored, never a failed read. Over HTTP against the emulator's newer-API overlay (for values no
// revision has published yet), against the emulator's outgoing kind (PROXY, ROLLED_BACK, the BigLake config:
// published in 2026 and played for real), and on the schemas alone for what the overlay cannot say (an enum as
// its proto ordinal).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PassThroughClient } from 'google-auth-library';
import { MetastoreClient } from '../../src/metastore/client';
import {
  EXECUTION_STATES,
  MigrationExecutionSchema,
  SERVICE_STATES,
  ServiceSchema,
  isKnownValue,
} from '../../src/schemas';
import {
  type Emulator,
  admin,
  call,
  seedSpannerService,
  startEmulator,
  startMigration,
  waitForOperation,
  waitForState,
} from '../helpers/emulator';
import { createCatalog, icebergTable, seedMetastore, startOutgoing } from '../helpers/outgoing';

describe('reading a newer API revision', () => {
  let emulator: Emulator;
  let client: MetastoreClient;

  before(async () => {
    emulator = await startEmulator({ operationDelayMs: 20 });
    client = new MetastoreClient({ baseUrl: emulator.url, authClient: new PassThroughClient() });
  });
  after(() => emulator.close());

  it('reads a service whose state, tier and fields this client has never seen, and the same service after', async () => {
    const name = await seedSpannerService(emulator);
    await admin(emulator, 'newer-api', {
      name,
      fields: {
        state: 'LAKEHOUSE_FEDERATED',
        tier: 'ENTERPRISE_PLUS',
        databaseType: 'LAKEHOUSE',
        lakehouseCatalog: { catalog: 'projects/p/catalogs/c', mode: 'FEDERATED' },
      },
    });
    const service = await client.getService(name);
    assert.equal(service.state, 'LAKEHOUSE_FEDERATED');
    assert.equal(isKnownValue(SERVICE_STATES, service.state), false, 'typed apart from the known states');
    assert.equal(service.tier, 'ENTERPRISE_PLUS');
    assert.ok(!('lakehouseCatalog' in service), 'an unknown field is dropped, not an error');
    const listed = await client.listServices(name.split('/services/')[0]!);
    assert.equal(listed.services?.find((s) => s.name === name)?.state, 'LAKEHOUSE_FEDERATED');

    await admin(emulator, 'newer-api', { name, fields: {} });
    assert.equal((await client.getService(name)).state, 'ACTIVE', 'without the overlay the real state shows');
  });

  it('reads a PROXY service and a ROLLED_BACK execution of the outgoing kind (no phase, a BigLake config)', async () => {
    const service = await seedSpannerService(emulator);
    const catalog = 'projects/test-project/catalogs/newer-api';
    await createCatalog(emulator, catalog, 'ICEBERG');
    await seedMetastore(emulator, service, { web: { clicks: icebergTable('gs://wh/web/clicks') } });
    const config = { conflictPolicy: 'SKIP', icebergConfig: { catalog, namespaces: ['*'] } };
    const started = await startOutgoing(emulator, service, config, { extra: { migrationExecutionId: 'lake-1' } });
    assert.equal(started.status, 200, started.text);
    const name = `${service}/migrationExecutions/lake-1`;
    await waitForState(emulator, name, 'SUCCEEDED');
    assert.equal((await client.getService(service)).state, 'PROXY');
    assert.ok(isKnownValue(SERVICE_STATES, 'PROXY'), 'PROXY is published (2026) and known');

    const rollback = await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    await waitForOperation(emulator, rollback.body.name);
    const rolledBack = await client.getMigrationExecution(name);
    assert.equal(rolledBack.state, 'ROLLED_BACK');
    assert.equal(rolledBack.phase, undefined);
    assert.equal(rolledBack.cloudSqlMigrationConfig, undefined);
    const biglake = rolledBack.biglakeMetastoreMigrationConfig as Record<string, unknown>;
    assert.equal(biglake.mode, 'BACKFILL');
    assert.deepEqual(biglake.icebergConfig, config.icebergConfig);
    assert.equal((biglake.backfillStatus as { state: string }).state, 'SUCCEEDED');
    assert.equal((await client.getService(service)).state, 'ACTIVE');
  });

  it('reads executions in a state and phase no revision has published yet', async () => {
    const service = await seedSpannerService(emulator);
    const started = await startMigration(emulator, service);
    assert.equal(started.status, 200);
    const [execution] = await client.listAllMigrationExecutions(service);
    const name = execution!.name;
    await admin(emulator, 'newer-api', { name, fields: { state: 'BACKFILLING', phase: 'LAKEHOUSE_SYNC' } });
    const [listed] = await client.listAllMigrationExecutions(service);
    assert.equal(listed?.state, 'BACKFILLING');
    assert.equal(listed?.phase, 'LAKEHOUSE_SYNC');
    assert.equal(isKnownValue(EXECUTION_STATES, listed?.state), false);
    assert.deepEqual(
      (await admin<{ newerApi: { name: string }[] }>(emulator, 'newer-api')).newerApi.map((o) => o.name),
      [name],
    );
  });

  it('keeps an enum sent as its proto ordinal as digits, unknown, rather than failing the read', () => {
    const service = ServiceSchema.parse({ name: 'projects/p/locations/l/services/s', state: 11, futureField: [1] });
    assert.equal(service.state, '11');
    assert.equal(isKnownValue(SERVICE_STATES, service.state), false);
    const execution = MigrationExecutionSchema.parse({
      name: 'projects/p/locations/l/services/s/migrationExecutions/m',
      state: 'RUNNING',
      phase: 'REPLICATION',
      somethingNew: { nested: true },
    });
    assert.equal(execution.state, 'RUNNING');
    assert.ok(isKnownValue(EXECUTION_STATES, execution.state));
  });
});
