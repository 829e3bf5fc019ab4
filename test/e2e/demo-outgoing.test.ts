// `npm run demo -- --kind outgoing` as a person runs it: the service's own metastore and two Lakehouse catalogs
// seeded, the dry run's plan per database with nothing blocking, the backfill into the rollback window, `status`
// with the service in PROXY and the verification against the Lakehouse catalogs, a rollback, `wait` → ROLLED_BACK,
// exit 0 and nothing left in its temporary folder. A bad --kind is refused before anything starts.
// METASTORE_MIGRATOR_DEMO_PORTS=any: the incoming demo's test (test/e2e/demo.test.ts) may run at the same time
// (scripts/run-tests.ts runs two files at once) and takes the usual ports 7233/8233/8888 when free; this one takes
// free ones, so neither can see a port free that the other is about to bind.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnService, type ServiceProcess } from '../../scripts/lib/services';

const root = join(__dirname, '..', '..');
const node = process.execPath;
const SERVICE = 'projects/demo-project/locations/us-central1/services/demo-metastore';

let demo: ServiceProcess | undefined;
/** The demo's TMPDIR: its own folder is made (and must be removed) in here, where this test can look. */
let tmp = '';
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'demo-outgoing-test-'));
});
after(async () => {
  await demo?.stop();
  await rm(tmp, { recursive: true, force: true });
});

function runDemo(...args: string[]): ServiceProcess {
  return spawnService({
    name: 'demo',
    command: node,
    args: ['--import', 'tsx', 'scripts/demo.ts', ...args],
    cwd: root,
    env: { ...process.env, TMPDIR: tmp, METASTORE_MIGRATOR_DEMO_PORTS: 'any' },
    tailChars: Infinity,
  });
}

async function demoFolders(): Promise<string[]> {
  return (await readdir(tmp)).filter((entry) => entry.startsWith('metastore-migrator-demo-'));
}

describe('npm run demo -- --kind outgoing', () => {
  it('refuses a kind it does not know, naming the kinds, before starting anything', async () => {
    const bad = runDemo('--kind', 'sideways');
    assert.equal(await bad.exited, 1);
    assert.match(bad.output(), /--kind: 'sideways' is not a kind of migration; the kinds are incoming, outgoing/);
    assert.doesNotMatch(bad.output(), /starting/);
    assert.deepEqual(await demoFolders(), []);
  });

  it('backfills into the Lakehouse catalogs, shows PROXY and the verification, rolls back, and cleans up', async () => {
    demo = runDemo('--kind', 'outgoing');
    const code = await demo.exited;
    const out = demo.output();
    assert.equal(code, 0, out.slice(-4000));

    // No MariaDB for this kind: it reads no source database.
    assert.doesNotMatch(out, /MariaDB|mariadbd/);
    assert.match(out, /\[demo \+[\d.]+s\] seeded \S+demo-metastore's own Hive metastore .* Iceberg tables/);
    assert.match(out, /created Lakehouse catalogs projects\/demo-project\/catalogs\/demo-hive \(HIVE\)/);

    // The dry run, per catalog and database, through the CLI as typed.
    assert.match(out, /^\$ metastore-migrator plan --service \S+ --mode backfill --hive-catalog \S+demo-hive /m);
    assert.match(out, /dry run of \S+ — the backfill may start/);
    assert.match(
      out,
      /^ {4}catalog projects\/demo-project\/catalogs\/demo-hive \(HIVE\)\n {6}sales +CREATE +tables: 2 CREATE/m,
    );
    assert.match(out, /^ {4}catalog projects\/demo-project\/catalogs\/demo-iceberg \(ICEBERG\)\n {6}sales +CREATE/m);
    assert.match(out, /^ {4}ok {4}dryRun\.errors /m);
    assert.match(out, /nothing blocks: ready to start/);
    assert.match(out, /^\$ metastore-migrator start .* --rollback-window 300 /m);
    // What to run next after a backfill: no cutover to decide, a rollback while the window is open.
    assert.match(out, /^ {4}metastore-migrator rollback --service \S+ +# .*rollback window/m);
    assert.doesNotMatch(out, /metastore-migrator complete --service/);

    // The stages as they happen, in words.
    const stages = [...out.matchAll(/\] stage (\w+);/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(stages)], ['PRECHECK', 'STARTING', 'BACKFILL', 'ROLLBACK_WINDOW']);
    assert.match(out, /stage BACKFILL; service MIGRATING; execution RUNNING/);
    assert.match(out, /stage ROLLBACK_WINDOW; service PROXY; execution SUCCEEDED/);
    assert.doesNotMatch(out, /service \?|execution -\/-/);

    // status in the window: the outcome, PROXY with its namespaces, the verification against the Lakehouse.
    const status = out.slice(out.indexOf('$ metastore-migrator status'), out.indexOf('$ metastore-migrator rollback'));
    assert.match(status, new RegExp(`^ {2}service {4}${SERVICE} — PROXY$`, 'm'));
    assert.match(status, /^ {2}stage {6}ROLLBACK_WINDOW/m);
    assert.match(
      status,
      /^ {2}backfill {3}backfill SUCCEEDED: 6 tables in 5 databases \(6 succeeded, 0 skipped, 0 failed\)/m,
    );
    assert.match(status, /^ {2}proxy {6}forwarding sales, web to projects\/demo-project\/catalogs\/demo-iceberg$/m);
    assert.match(status, /^ {2}rollback {3}possible until \S+ \(in /m);
    assert.match(status, /^ {2}verified {3}verified: the Lakehouse catalogs hold what the backfill moved/m);

    assert.match(out, /^ {2}rollback accepted for \S+ by demo-engineer in stage ROLLBACK_WINDOW$/m);
    assert.match(out, /^\$ metastore-migrator wait --service /m);
    assert.match(out, /^ {2}ROLLED_BACK: .* by demo-engineer: the service is ACTIVE, served by DPMS again$/m);
    assert.match(out, /\] rolled back in [\d.]+ s: \S+ is ACTIVE/);

    // Stopped by itself, the demo took its folder with it.
    assert.deepEqual(await demoFolders(), []);
  });
});
