// The CLI refusing bad input as an engineer meets it: corpus files (test/fixtures/bad-configs) and bad flags,
// with a worker running and the emulator watching, so a refusal that slipped through would show up as calls.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { startDevServer } from '../helpers/temporal';
import type { DevServer } from '../helpers/temporal';

const corpus = join(__dirname, '..', 'fixtures', 'bad-configs');
const manifest = JSON.parse(readFileSync(join(corpus, 'expected.json'), 'utf8')) as {
  plaintextPasswords: string[];
  files: Record<string, { path: string | null; message: string }>;
};

let temporal: DevServer;
let stack: Stack;

before(async () => {
  temporal = await startDevServer();
  stack = await startStack(temporal);
  await stack.startWorker();
});
after(async () => {
  await Promise.allSettled([stack?.close(), temporal?.close()]);
});

async function requestCounts(): Promise<Record<string, number>> {
  const response = await fetch(`${stack.emulatorUrl}/_emulator/stats`);
  return ((await response.json()) as { requests: Record<string, number> }).requests;
}

describe('CLI start with bad input', () => {
  for (const file of [
    'connection-password-plaintext.yaml',
    'cidr-host-bits.yaml',
    'vpc-network-compute-form.yaml',
    'unknown-field-typo.yaml',
    'wrapped-extra-key.yaml',
    'yaml-syntax-error.yaml',
  ]) {
    it(`exits 1 naming the field for ${file}, and starts nothing`, async () => {
      const expected = manifest.files[file];
      assert.ok(expected, `${file} is in expected.json`);
      const service = await stack.seedService();
      const before = await requestCounts();
      const run = await stack.cli('start', '--service', service, '--config', join(corpus, file));
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /^MigrationConfigError: /);
      if (expected.path) assert.match(run.stderr, new RegExp(`^${escape(expected.path)}: `, 'm'));
      assert.match(run.stderr, new RegExp(expected.message.replace(/^\^/, ''), 'm'));
      for (const secret of manifest.plaintextPasswords) assert.ok(!run.stderr.includes(secret), 'no password');
      assert.equal((await stack.cli('status', '--service', service)).code, 1, 'no workflow was started');
      assert.deepEqual(await requestCounts(), before, 'no API call');
    });
  }

  const good = join(__dirname, '..', 'fixtures', 'good-config.yaml');
  for (const [flags, path] of [
    [['--poll-interval', '0'], 'options.pollIntervalSeconds'],
    [['--operation-poll', '301'], 'options.operationPollSeconds'],
    [['--rollback-window', '-1'], 'options.rollbackWindowSeconds'],
    [['--migration-id', 'Hms_Migration'], 'migrationExecutionId'],
  ] as const) {
    it(`exits 2 naming ${path} for ${flags.join(' ')}`, async () => {
      const service = await stack.seedService();
      const before = await requestCounts();
      const run = await stack.cli('start', '--service', service, '--config', good, ...flags);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`^${escape(path)}: `, 'm'));
      assert.deepEqual(await requestCounts(), before, 'no API call');
    });
  }

  // The outgoing kind's gcloud flags: checked by that kind's schema at the worker's API version (v1 here), the flag
  // named, before Temporal or the API is asked anything.
  for (const [flags, expected] of [
    [
      ['--hive-catalog', 'projects/corp-lake/locations/us/catalogs/hive-main'],
      /^--hive-catalog \(biglakeMetastoreMigrationConfig\.hiveConfig\.catalog\): must not name a location/m,
    ],
    [
      ['--mode', 'incremental-sync', '--iceberg-catalog', 'projects/corp-lake/catalogs/ice'],
      /^--mode \(biglakeMetastoreMigrationConfig\.mode\): must be BACKFILL with API version v1/m,
    ],
    [['--hive-databases', 'sales'], /^--hive-databases needs --hive-catalog/],
    [
      ['--config', good, '--dry-run', '--report-path', 'gs://r'],
      /^--dry-run, --report-path: flags of the outgoing kind/,
    ],
  ] as const) {
    it(`exits 2 for ${flags.join(' ')}, naming the flag, and calls nothing`, async () => {
      const service = await stack.seedService();
      const before = await requestCounts();
      const run = await stack.cli('start', '--service', service, ...flags);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, expected);
      assert.deepEqual(await requestCounts(), before, 'no API call');
    });
  }

  it('exits 2 for a service name with a zone where the region belongs', async () => {
    const run = await stack.cli('status', '--service', 'projects/corp-data-prod/locations/us-central1-a/services/hms');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^--service: names a zone where a region belongs/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
