import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadScenarioFile } from '../../src/emulator/scenario';
import {
  admin,
  call,
  getResource,
  startEmulator,
  startMigration,
  waitForOperation,
  waitForState,
} from '../helpers/emulator';

const SERVICE = 'projects/scenario-project/locations/us-central1/services/rehearsal';

describe('scenario files', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'emulator-scenario-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the documented example', () => {
    const scenario = loadScenarioFile(join(__dirname, '../../examples/emulator-scenario.yaml'));
    assert.equal(scenario.seed, 20250101);
    assert.equal(scenario.durations?.replication, 20000);
    assert.equal(scenario.services?.[0]?.databaseType, 'SPANNER');
    assert.equal(scenario.faults?.length, 4);
    assert.equal(scenario.faults?.[3]?.hang, true);
    assert.equal(scenario.events?.[0]?.trigger, 'startMigration');
  });

  it('names the field path of every problem, in YAML and in JSON', () => {
    const yaml = write(
      'bad.yaml',
      'faults:\n  - { method: services.get, rate: 2, error: { status: UNAVAILABLE } }\nbogus: 1\n',
    );
    assert.throws(
      () => loadScenarioFile(yaml),
      (error: Error) => {
        assert.match(error.message, /faults\.0\.rate: /);
        assert.match(error.message, /\(root\): Unrecognized key: "bogus"/);
        return true;
      },
    );
    const json = write('bad.json', JSON.stringify({ events: [{ action: 'setServiceState', trigger: 'now' }] }));
    assert.throws(() => loadScenarioFile(json), /events\.0\.state: setServiceState needs a state/);
    assert.throws(() => loadScenarioFile(write('broken.yaml', 'faults: [')), /scenario .*broken\.yaml/);
    assert.throws(() => loadScenarioFile(join(dir, 'missing.yaml')), /ENOENT/);
  });

  it('runs an emulator as the scenario says: services, durations, faults, events, seed', async () => {
    const path = write(
      'rehearsal.yaml',
      [
        'seed: 99',
        'durations: { default: 20, replication: 800 }',
        'services:',
        `  - { name: ${SERVICE}, databaseType: SPANNER }`,
        'faults:',
        '  - { method: services.startMigration, count: 1, error: { status: UNAVAILABLE } }',
        'events:',
        '  - { action: failExecution, afterMs: 1000, stateMessage: scripted failure }',
      ].join('\n'),
    );
    const emulator = await startEmulator({ scenario: loadScenarioFile(path), operationDelayMs: undefined });
    try {
      assert.equal(emulator.seed, 99);
      assert.equal((await getResource(emulator, SERVICE)).state, 'ACTIVE');
      assert.equal((await startMigration(emulator, SERVICE)).status, 503, 'the scripted fault');
      const started = await startMigration(emulator, SERVICE);
      const execution = started.body.metadata.target;
      assert.equal((await getResource(emulator, execution)).state, 'STARTING');
      await waitForOperation(emulator, started.body.name);
      assert.equal((await waitForState(emulator, execution, 'FAILED')).stateMessage, 'scripted failure');
      const stats = await admin(emulator, 'stats');
      assert.deepEqual([stats.faultsByKind.UNAVAILABLE, stats.faultsByKind.failExecution], [1, 1]);
      assert.deepEqual(await admin(emulator, 'durations'), { default: 20, replication: 800 });
    } finally {
      await emulator.close();
    }
  });

  it('POST /_emulator/scenario applies one at run time and refuses an invalid one with 400', async () => {
    const emulator = await startEmulator();
    try {
      const scenario = {
        seed: 5,
        services: [{ name: SERVICE, databaseType: 'SPANNER' }],
        durations: { replication: 10 },
      };
      assert.deepEqual(await admin(emulator, 'scenario', scenario), {});
      assert.equal((await admin(emulator, 'stats')).seed, 5);
      assert.equal((await admin(emulator, 'durations')).replication, 10);
      assert.deepEqual(await admin(emulator, 'scenario', scenario), {}, 'an existing service is kept');
      const bad = await call(emulator, 'POST', '/_emulator/scenario', { faults: [{ method: 'services.get' }] });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /faults\.0/);
    } finally {
      await emulator.close();
    }
  });
});
