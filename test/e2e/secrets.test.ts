// Secrets end to end, with payload encryption on: CLI, worker, emulator and a Temporal dev server as separate
// processes run a whole migration; then the history is fetched raw from the server (no codec) and every output
// any process wrote is searched for each password. Keys rotate mid-run: the CLI still encodes with the old key,
// the worker with the new one, and both decode the lot.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { AesGcmCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/codec';
import { startCodecServer } from '../../src/codec/codec-server';
import { loadConfig } from '../../src/config';
import { workflowIdFor } from '../../src/migration/names';
import { SECRET_ENV, snakeCaseConfigYaml, SOURCE_NOT_REACHED_FLAGS, waitFor } from '../helpers/migration';
import { startStack } from '../helpers/stack';
import type { CliRun, Stack } from '../helpers/stack';
import { startDevServer } from '../helpers/temporal';
import type { DevServer } from '../helpers/temporal';

const KEYS = `old-key:${randomBytes(32).toString('base64')},new-key:${randomBytes(32).toString('base64')}`;
const PASSWORDS = Object.values(SECRET_ENV);
const REFERENCES = ['env:HIVE_DB_PASSWORD', 'env:CDC_PASSWORD'];

let server: DevServer;
let stack: Stack;
let workDir: string;
let workflowId: string;
let service: string;
/** Output of processes the stack does not capture itself (the stock temporal CLI). */
const extraOutputs: string[] = [];

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-secrets-'));
  server = await startDevServer();
  stack = await startStack(server, [], { env: { METASTORE_MIGRATOR_CODEC_KEYS: KEYS }, fullOutput: true });
  await writeFile(join(workDir, 'migration.yaml'), snakeCaseConfigYaml());
  service = await stack.seedService();
  workflowId = workflowIdFor(service);
  await runMigration();
});

