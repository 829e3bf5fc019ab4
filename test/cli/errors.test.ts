// Config errors once, cause first, and with --json as a list of { path, message } rather than lines in a string.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { describeError, errorJson } from '../../src/cli/errors';
import { MigrationConfigError, parseMigrationConfig } from '../../src/cli/migration-config';

const corpus = join(__dirname, '..', 'fixtures', 'bad-configs');

function refusal(file: string): MigrationConfigError {
  try {
    parseMigrationConfig(readFileSync(join(corpus, file), 'utf8'), file);
  } catch (err) {
    assert.ok(err instanceof MigrationConfigError);
    return err;
  }
  assert.fail(`${file} was accepted`);
}

describe('config errors', () => {
  it('report a typo once, as the unknown field, not again as the field it misspells being missing', () => {
    const err = refusal('unknown-field-typo.yaml');
    assert.deepEqual(err.issues, [
      {
        path: 'cloudSqlMigrationConfig.cloudSqlConnectionConfig',
        message: 'unknown field "ipAdress" (did you mean "ipAddress"?)',
      },
    ]);
    assert.equal(err.message.split('\n').length, 2, err.message);
  });

  it('with --json are { type, message, issues: [{ path, message }] }', () => {
    const json = errorJson(describeError(refusal('unknown-field-typo.yaml')), (text) => text);
    assert.deepEqual(json, {
      error: {
        type: 'MigrationConfigError',
        message: 'unknown-field-typo.yaml: invalid migration config',
        issues: [
          {
            path: 'cloudSqlMigrationConfig.cloudSqlConnectionConfig',
            message: 'unknown field "ipAdress" (did you mean "ipAddress"?)',
          },
        ],
      },
    });
    assert.deepEqual(
      errorJson({ type: 'NotFound', message: 'gone' }, (t) => t),
      {
        error: { type: 'NotFound', message: 'gone' },
      },
    );
  });

  it('name every kind of secret reference for a plaintext password', () => {
    const [issue] = refusal('cdc-password-plaintext.yaml').issues ?? [];
    assert.ok(issue);
    assert.equal(issue.path, 'cloudSqlMigrationConfig.cdcConfig.password');
    assert.match(
      issue.message,
      /env:NAME, file:\/ABSOLUTE\/PATH or a Secret Manager version projects\/PROJECT\/secrets\/SECRET\/versions\/VERSION/,
    );
  });
});
