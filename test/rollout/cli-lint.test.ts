// `rollout lint` as an engineer runs it: the CLI as a process, offline (no Temporal, no API), every problem with
// its field path on stdout, exit 2 on errors and 0 with warnings shown.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliProcess } from '../helpers/stack';

let dir: string;
// Nothing to reach: a closed Temporal port shows that lint needs no server.
const env = { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: '127.0.0.1:1' };
const lint = (...args: string[]) => cliProcess(env, ['rollout', 'lint', ...args]);
const example = join(__dirname, '..', '..', 'examples', 'rollout.yaml');

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollout-lint-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rollout lint (the CLI as a process)', () => {
  it('the example: valid, its waves with counts and effective caps, exit 0', async () => {
    const run = await lint('--manifest', example);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /rollout\.yaml: valid/);
    assert.match(run.stdout, /^wave 1 canary \[canary\]: 1 member \(services\), all at once, soak 1 d, then approval/m);
    assert.match(
      run.stdout,
      /^wave 3 prod: 4 members \(env=prod,tier in \(silver,gold\)\), at most 1 at once \(by percent\)/m,
    );
    assert.match(
      run.stdout,
      /^ {2}project corp-prod: 4 members, at most 1 at once \(wave\), ≈ 0\.4 API reads\/s at the cap$/m,
    );
    assert.match(run.stdout, /^no problems$/m);
  });

  it('errors with their field paths and exit 2; warnings shown and exit 0; --json carries the same', async () => {
    const text = await readFile(example, 'utf8');
    const broken = join(dir, 'broken.yaml');
    // hms-sales's catalog override made invalid, and a wave before the canary naming the canary's service.
    await writeFile(
      broken,
      text
        .replace('catalog: projects/corp-lake/catalogs/hive-sales', 'catalog: corp-lake/hive-sales')
        .replace(
          'waves:\n',
          'waves:\n  - name: early\n    members:\n      services: [projects/corp-dev/locations/us-central1/services/hms-sandbox]\n',
        ),
    );
    const run = await lint('--manifest', broken);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /broken\.yaml: invalid/);
    assert.match(
      run.stdout,
      /^error {2}migrations\.3\.config\.migrationExecution\.biglakeMetastoreMigrationConfig\.hiveConfig\.catalog: /m,
    );
    assert.match(run.stdout, /^error {2}waves\.1\.members\.services\.0: is listed in wave early too/m);

    const warned = join(dir, 'warned.yaml');
    await writeFile(warned, text.replace('advance: approval # a person', 'advance: auto # a person'));
    const ok = await lint('--manifest', warned, '--json');
    assert.equal(ok.code, 0, ok.stderr);
    const json = JSON.parse(ok.stdout) as { ok: boolean; problems: { code: string; path: string }[] };
    assert.equal(json.ok, true);
    assert.deepEqual(
      json.problems.map((p) => [p.code, p.path]),
      [['canary-auto-advance', 'waves.0.gate.advance']],
    );
  });

  it('a file it cannot read is a usage error (exit 2)', async () => {
    const run = await lint('--manifest', join(dir, 'missing.yaml'));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--manifest .*missing\.yaml: cannot read \(ENOENT\)/);
  });
});