after(async () => {
  await Promise.allSettled([stack?.close(), server?.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function ok(run: CliRun): CliRun {
  assert.equal(run.code, 0, run.stderr);
  return run;
}

/** start → REPLICATION → complete → SUCCEEDED through the CLI; the worker encodes with the newest key. */
async function runMigration(): Promise<void> {
  const worker = await stack.startWorker();
  assert.match(worker.output(), /payloads encrypted with key new-key/);
  const config = join(workDir, 'migration.yaml');
  const flags = ['--service', service, '--poll-interval', '1', '--operation-poll', '0.2'];
  // This CLI has not switched to the new key yet: a rotation in progress.
  ok(await stack.cliWithEnv({ METASTORE_MIGRATOR_CODEC_KEY_ID: 'old-key' }, 'start', ...flags, '--config', config));
  await waitFor('REPLICATION', async () => {
    const status = await stack.cli('status', '--service', service, '--json');
    return status.code === 0 && (JSON.parse(status.stdout) as { stage: string }).stage === 'REPLICATION';
  });
  ok(
    await stack.cli(
      'complete',
      '--service',
      service,
      ...SOURCE_NOT_REACHED_FLAGS,
      '--by',
      'dana',
      '--reason',
      'encrypted cutover',
    ),
  );
  const waited = ok(await stack.cli('wait', '--service', service, '--json'));
  assert.equal((JSON.parse(waited.stdout) as { outcome: string }).outcome, 'SUCCEEDED');
}

/** The history exactly as the server stores it: a plain connection, no data converter, no codec. */
async function rawHistory(): Promise<temporal.api.history.v1.History> {
  const connection = await Connection.connect({ address: server.address });
  try {
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await connection.workflowService.getWorkflowExecutionHistory({
        namespace: server.namespace,
        execution: { workflowId },
        nextPageToken,
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return temporal.api.history.v1.History.create({ events });
  } finally {
    await connection.close();
  }
}

type Payload = temporal.api.common.v1.IPayload;

/** A Payload message: metadata of bytes (possibly empty) beside data. */
function isPayload(value: object): value is Payload {
  const metadata = (value as Payload).metadata;
  return (
    'data' in value &&
    typeof metadata === 'object' &&
    metadata !== null &&
    Object.values(metadata).every((v) => v instanceof Uint8Array)
  );
}

/**
 * Every payload in a history, except search attribute values and patch markers' details, which the SDK core writes
 * itself without the codec (they hold only the patch id, e.g. "full-prechecks").
 */
function payloadsOf(value: unknown, found: Payload[] = []): Payload[] {
  if (value && typeof value === 'object' && isPayload(value)) found.push(value);
  else if (Array.isArray(value)) for (const item of value) payloadsOf(item, found);
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key !== 'searchAttributes' && key !== 'markerRecordedEventAttributes') payloadsOf(inner, found);
    }
  }
  return found;
}

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('secrets with payload encryption, end to end', () => {
  it('leaves no password and no secret reference in the raw history bytes', async () => {
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(await rawHistory()).finish());
    assert.ok(bytes.length > 1000, 'a whole migration is in the history');
    for (const needle of [...PASSWORDS, ...REFERENCES, 'hiveDatabaseName']) {
      assert.ok(!bytes.includes(needle), `raw history does not contain ${needle}`);
    }
    assert.ok(bytes.includes(service), 'the service name stays visible in the workflow id and search attributes');
  });

  it('stores every payload as binary/encrypted, under both keys of the rotation', async () => {
    const history = await rawHistory();
    const markers = history.events.flatMap((e) =>
      e.markerRecordedEventAttributes ? [e.markerRecordedEventAttributes] : [],
    );
    const markerText = markers.map((m) =>
      JSON.stringify(m.details ?? {}, (_k, v: unknown) => (v instanceof Uint8Array ? text(v) : v)),
    );
    for (const marker of markerText)
      assert.ok(!PASSWORDS.some((p) => marker.includes(p)), 'a patch marker holds no secret');
    // The server itself writes one payload: when it cancels a poll waiting between attempts (the engineer's
    // decision), ActivityTaskCanceled carries its fixed marker "ACTIVITY_ID_NOT_STARTED", none of our data.
    const serverMarker = (p: Payload) =>
      text(p.metadata?.encoding) === 'json/plain' && text(p.data) === '"ACTIVITY_ID_NOT_STARTED"';
    const payloads = payloadsOf(history).filter((p) => !serverMarker(p));
    assert.ok(payloads.length >= 10, `found ${payloads.length} payloads`);
    const encodings = new Set(payloads.map((p) => text(p.metadata?.encoding)));
    assert.deepEqual([...encodings], [ENCRYPTED_ENCODING]);
    const input = history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    assert.equal(input.length, 1);
    assert.equal(text(input[0]?.metadata?.[KEY_ID_METADATA]), 'old-key', 'the CLI encoded the input');
    const keyIds = new Set(payloads.map((p) => text(p.metadata?.[KEY_ID_METADATA])));
    assert.deepEqual([...keyIds].sort(), ['new-key', 'old-key']);

    // The same bytes decode with the keys: the references are there, the passwords never were.
    const codec = new AesGcmCodec(loadConfig({ METASTORE_MIGRATOR_CODEC_KEYS: KEYS }).codec!);
    const decoded = (await codec.decode(payloads)).map((p) => text(p.data)).join('\n');
    for (const reference of REFERENCES) assert.ok(decoded.includes(reference), `decoded history has ${reference}`);
    for (const password of PASSWORDS) assert.ok(!decoded.includes(password), 'decoded history has no password');
  });

  it('lets the CLI with the keys read status, and tells a CLI without them what is missing', async () => {
    const status = ok(await stack.cli('status', '--service', service, '--json'));
    assert.equal((JSON.parse(status.stdout) as { stage: string }).stage, 'DONE');

    const keyless = await stack.cliWithEnv(
      { METASTORE_MIGRATOR_CODEC_KEYS: undefined },
      'status',
      '--service',
      service,
    );
    assert.equal(keyless.code, 1);
    assert.match(keyless.stderr, /^EncryptedPayload: .*binary\/encrypted.*METASTORE_MIGRATOR_CODEC_KEYS/);
    assert.equal(keyless.stdout, '', 'nothing half-decoded on stdout');

    const asJson = await stack.cliWithEnv(
      { METASTORE_MIGRATOR_CODEC_KEYS: undefined },
      'status',
      '--service',
      service,
      '--json',
    );
    assert.equal((JSON.parse(asJson.stderr) as { error: { type: string } }).error.type, 'EncryptedPayload');

    const wrongKey = await stack.cliWithEnv(
      { METASTORE_MIGRATOR_CODEC_KEYS: `other-key:${randomBytes(32).toString('base64')}` },
      'status',
      '--service',
      service,
    );
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /^CodecError: .*key id new-key.*METASTORE_MIGRATOR_CODEC_KEYS/);
  });

  it('shows decoded payloads to the stock temporal CLI through the codec server, with its token only', async () => {
    const codec = new AesGcmCodec(loadConfig({ METASTORE_MIGRATOR_CODEC_KEYS: KEYS }).codec!);
    const token = randomBytes(32).toString('hex');
    const codecServer = await startCodecServer({ codec, auth: { token } });
    try {
      const inputOf = async (env: NodeJS.ProcessEnv, ...extra: string[]) => {
        const args = ['workflow', 'show', '--address', server.address, '--workflow-id', workflowId, '--output', 'json'];
        const output = await temporalCli([...args, ...extra], env);
        extraOutputs.push(output);
        const shown = JSON.parse(output) as { events: { workflowExecutionStartedEventAttributes?: JsonPayloads }[] };
        const input = shown.events[0]?.workflowExecutionStartedEventAttributes?.input.payloads[0];
        return { encoding: unb64(input?.metadata.encoding), data: unb64(input?.data) };
      };
      const raw = await inputOf({});
      assert.equal(raw.encoding, ENCRYPTED_ENCODING);
      // Without the token the codec server answers 401: the CLI retries until its deadline, decoding nothing.
      await assert.rejects(
        inputOf({}, '--codec-endpoint', codecServer.url, '--command-timeout', '3s'),
        (err: Error) => {
          assert.ok(!REFERENCES.some((reference) => err.message.includes(reference)), 'nothing decoded');
          return true;
        },
      );
      // TEMPORAL_CODEC_AUTH is --codec-auth from the environment, so the token stays out of the process list.
      const decoded = await inputOf({ TEMPORAL_CODEC_AUTH: `Bearer ${token}` }, '--codec-endpoint', codecServer.url);
      assert.equal(decoded.encoding, 'json/plain');
      for (const reference of REFERENCES) assert.ok(decoded.data.includes(reference), `decoded shows ${reference}`);
    } finally {
      await codecServer.close();
    }
  });

  it('writes no password to any output: worker, emulator, every CLI run', () => {
    const outputs = [
      ...stack.workers.map((w) => ({ name: 'worker', text: w.output() })),
      { name: 'emulator', text: stack.emulator.output() },
      ...stack.cliRuns.flatMap((run, i) => [
        { name: `cli run ${i} stdout`, text: run.stdout },
        { name: `cli run ${i} stderr`, text: run.stderr },
      ]),
      ...extraOutputs.map((output, i) => ({ name: `temporal cli ${i}`, text: output })),
    ];
    assert.ok(stack.cliRuns.length >= 6, 'the CLI ran start, status, complete, wait and the error cases');
    assert.ok(stack.workers[0]!.output().length > 0, 'the worker wrote output');
    for (const { name, text: output } of outputs) {
      for (const password of PASSWORDS) assert.ok(!output.includes(password), `${name} contains a password`);
    }
  });
});

interface JsonPayloads {
  input: { payloads: { metadata: Record<string, string>; data: string }[] };
}

const unb64 = (value: string | undefined) => Buffer.from(value ?? '', 'base64').toString('utf8');

/** The stock Temporal CLI, asynchronously: the codec server it calls runs in this very process. */
async function temporalCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(await ensureTemporalCli(), args, {
    env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout + stderr;
}
