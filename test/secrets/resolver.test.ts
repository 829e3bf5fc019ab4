import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SecretRef } from '../../src/schemas';
import {
  MAX_SECRET_FILE_BYTES,
  SecretUnresolvedError,
  createSecretResolver,
  resolveMigrationExecution,
} from '../../src/secrets/resolver';
import type { SecretResolver } from '../../src/secrets/resolver';
import { SECRET_ENV, migrationExecutionRequest, secretPolicyFor } from '../helpers/migration';

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
  let resolve: SecretResolver;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secrets-'));
    const env = { CDC_PASSWORD: 'cdc-Value-1', EMPTY: '', OTHER: OTHER_VALUE };
    resolve = createSecretResolver(env, undefined, {
      env: ['CDC_PASSWORD', 'EMPTY', 'NOT_SET_ANYWHERE'],
      dir,
      projects: [],
    });
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
    const resolved = await resolveMigrationExecution(
      request,
      createSecretResolver({ ...SECRET_ENV }, undefined, secretPolicyFor(SECRET_ENV)),
    );
    assert.equal(resolved.cloudSqlMigrationConfig?.cloudSqlConnectionConfig.password, SECRET_ENV.HIVE_DB_PASSWORD);
    assert.equal(resolved.cloudSqlMigrationConfig?.cdcConfig.password, SECRET_ENV.CDC_PASSWORD);
    assert.deepEqual(request, migrationExecutionRequest());
  });

  it('names the full field path of the password that cannot be resolved, never a value', async () => {
    const resolver = createSecretResolver(
      { HIVE_DB_PASSWORD: SECRET_ENV.HIVE_DB_PASSWORD, OTHER: OTHER_VALUE },
      undefined,
      { env: ['HIVE_DB_PASSWORD', 'OTHER'], projects: [] },
    );
    await assertUnresolved(resolveMigrationExecution(migrationExecutionRequest(), resolver), 'env:CDC_PASSWORD', [
      SECRET_ENV.HIVE_DB_PASSWORD,
    ]);
  });
});

describe('what a worker allows secret references to name', () => {
  let root: string;
  let allowed: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'secret-policy-'));
    allowed = join(root, 'allowed');
    await mkdir(allowed);
  });
  after(() => rm(root, { recursive: true, force: true }));

  const env = { HIVE_DB_PASSWORD: 'hive-Value-1', TEMPORAL_API_KEY: 'stolen-Key-9f', HIVE_CDC: 'cdc-Value-2' };

  it('resolves only the variables it lists, by name or by prefix, and names the setting otherwise', async () => {
    const resolve = createSecretResolver(env, undefined, { env: ['HIVE_*'], projects: [] });
    assert.equal(await resolve('env:HIVE_DB_PASSWORD', FIELD), 'hive-Value-1');
    assert.equal(await resolve('env:HIVE_CDC', FIELD), 'cdc-Value-2');
    await assert.rejects(resolve('env:TEMPORAL_API_KEY', FIELD), (err: Error) => {
      assert.ok(err instanceof SecretUnresolvedError);
      assert.match(err.message, /env:TEMPORAL_API_KEY is not allowed on this worker: METASTORE_MIGRATOR_SECRET_ENV/);
      assert.ok(!err.message.includes('stolen-Key-9f'));
      return true;
    });
    // Nothing is allowed unless the operator says so.
    const none = createSecretResolver(env, undefined, { env: [], projects: [] });
    await assert.rejects(none('env:HIVE_DB_PASSWORD', FIELD), /METASTORE_MIGRATOR_SECRET_ENV does not list/);
  });

  it('reads files only inside its directory: no path outside, no symlink out, no device, nothing over 64 KiB', async () => {
    const outside = join(root, 'outside-secret');
    await writeFile(outside, 'outside-Value-3');
    const inside = join(allowed, 'password');
    await writeFile(inside, 'inside-Value-4\n');
    await symlink(outside, join(allowed, 'link-out'));
    await writeFile(join(allowed, 'huge'), 'x'.repeat(MAX_SECRET_FILE_BYTES + 1));
    await mkdir(join(allowed, 'subdir'));
    const resolve = createSecretResolver({}, undefined, { env: [], dir: allowed, projects: [] });
    assert.equal(await resolve(`file:${inside}`, FIELD), 'inside-Value-4');
    const refusals: Array<[string, RegExp]> = [
      [`file:${outside}`, /not inside METASTORE_MIGRATOR_SECRET_DIR/],
      [`file:${allowed}/../outside-secret`, /not inside METASTORE_MIGRATOR_SECRET_DIR/],
      [`file:${join(allowed, 'link-out')}`, /not inside METASTORE_MIGRATOR_SECRET_DIR/],
      ['file:/dev/zero', /not inside METASTORE_MIGRATOR_SECRET_DIR/],
      [`file:${join(allowed, 'huge')}`, /is larger than 64 KiB/],
      [`file:${join(allowed, 'subdir')}`, /is not a regular file/],
    ];
    for (const [ref, why] of refusals) {
      await assert.rejects(resolve(ref as SecretRef, FIELD), (err: Error) => {
        assert.ok(err instanceof SecretUnresolvedError, ref);
        assert.match(err.message, why, ref);
        assert.ok(!err.message.includes('outside-Value-3'));
        return true;
      });
    }
    const noDir = createSecretResolver({}, undefined, { env: [], projects: [] });
    await assert.rejects(noDir(`file:${inside}`, FIELD), /METASTORE_MIGRATOR_SECRET_DIR is not set/);
  });

  it('reads Secret Manager versions only of the projects it lists, before any request', async () => {
    const requested: string[] = [];
    const access = async (name: string) => {
      requested.push(name);
      return 'sm-Value-5';
    };
    const resolve = createSecretResolver({}, access, { env: [], projects: ['mine'] });
    assert.equal(await resolve('projects/mine/secrets/hive/versions/latest', FIELD), 'sm-Value-5');
    await assert.rejects(
      resolve('projects/theirs/secrets/hive/versions/1', FIELD),
      /is not allowed on this worker: METASTORE_MIGRATOR_SECRET_PROJECTS does not list theirs/,
    );
    assert.deepEqual(requested, ['projects/mine/secrets/hive/versions/latest']);
  });
});
