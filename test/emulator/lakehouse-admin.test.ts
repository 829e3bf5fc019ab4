// Lakehouse catalogs through the admin API: request checks naming the field, seeding rules, and the state file
// keeping catalogs with their contents across a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { admin, call, type Emulator, startEmulator } from '../helpers/emulator';

describe('Lakehouse catalogs via the admin API', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator?.close());

  it('refuses malformed catalogs and seeds naming the field path', async () => {
    const badName = await call(emulator, 'POST', '/_emulator/catalogs', { name: 'catalogs/x', type: 'HIVE' });
    assert.equal(badName.status, 400);
    assert.match(badName.body.error.message, /^name: /);
    const badLocation = await call(emulator, 'POST', '/_emulator/catalogs', {
      name: 'projects/p/catalogs/c',
      type: 'ICEBERG',
      locations: ['s3://x'],
    });
    assert.match(badLocation.body.error.message, /^locations\.0: /);
    await admin(emulator, 'catalogs', { name: 'projects/p/catalogs/c', type: 'ICEBERG' });
    const duplicate = await call(emulator, 'POST', '/_emulator/catalogs', {
      name: 'projects/p/catalogs/c',
      type: 'HIVE',
    });
    assert.equal(duplicate.status, 409);
    const wrongKind = await call(emulator, 'POST', '/_emulator/catalogs:seed', {
      catalog: 'projects/p/catalogs/c',
      databases: { db: {} },
    });
    assert.equal(wrongKind.status, 400);
    assert.equal(wrongKind.body.error.status, 'FAILED_PRECONDITION');
    const badTable = await call(emulator, 'POST', '/_emulator/catalogs:seed', {
      catalog: 'projects/p/catalogs/c',
      namespaces: { ns: { t: { columns: [{ name: 'a' }] } } },
    });
    assert.match(badTable.body.error.message, /^namespaces\.ns\.t\.columns\.0\.type: /);
    const missing = await call(emulator, 'POST', '/_emulator/catalogs:remove', { name: 'projects/p/catalogs/nope' });
    assert.equal(missing.status, 404);
  });
});

describe('Lakehouse catalogs: --state-file', () => {
  it('keeps catalogs and their tables across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakehouse-state-'));
    const stateFile = join(dir, 'state.json');
    try {
      const first = await startEmulator({ stateFile });
      await admin(first, 'catalogs', { name: 'projects/p/catalogs/h', type: 'HIVE', locations: ['gs://bkt'] });
      await admin(first, 'catalogs:seed', {
        catalog: 'projects/p/catalogs/h',
        // A computed key: a literal `__proto__:` would set the prototype instead of naming a database.
        databases: { ['__proto__']: { t: { partitionKeys: [{ name: 'dt', type: 'string' }], partitions: ['dt=1'] } } },
      });
      await first.close();
      const second = await startEmulator({ stateFile });
      try {
        const { status, body } = await call(
          second,
          'GET',
          '/hive/v1/projects/p/catalogs/h/databases/__proto__/tables/t/partitions:list',
        );
        assert.equal(status, 200);
        assert.deepEqual(body, [{ partitions: [{ values: ['1'] }] }]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
