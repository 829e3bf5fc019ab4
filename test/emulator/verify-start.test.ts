import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerifyStartInput, VerifyStartResult } from '../../src/emulator/server';
import {
  CDC_PASSWORD,
  CONNECTION_PASSWORD,
  call,
  getResource,
  seedSpannerService,
  startEmulator,
  startMigration,
  waitForOperation,
} from '../helpers/emulator';

/** A verifyStart whose answers the test releases by hand, recording what it was given. */
function controlledCheck() {
  const calls: VerifyStartInput[] = [];
  const answers: ((result: VerifyStartResult) => void)[] = [];
  const verifyStart = (input: VerifyStartInput) => {
    calls.push(structuredClone(input));
    return new Promise<VerifyStartResult>((resolve) => answers.push(resolve));
  };
  return { calls, answers, verifyStart };
}

describe('verifyStart seam (source check while STARTING)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'emulator-verify-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gets the plaintext config once, keeps STARTING past the duration until ok, then RUNNING', async () => {
    const check = controlledCheck();
    const emulator = await startEmulator({ operationDelayMs: 10, verifyStart: check.verifyStart });
    try {
      const service = await seedSpannerService(emulator);
      const started = await startMigration(emulator, service);
      const execution = started.body.metadata.target;
      assert.equal(check.calls.length, 1);
      const [input] = check.calls;
      assert.deepEqual([input?.service, input?.execution], [service, execution]);
      assert.equal(input?.cloudSqlMigrationConfig.cloudSqlConnectionConfig.password, CONNECTION_PASSWORD);
      assert.equal(input?.cloudSqlMigrationConfig.cdcConfig.password, CDC_PASSWORD);
      // A later operation with the same duration finishes; this start still waits for the check.
      const other = await seedSpannerService(emulator);
      const patch = await waitForOperation(
        emulator,
        (await call(emulator, 'PATCH', `/v1/${other}?updateMask=labels`, { labels: { a: 'b' } })).body.name,
      );
      assert.ok(patch.response);
      assert.equal((await getResource(emulator, execution)).state, 'STARTING');
      check.answers[0]?.({ ok: true });
      assert.equal((await waitForOperation(emulator, started.body.name)).response.state, 'RUNNING');
    } finally {
      await emulator.close();
    }
  });

  it('a failed check: execution FAILED with its message, the operation with its code, the service ACTIVE', async () => {
    const emulator = await startEmulator({
      operationDelayMs: 10,
      verifyStart: async () => ({ ok: false, code: 'FAILED_PRECONDITION', message: 'binlog_format is MIXED, not ROW' }),
    });
    try {
      const service = await seedSpannerService(emulator);
      const started = await startMigration(emulator, service);
      const op = await waitForOperation(emulator, started.body.name);
      assert.deepEqual(op.error, { code: 9, message: 'binlog_format is MIXED, not ROW' });
      const execution = await getResource(emulator, started.body.metadata.target);
      assert.deepEqual([execution.state, execution.stateMessage], ['FAILED', 'binlog_format is MIXED, not ROW']);
      assert.equal((await getResource(emulator, service)).state, 'ACTIVE');
    } finally {
      await emulator.close();
    }
  });

  it('a check that throws fails the start with INTERNAL and a message that does not echo the error', async () => {
    const emulator = await startEmulator({
      operationDelayMs: 10,
      verifyStart: () => Promise.reject(new Error(`connect failed with ${CONNECTION_PASSWORD}`)),
    });
    try {
      const service = await seedSpannerService(emulator);
      const op = await waitForOperation(emulator, (await startMigration(emulator, service)).body.name);
      assert.equal(op.error.code, 13);
      assert.ok(!JSON.stringify(op).includes(CONNECTION_PASSWORD));
    } finally {
      await emulator.close();
    }
  });

  it('a check interrupted by a restart fails the migration with UNAVAILABLE; no password reaches the file', async () => {
    const stateFile = join(dir, 'state.json');
    const check = controlledCheck();
    const first = await startEmulator({ stateFile, operationDelayMs: 10, verifyStart: check.verifyStart });
    const service = await seedSpannerService(first);
    const started = await startMigration(first, service);
    await first.close();
    const text = readFileSync(stateFile, 'utf8');
    assert.ok(!text.includes(CONNECTION_PASSWORD) && !text.includes(CDC_PASSWORD));
    const second = await startEmulator({ stateFile, verifyStart: check.verifyStart });
    try {
      const op = await getResource(second, started.body.name);
      assert.equal(op.error.code, 14);
      assert.equal((await getResource(second, started.body.metadata.target)).state, 'FAILED');
      assert.equal((await getResource(second, service)).state, 'ACTIVE');
    } finally {
      await second.close();
    }
  });
});
