// Every Service.State and MigrationExecution.State value can be served, through the API or the admin API
// (docs/emulator.md's table lists how). Only MigrationExecution STATE_UNSPECIFIED is never served: it is the
// proto default, which a server does not return for a real execution.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXECUTION_STATES, SERVICE_STATES } from '../../src/schemas';

import { createCatalog, icebergTable, seedMetastore, startOutgoing } from '../helpers/outgoing';
import {
  type Emulator,
  admin,
  call,
  getResource,
  seedSpannerService,
  startEmulator,
  startMigration,
  waitForOperation,
  waitForState,
} from '../helpers/emulator';

const SLOW = 60_000;
/** Values only the outgoing kind (DPMS to Lakehouse) reaches: the last test below. */
const OUTGOING_ONLY: readonly string[] = ['PROXY', 'ROLLED_BACK'];

describe('enum values reachable', () => {
  let emulator: Emulator;
  const seen = { service: new Set<string>(), execution: new Set<string>() };
  const observe = async (kind: keyof typeof seen, name: string) => {
    const state = (await getResource(emulator, name)).state as string;
    seen[kind].add(state);
    return state;
  };

  before(async () => {
    emulator = await startEmulator({
      operationDelayMs: 20,
      durations: {
        'services.create': SLOW,
        'services.patch': SLOW,
        'services.delete': SLOW,
        'services.cancelMigration': SLOW,
        'services.migrationExecutions.delete': SLOW,
      },
    });
  });
  after(() => emulator.close());

  it('serves every Service.State', async () => {
    const parent = 'projects/enum-project/locations/us-central1';
    await call(emulator, 'POST', `/v1/${parent}/services?serviceId=creating`, {});
    assert.equal(await observe('service', `${parent}/services/creating`), 'CREATING');
    const service = await seedSpannerService(emulator);
    assert.equal(await observe('service', service), 'ACTIVE');
    await call(emulator, 'PATCH', `/v1/${service}?updateMask=labels`, { labels: {} });
    assert.equal(await observe('service', service), 'UPDATING');
    const deleting = await seedSpannerService(emulator);
    await call(emulator, 'DELETE', `/v1/${deleting}`);
    assert.equal(await observe('service', deleting), 'DELETING');
    const migrating = await seedSpannerService(emulator);
    await startMigration(emulator, migrating);
    assert.equal(await observe('service', migrating), 'MIGRATING');
    const other = await seedSpannerService(emulator);
    await admin(emulator, 'services:error', { name: other, stateMessage: 'outage' });
    assert.equal(await observe('service', other), 'ERROR');
    for (const state of ['SUSPENDING', 'SUSPENDED', 'AUTOSCALING', 'STATE_UNSPECIFIED']) {
      await admin(emulator, 'services:setState', { name: other, state });
      assert.equal(await observe('service', other), state);
    }
    assert.deepEqual([...seen.service].sort(), SERVICE_STATES.filter((state) => !OUTGOING_ONLY.includes(state)).sort());
  });

  it('serves every MigrationExecution.State of an incoming migration but STATE_UNSPECIFIED', async () => {
    const service = await seedSpannerService(emulator);
    await admin(emulator, 'durations', { replication: SLOW });
    const started = await startMigration(emulator, service);
    const first = started.body.metadata.target;
    assert.equal(await observe('execution', first), 'STARTING');
    await admin(emulator, 'durations', { replication: 20 });
    await admin(emulator, 'executions:fail', { name: first });
    assert.equal(await observe('execution', first), 'FAILED');

    const second = (await waitForOperation(emulator, (await startMigration(emulator, service)).body.name)).response
      .name;
    assert.equal(await observe('execution', second), 'RUNNING');
    await admin(emulator, 'executions:awaitUserAction', { name: second });
    assert.equal(await observe('execution', second), 'AWAITING_USER_ACTION');
    await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {});
    assert.equal(await observe('execution', second), 'CANCELLING');
    await admin(emulator, 'durations', { 'services.cancelMigration': 20 });

    const third = await seedSpannerService(emulator);
    const run = (await waitForOperation(emulator, (await startMigration(emulator, third)).body.name)).response.name;
    await call(emulator, 'POST', `/v1/${third}:cancelMigration`, {});
    await waitForState(emulator, run, 'CANCELLED');
    assert.equal(await observe('execution', run), 'CANCELLED');
    const fourth = await seedSpannerService(emulator);
    const done = (await waitForOperation(emulator, (await startMigration(emulator, fourth)).body.name)).response.name;
    await waitForOperation(emulator, (await call(emulator, 'POST', `/v1/${fourth}:completeMigration`, {})).body.name);
    assert.equal(await observe('execution', done), 'SUCCEEDED');
    await call(emulator, 'DELETE', `/v1/${done}`);
    assert.equal(await observe('execution', done), 'DELETING');

    const expected = EXECUTION_STATES.filter(
      (state) => state !== 'STATE_UNSPECIFIED' && !OUTGOING_ONLY.includes(state),
    );
    assert.deepEqual([...seen.execution].sort(), [...expected].sort());
  });

  it('serves PROXY and ROLLED_BACK through the outgoing kind: every value of both enums is then served', async () => {
    await admin(emulator, 'durations', { 'services.cancelMigration': 20 });
    const catalog = 'projects/enum-project/catalogs/lake';
    await createCatalog(emulator, catalog, 'ICEBERG');
    const service = await seedSpannerService(emulator);
    await seedMetastore(emulator, service, { web: { clicks: icebergTable('gs://wh/web/clicks') } });
    const started = await startOutgoing(emulator, service, { icebergConfig: { catalog, namespaces: ['*'] } });
    await waitForState(emulator, started.body.metadata.target, 'SUCCEEDED');
    assert.equal(await observe('service', service), 'PROXY');
    await waitForOperation(emulator, (await call(emulator, 'POST', `/v1/${service}:cancelMigration`, {})).body.name);
    assert.equal(await observe('execution', started.body.metadata.target), 'ROLLED_BACK');
    assert.deepEqual([...seen.service].sort(), [...SERVICE_STATES].sort());
    assert.deepEqual([...seen.execution].sort(), EXECUTION_STATES.filter((s) => s !== 'STATE_UNSPECIFIED').sort());
  });
});
