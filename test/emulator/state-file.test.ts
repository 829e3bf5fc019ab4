import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CDC_PASSWORD,
  CONNECTION_PASSWORD,
  admin,
  call,
  getResource,
  seedSpannerService,
  startEmulator,
  startMigration,
  validStartRequest,
  waitForOperation,
} from '../helpers/emulator';

describe('--state-file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps services, executions, operations and requestIds across a restart; a STARTING migration finishes after it', async () => {
    const stateFile = join(dir, 'nested', 'state.json');
    const first = await startEmulator({ stateFile, operationDelayMs: 20, durations: { replication: 2000 } });
    const service = await seedSpannerService(first);
    const done = await seedSpannerService(first);
    const patch = await call(first, 'PATCH', `/v1/${done}?updateMask=labels`, { labels: { kept: 'yes' } });
    await waitForOperation(first, patch.body.name);
    const requestId = randomUUID();
    const started = await startMigration(first, service, validStartRequest({ requestId }));
    const execution = started.body.metadata.target;
    await first.close();

    const text = readFileSync(stateFile, 'utf8');
    assert.ok(!text.includes(CONNECTION_PASSWORD) && !text.includes(CDC_PASSWORD), 'no password on disk');
    assert.ok(!text.includes('"password"'));
    assert.equal(JSON.parse(text).format, 'metastore-emulator-state/1');
    assert.equal(JSON.parse(text).transitions[0].transition.kind, 'migration.start');

    const second = await startEmulator({ stateFile, operationDelayMs: 20 });
    try {
      assert.equal((await getResource(second, service)).state, 'MIGRATING');
      assert.equal((await getResource(second, done)).labels.kept, 'yes');
      assert.equal((await getResource(second, patch.body.name)).done, true);
      assert.equal((await getResource(second, execution)).state, 'STARTING');
      const retry = await startMigration(second, service, validStartRequest({ requestId }));
      assert.equal(retry.body.name, started.body.name, 'the requestId cache survived');
      const op = await waitForOperation(second, started.body.name, { timeoutMs: 10_000 });
      assert.equal(op.response.state, 'RUNNING');
      assert.equal((await getResource(second, execution)).state, 'RUNNING');
      const list = await call(second, 'GET', `/v1/${service.split('/').slice(0, 4).join('/')}/operations`);
      assert.ok(list.body.operations.some((o: { name: string }) => o.name === patch.body.name));
      assert.equal(op.response.cloudSqlMigrationConfig.cloudSqlConnectionConfig.password, undefined);
    } finally {
      await second.close();
    }
    // Changes made by the second run are on disk too.
    const third = await startEmulator({ stateFile });
    try {
      assert.equal((await getResource(third, execution)).state, 'RUNNING');
    } finally {
      await third.close();
    }
  });

  it('runs an overdue transition at once after a restart, stamped with its due time', async () => {
    const stateFile = join(dir, 'overdue.json');
    const first = await startEmulator({ stateFile, operationDelayMs: 100 });
    const service = await seedSpannerService(first);
    const started = await startMigration(first, service);
    await first.close();
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    const dueAt = saved.transitions[0].dueAt as number;
    saved.transitions[0].dueAt = dueAt - 60_000; // as if the emulator had been down for a minute
    writeFileSync(stateFile, JSON.stringify(saved));
    const second = await startEmulator({ stateFile });
    try {
      const op = await getResource(second, started.body.name);
      assert.equal(op.done, true);
      assert.equal(Date.parse(op.metadata.endTime), dueAt - 60_000);
    } finally {
      await second.close();
    }
  });

  it('does not touch the file without --state-file, and refuses a corrupt file with a clear error', async () => {
    const memory = await startEmulator();
    await seedSpannerService(memory);
    await memory.close();
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format": "something-else"}');
    await assert.rejects(startEmulator({ stateFile: corrupt }), /not a metastore-emulator-state\/1 file/);
    writeFileSync(corrupt, 'not json');
    await assert.rejects(startEmulator({ stateFile: corrupt }), /not valid JSON/);
    assert.equal(existsSync(join(dir, 'never.json')), false);
  });

  it('rewrites the file soon after a change made through the admin API', async () => {
    const stateFile = join(dir, 'admin.json');
    const emulator = await startEmulator({ stateFile, operationDelayMs: 10 });
    try {
      const service = await seedSpannerService(emulator);
      const op = await waitForOperation(emulator, (await startMigration(emulator, service)).body.name);
      await admin(emulator, 'executions:fail', { name: op.response.name, stateMessage: 'persisted failure' });
      const deadline = Date.now() + 5000;
      while (!readFileSync(stateFile, 'utf8').includes('persisted failure')) {
        assert.ok(Date.now() < deadline, 'the state file was not rewritten');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await emulator.close();
    }
  });
});
