import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SecretRef } from '../../src/schemas';
import { SecretUnresolvedError, createSecretResolver, resolveMigrationExecution } from '../../src/secrets/resolver';
import { SECRET_ENV, migrationExecutionRequest } from '../helpers/migration';

const FIELD = 'migrationExecution.cloudSqlMigrationConfig.cdcConfig.password';
const OTHER_VALUE = 'unrelated-Value-0b7e';

/** Expects SecretUnresolvedError whose message names field and reference and holds none of `values`. */
async function assertUnresolved(pending: Promise<unknown>, ref: string, values: string[] = []): Promise<void> {
  await assert.rejects(pending, (err: Error) => {
    assert.ok(err instanceof SecretUnresolvedError, `expected SecretUnresolvedError, got ${String(err)}`);
    assert.equal(err.name, 'SecretUnresolvedError');
    assert.ok(err.message.startsWith(`${FIELD}: `), err.message);
    assert.ok(err.message.includes(ref), err.message);
    for (const value of [OTHER_VALUE, ...values]) assert.ok(!err.message.includes(value), err.message);
    return true;
  });
}

describe('createSecretResolver', () => {
  let dir: string;
  const resolve = createSecretResolver({ CDC_PASSWORD: 'cdc-Value-1', EMPTY: '', OTHER: OTHER_VALUE });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secrets-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function secretFile(name: string, content: string): Promise<SecretRef> {
    const path = join(dir, name);
    await writeFile(path, content);
    return `file:${path}`;
  }

  it('resolves env:NAME from the given environment', async () => {
    assert.equal(await resolve('env:CDC_PASSWORD', FIELD), 'cdc-Value-1');
  });

  it('resolves file:PATH with one trailing newline trimmed (LF or CRLF)', async () => {
    assert.equal(await resolve(await secretFile('lf', 'file-Value-2\n'), FIELD), 'file-Value-2');
    assert.equal(await resolve(await secretFile('crlf', 'file-Value-3\r\n'), FIELD), 'file-Value-3');
    assert.equal(await resolve(await secretFile('bare', ' spaced value '), FIELD), ' spaced value ');
  });

  it('refuses a variable that is not set, or set to the empty string', async () => {
    await assertUnresolved(resolve('env:NOT_SET_ANYWHERE', FIELD), 'env:NOT_SET_ANYWHERE');
    await assertUnresolved(resolve('env:EMPTY', FIELD), 'env:EMPTY');
  });

  it('refuses a missing file', async () => {
    const ref = `file:${join(dir, 'absent')}`;
    await assertUnresolved(resolve(ref as SecretRef, FIELD), ref);
  });

  it('refuses an empty file and a file holding only a newline', async () => {
    const empty = await secretFile('empty', '');
    await assertUnresolved(resolve(empty, FIELD), empty);
    const newline = await secretFile('newline', '\n');
    await assertUnresolved(resolve(newline, FIELD), newline);
  });

  it('refuses a plaintext value without repeating it', async () => {
    const plaintext = 'Plain-Password-77aa';
    await assert.rejects(resolve(plaintext, FIELD), (err: Error) => {
      assert.ok(err instanceof SecretUnresolvedError);
      assert.ok(err.message.startsWith(`${FIELD}: `));
      assert.ok(!err.message.includes(plaintext), err.message);
      return true;
    });
  });
});

describe('resolveMigrationExecution', () => {
  it('fills both passwords in a copy and leaves the references in the request', async () => {
    const request = migrationExecutionRequest();
    const resolved = await resolveMigrationExecution(request, createSecretResolver({ ...SECRET_ENV }));
    assert.equal(resolved.cloudSqlMigrationConfig?.cloudSqlConnectionConfig.password, SECRET_ENV.HIVE_DB_PASSWORD);
    assert.equal(resolved.cloudSqlMigrationConfig?.cdcConfig.password, SECRET_ENV.CDC_PASSWORD);
    assert.deepEqual(request, migrationExecutionRequest());
  });

  it('names the full field path of the password that cannot be resolved, never a value', async () => {
    const resolver = createSecretResolver({ HIVE_DB_PASSWORD: SECRET_ENV.HIVE_DB_PASSWORD, OTHER: OTHER_VALUE });
    await assertUnresolved(resolveMigrationExecution(migrationExecutionRequest(), resolver), 'env:CDC_PASSWORD', [
      SECRET_ENV.HIVE_DB_PASSWORD,
    ]);
  });
});
