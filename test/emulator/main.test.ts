import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONNECTION_PASSWORD, DEMO_SERVICE_NAME, admin, call, validStartRequest } from '../helpers/emulator';

const MAIN = join(__dirname, '../../src/emulator/main.ts');

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the first stdout line (or rejects if the process exits first). */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n') && line !== undefined) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
  });
}

/** Starts main.ts, waits for its listening line, and returns `{ url }` plus a SIGTERM stop. */
async function serve(args: string[]): Promise<{ url: string; stop: () => Promise<unknown[]>; child: ChildProcess }> {
  const child = run(['--port', '0', ...args]);
  const line = await firstLine(child);
  const match = /^Metastore emulator listening on (127\.0\.0\.1:\d+) \(METASTORE_EMULATOR_HOST=\1\)$/.exec(line);
  assert.ok(match, line);
  const stop = async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    return exited;
  };
  return { url: `http://${match[1]}`, stop, child };
}

/** Runs main.ts to its exit; returns the exit code, stdout and stderr. */
async function runToExit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = run(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stdout, stderr };
}

describe('npm run emulator (main.ts)', { timeout: 120_000 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'emulator-main-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the METASTORE_EMULATOR_HOST line, serves the demo seed, and exits 0 on SIGTERM', async () => {
    const emulator = await serve(['--operation-delay-ms', '10', '--seed-demo']);
    try {
      const response = await fetch(`${emulator.url}/v1/${DEMO_SERVICE_NAME}`);
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { databaseType: string }).databaseType, 'SPANNER');
      assert.deepEqual(await emulator.stop(), [0, null]);
    } finally {
      if (emulator.child.exitCode === null) emulator.child.kill('SIGKILL');
    }
  });

  it('--help prints every flag and exits 0', async () => {
    const { code, stdout } = await runToExit(['--help']);
    assert.equal(code, 0);
    for (const flag of ['--delay', '--scenario', '--seed', '--state-file', '--require-token', '--operation-delay-ms']) {
      assert.ok(stdout.includes(flag), flag);
    }
  });

  it('exits 2 with a clear message on an unknown flag, a bad value, or an invalid scenario', async () => {
    const bad = write(dir, 'bad.yaml', 'faults:\n  - { method: services.get, rate: 3, error: { status: INTERNAL } }\n');
    const cases = [
      [['--bogus'], /Unknown option '--bogus'/],
      [['--port', 'eighty'], /--port must be an integer/],
      [['--delay', 'services.get=5'], /--delay must be METHOD=MS/],
      [['--delay', 'replication=soon'], /--delay must be METHOD=MS/],
      [['--seed', '1.5'], /--seed must be an integer/],
      [['--require-token', ''], /--require-token must not be empty/],
      [['--scenario', join(dir, 'missing.yaml')], /--scenario: .*ENOENT/],
      [['--scenario', bad], /faults\.0\.rate: /],
    ] as const;
    // One at a time: each case starts Node with tsx, and a burst of them would starve the other test files.
    for (const [args, message] of cases) {
      const { code, stderr } = await runToExit([...args]);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, /usage: npm run emulator/);
      assert.match(stderr, message);
    }
  });

  it('exits 2 on a corrupt state file', async () => {
    const corrupt = write(dir, 'corrupt.json', '[]');
    const { code, stderr } = await runToExit(['--state-file', corrupt]);
    assert.equal(code, 2);
    assert.match(stderr, /state file .* is not a metastore-emulator-state\/1 file/);
  });

  it('wires --require-token, --seed, --delay, --scenario and --state-file, and keeps state across a restart', async () => {
    const stateFile = join(dir, 'rehearsal.json');
    const scenario = write(
      dir,
      'scenario.yaml',
      `services:\n  - { name: ${DEMO_SERVICE_NAME}, databaseType: SPANNER }\n`,
    );
    const auth = { authorization: 'Bearer s3cret' };
    const args = ['--require-token', 's3cret', '--seed', '42', '--delay', 'replication=60000', '--scenario', scenario];
    const first = await serve([...args, '--delay', 'services.patch=5', '--state-file', stateFile]);
    let execution: string;
    try {
      assert.equal((await call(first, 'GET', `/v1/${DEMO_SERVICE_NAME}`)).status, 401);
      assert.equal(
        (await call(first, 'GET', `/v1/${DEMO_SERVICE_NAME}`, undefined, { authorization: 'Bearer x' })).status,
        403,
      );
      assert.equal((await admin(first, 'stats')).seed, 42);
      assert.deepEqual(await admin(first, 'durations'), { default: 1000, replication: 60000, 'services.patch': 5 });
      const start = `/v1/${DEMO_SERVICE_NAME}:startMigration`;
      const started = await call(first, 'POST', start, validStartRequest(), auth);
      assert.equal(started.status, 200, started.text);
      execution = started.body.metadata.target;
      assert.deepEqual(await first.stop(), [0, null]);
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    }
    assert.ok(!readFileSync(stateFile, 'utf8').includes(CONNECTION_PASSWORD));
    const second = await serve([...args, '--state-file', stateFile]);
    try {
      const again = await call(second, 'GET', `/v1/${execution}`, undefined, auth);
      assert.equal(again.body.state, 'STARTING');
      assert.equal((await call(second, 'GET', `/v1/${DEMO_SERVICE_NAME}`, undefined, auth)).body.state, 'MIGRATING');
    } finally {
      await second.stop();
    }
  });
});

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
