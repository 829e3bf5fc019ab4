// src/hive/gen is committed (the build needs no Thrift compiler); this proves it is exactly what the IDL generates.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const HIVE = join(__dirname, '..', '..', 'src', 'hive');

describe('generated Thrift code', () => {
  it('is what `npm run thrift:gen` makes of hive_metastore.thrift', async () => {
    const out = await mkdtemp(join(tmpdir(), 'thrift-gen-'));
    try {
      await promisify(execFile)('thrift', ['--gen', 'js:node,ts', '-out', out, join(HIVE, 'hive_metastore.thrift')]);
      const files = (await readdir(out)).sort();
      assert.deepEqual(files, (await readdir(join(HIVE, 'gen'))).sort());
      for (const file of files) {
        const fresh = await readFile(join(out, file), 'utf8');
        assert.equal(await readFile(join(HIVE, 'gen', file), 'utf8'), fresh, `${file} differs: run npm run thrift:gen`);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
