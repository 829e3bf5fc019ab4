// `npm run demo -- --keep` as a person runs it, once (it starts a whole stack): against its MariaDB source the plan's
// source checks pass, the cutover gate is ready with workloads.moved ok, complete goes through without an override,
// and the verification after cutover finds DPMS serving what the source held. Then the env file it writes is all a
// hand-typed CLI `status` needs, and stopping the demo by its pid takes the stack and its folder with it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readEnvFile } from '../../scripts/lib/demo-env';
import { spawnService, type ServiceProcess } from '../../scripts/lib/services';
import { DEMO_SERVICE_NAME } from '../helpers/emulator';
import { cliProcess } from '../helpers/stack';

const root = join(__dirname, '..', '..');
const node = process.execPath;

let demo: ServiceProcess | undefined;
after(async () => {
  await demo?.stop();
});

describe('npm run demo -- --keep', () => {
  it('migrates from its MariaDB source with nothing overridden, verifies, and leaves a usable CLI env', async () => {
    demo = spawnService({
      name: 'demo',
      command: node,
      args: ['--import', 'tsx', 'scripts/demo.ts', '--keep'],
      cwd: root,
      tailChars: Infinity,
    });
    const written = await demo.waitForOutput(/CLI environment written to \S+/, 300_000);
    const envFile = written.replace('CLI environment written to ', '');
    const out = demo.output();

    assert.match(out, /plan for \S+: ready to start/);
    assert.match(out, /^ {4}ok {4}hive\.reachable /m);
    assert.match(out, /^ {4}ok {4}cdc\.reachable /m);
    assert.doesNotMatch(out, /skip {2}|not verified|baseline not recorded|ECONNREFUSED/);
    // 3306 is Cloud SQL's port: a config.port warning only when this machine's 3306 is taken, and then explained.
    if (/WARN {2}config\.port/.test(out)) assert.match(out, /3306 is taken here, so plan warns config\.port/);
    assert.match(out, /cutover checks for \S+ \([^)]+\): ready for cutover/);
    assert.match(out, /^ {4}ok {4}workloads\.moved /m);
    assert.match(out, /cutover gate: ready/);
    // The progress lines in words, no placeholders for what has not been read yet.
    assert.match(out, /stage REPLICATION; service MIGRATING; execution RUNNING in REPLICATION/);
    assert.doesNotMatch(out, /service \?|execution -\/-/);
    assert.doesNotMatch(out, /--override/);
    assert.match(out, /complete accepted for \S+ by demo-engineer/);
    assert.match(out, /^ {2}verified {3}verified: DPMS serves what the source held \(/m);
    assert.match(out, /migration execution SUCCEEDED in/);

    // The env file: private, and enough on its own for the CLI (no shell: its export lines are read here).
    const file = await stat(envFile);
    assert.equal(file.mode & 0o777, 0o600);
    const text = await readFile(envFile, 'utf8');
    const env = readEnvFile(text);
    for (const name of ['TEMPORAL_ADDRESS', 'METASTORE_EMULATOR_HOST', 'METASTORE_MIGRATOR_CODEC_KEYS']) {
      assert.ok(env[name], `${name} in ${text}`);
    }
    // The key is written to the file, never printed.
    assert.ok(!out.includes(env.METASTORE_MIGRATOR_CODEC_KEYS!), 'the payload key reached the terminal');
    assert.match(out, /try it yourself/);
    // Nothing from this process's environment but PATH and HOME.
    const cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
    const status = await cliProcess(cliEnv, ['status', '--service', DEMO_SERVICE_NAME]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^stage +DONE — outcome SUCCEEDED/m);
    assert.match(status.stdout, /^verified +verified: DPMS serves what the source held/m);

    // Stopped by its pid, the demo takes everything with it, its folder included.
    await demo.stop();
    assert.ok(!existsSync(dirname(envFile)), `${dirname(envFile)} left behind`);
  });
});
