// --verify-source: the emulator connects to the start's Cloud SQL source (private MariaDB instances here) and
// fails the start with FAILED_PRECONDITION when it cannot connect, the Hive schema does not fit or CDC is not ready.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StartMigrationRequest } from '../../src/schemas';
import {
  type Emulator,
  type Json,
  getResource,
  seedSpannerService,
  startEmulator,
  startMigration,
  waitForOperation,
} from '../helpers/emulator';
import {
  CDC_PASSWORD,
  HIVE_PASSWORD,
  type HiveSource,
  createHiveSource,
  startRequestFor,
} from '../helpers/hive-source';
import { GOOD_CDC_SERVER_ARGS, type MariaDb, startMariaDb } from '../helpers/mariadb';
import { freePort } from '../helpers/ports';

const WRONG_PASSWORD = 'wrong-Secret-1e6a0b93';
const TIMEOUT = { timeoutMs: 15_000 };

interface Outcome {
  operation: Json;
  execution: Json;
  service: Json;
  /** Every response text, to check that no password comes back. */
  texts: string[];
}

/** Starts a migration on a fresh service with `request` and waits for the start operation to end. */
async function startAndWait(emulator: Emulator, request: StartMigrationRequest): Promise<Outcome> {
  const service = await seedSpannerService(emulator);
  const started = await startMigration(emulator, service, request);
  assert.equal(started.status, 200, started.text);
  const operation = await waitForOperation(emulator, started.body.name, TIMEOUT);
  const execution = await getResource(emulator, started.body.metadata.target);
  const serviceBody = await getResource(emulator, service);
  const texts = [started.text, JSON.stringify(operation), JSON.stringify(execution), JSON.stringify(serviceBody)];
  return { operation, execution, service: serviceBody, texts };
}

/** The start failed with FAILED_PRECONDITION, the execution FAILED with the same message, the service ACTIVE. */
function assertFailedStart(outcome: Outcome, pattern: RegExp): string {
  assert.equal(outcome.operation.error?.code, 9, JSON.stringify(outcome.operation));
  const message = String(outcome.operation.error.message);
  assert.match(message, pattern);
  assert.deepEqual([outcome.execution.state, outcome.execution.stateMessage], ['FAILED', message]);
  assert.equal(outcome.service.state, 'ACTIVE');
  for (const secret of [HIVE_PASSWORD, CDC_PASSWORD, WRONG_PASSWORD]) {
    for (const text of outcome.texts) assert.ok(!text.includes(secret), `a password leaked: ${text}`);
  }
  return message;
}

describe('emulator --verify-source (real MariaDB sources)', () => {
  let good: MariaDb;
  let noBinlog: MariaDb;
  let source: HiveSource;
  let oldSchema: HiveSource;
  let binlogOff: HiveSource;
  let emulator: Emulator;

  before(async () => {
    [good, noBinlog] = await Promise.all([startMariaDb({ serverArgs: GOOD_CDC_SERVER_ARGS }), startMariaDb()]);
    source = await createHiveSource(good);
    oldSchema = await createHiveSource(good, {
      database: 'hive_old',
      schemaVersion: '2.3.0',
      hiveUser: 'hive_old',
      cdcUser: 'datastream_old',
    });
    binlogOff = await createHiveSource(noBinlog);
    emulator = await startEmulator({ verifySource: true });
  });

  after(async () => {
    await emulator?.close();
    await Promise.all([good?.close(), noBinlog?.close()]);
  });

  it('a good source: the start finishes and the execution is RUNNING/REPLICATION', async () => {
    const outcome = await startAndWait(emulator, startRequestFor(source));
    assert.equal(outcome.operation.error, undefined, JSON.stringify(outcome.operation));
    assert.deepEqual([outcome.execution.state, outcome.execution.phase], ['RUNNING', 'REPLICATION']);
    assert.equal(outcome.service.state, 'MIGRATING');
  });

  it('a wrong Hive password: FAILED, cannot connect, no password in any response', async () => {
    const outcome = await startAndWait(emulator, startRequestFor(source, { hivePassword: WRONG_PASSWORD }));
    const message = assertFailedStart(
      outcome,
      /^Unable to connect to the Cloud SQL instance at 127\.0\.0\.1:\d+ as user 'hive': access denied/,
    );
    assert.ok(message.includes(`127.0.0.1:${good.port}`), message);
  });

  it('an unreachable source (a closed port): FAILED, cannot connect', async () => {
    const port = await freePort();
    const request = startRequestFor({ hive: { ...source.hive, port }, cdc: { ...source.cdc, port } });
    assertFailedStart(
      await startAndWait(emulator, request),
      new RegExp(`^Unable to connect to the Cloud SQL instance at 127\\.0\\.0\\.1:${port} as user 'hive': .*refused`),
    );
  });

  it("a schema older than the service's Hive version: FAILED naming both versions", async () => {
    assertFailedStart(
      await startAndWait(emulator, startRequestFor(oldSchema)),
      /^The Hive metastore schema version 2\.3\.0 in database 'hive_old' is not compatible with the service's Hive version 3\.1\.2: /,
    );
  });

  it('binary logging off: FAILED naming binary logging', async () => {
    assertFailedStart(
      await startAndWait(emulator, startRequestFor(binlogOff)),
      /not ready for change data capture: binary logging is off \(log_bin is OFF/,
    );
  });
});
