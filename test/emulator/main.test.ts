import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEMO_SERVICE_NAME } from '../helpers/emulator';

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

describe('npm run emulator (main.ts)', { timeout: 30_000 }, () => {
  it('prints the METASTORE_EMULATOR_HOST line, serves the demo seed, and exits 0 on SIGTERM', async () => {
    const child = run(['--port', '0', '--operation-delay-ms', '10', '--seed-demo']);
    try {
      const line = await firstLine(child);
      const match = /^Metastore emulator listening on (127\.0\.0\.1:\d+) \(METASTORE_EMULATOR_HOST=\1\)$/.exec(line);
      assert.ok(match, line);
      const response = await fetch(`http://${match[1]}/v1/${DEMO_SERVICE_NAME}`);
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { databaseType: string }).databaseType, 'SPANNER');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.deepEqual(await exited, [0, null]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with a clear message on an unknown flag or a bad value', async () => {
    for (const args of [['--bogus'], ['--port', 'eighty']]) {
      const child = run(args);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = await once(child, 'exit');
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, /usage: npm run emulator/);
      assert.match(stderr, args[0] === '--bogus' ? /Unknown option '--bogus'/ : /--port must be an integer/);
    }
  });
});
