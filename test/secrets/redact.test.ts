import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { toApplicationFailure } from '../../src/activities/failures';
import { MetastoreApiError } from '../../src/metastore/errors';
import {
  MASK,
  MAX_REDACTED_CHARS,
  forTerminal,
  redact,
  redactValue,
  registerSecret,
  registeredSecrets,
} from '../../src/secrets/redact';
import { RedactingLogger } from '../../src/secrets/redacting-logger';
import { createSecretResolver } from '../../src/secrets/resolver';

describe('redact', () => {
  it('masks every occurrence of a known secret value', () => {
    assert.equal(redact('a hunter22 b hunter22', ['hunter22']), `a ${MASK} b ${MASK}`);
  });

  it('leaves secrets shorter than four characters alone rather than masking common text', () => {
    assert.equal(redact('abc abc', ['abc']), 'abc abc');
  });

  it('masks password fields in JSON, also with escaped quotes and other key spellings', () => {
    assert.equal(
      redact('{"password":"p\\"w1","user":"hive","cdcPassword": "x y","apiKey":"k-1"}', []),
      `{"password":"${MASK}","user":"hive","cdcPassword": "${MASK}","apiKey":"${MASK}"}`,
    );
  });

  it('masks password values in YAML, env files and query strings', () => {
    assert.equal(redact('user: hive\npassword: s3cr3t\nport: 1', []), `user: hive\npassword: ${MASK}\nport: 1`);
    assert.equal(redact("  password: 'two words'", []), `  password: ${MASK}`);
    assert.equal(redact('HIVE_DB_PASSWORD=abcdef', []), `HIVE_DB_PASSWORD=${MASK}`);
    assert.equal(redact('?user=a&password=xyz&x=1', []), `?user=a&password=${MASK}&x=1`);
    assert.equal(redact('{ db_token: abc }', []), `{ db_token: ${MASK} }`);
  });

  it('keeps secret references and validation messages readable', () => {
    const texts = [
      'password: env:HIVE_DB_PASSWORD',
      '"password": "file:/run/secrets/cdc"',
      "cdcConfig.password: env:CDC_PASSWORD is not set in the worker's environment",
      'cloudSqlConnectionConfig.password: must be a secret reference, env:NAME or file:PATH',
      'SecretUnresolved: x.password: not a secret reference (env:NAME or file:PATH)',
    ];
    for (const text of texts) assert.equal(redact(text, []), text);
  });

  it('masks bearer tokens and private key blocks, also JSON-escaped or cut off', () => {
    assert.equal(redact('Authorization: Bearer ya29.a0-b_c/d+e==', []), `Authorization: Bearer ${MASK}`);
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----';
    assert.equal(redact(`before ${pem} after`, []), `before ${MASK} private key after`);
    const json = JSON.stringify({ private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' });
    assert.ok(!redact(json, []).includes('MIIE'));
    assert.ok(!redact('-----BEGIN PRIVATE KEY-----\nMIIEtruncated', []).includes('MIIE'));
  });

  it('masks what the secret resolver resolved, with no list passed in', async () => {
    const value = 'resolved-Value-41c2';
    await createSecretResolver({ DB: value }, undefined, { env: ['DB'], projects: [] })('env:DB', 'field');
    assert.ok(registeredSecrets().includes(value));
    assert.equal(redact(`connect failed for ${value}`), `connect failed for ${MASK}`);
  });

  // A guard against the quadratic scan this had (32 K characters of dotted text took 0.46 s, so this size took
  // minutes): the timeout bounds a hang, not a performance target.
  it('redacts a megabyte of dotted and hyphenated text, still masking what follows it', { timeout: 60_000 }, () => {
    for (const filler of ['a.'.repeat(500_000), 'b-'.repeat(500_000), 'x'.repeat(1_000_000)]) {
      const text = `${filler} Bearer abc.def "api-key": "k-1" password=hunter2-Secret-77`;
      const out = redact(text, []);
      assert.ok(out.startsWith(filler.slice(0, 1000)));
      assert.ok(out.endsWith(`Bearer ${MASK} "api-key": "${MASK}" password=${MASK}`), out.slice(-80));
    }
  });

  it('cuts text beyond MAX_REDACTED_CHARS off, saying how much, and redacts the rest', () => {
    const text = `{"token": "abcd-1234"} ${'z'.repeat(MAX_REDACTED_CHARS)}`;
    const out = redact(text, []);
    assert.ok(out.startsWith(`{"token": "${MASK}"} `), out.slice(0, 40));
    assert.ok(out.endsWith(` … [${text.length - MAX_REDACTED_CHARS} characters cut]`));
    assert.ok(out.length < MAX_REDACTED_CHARS + 100);
  });

  it('masks the JSON-escaped form of a registered secret too', () => {
    registerSecret('quo"te\\back');
    assert.equal(redact(JSON.stringify({ note: 'x quo"te\\back y' })), JSON.stringify({ note: `x ${MASK} y` }));
  });
});

describe('forTerminal', () => {
  it('shows control characters from the API or the source as escapes, keeping newlines and tabs', () => {
    const hostile = 'table\x1b]0;pwned\x07 name\x1b[2J\r\x9b31m\tok\nnext';
    const shown = forTerminal(hostile);
    // eslint-disable-next-line no-control-regex -- control characters are what must not be left
    assert.doesNotMatch(shown, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    assert.equal(shown, 'table\\u{1b}]0;pwned\\u{7} name\\u{1b}[2J\\u{d}\\u{9b}31m\tok\nnext');
  });
});

describe('redactValue', () => {
  it('masks strings in nested objects, arrays and errors and keeps symbol keys and other values', () => {
    const timestamp = Symbol.for('log_timestamp');
    const meta = {
      [timestamp]: 123n,
      count: 3,
      cdcPassword: 'plain-1',
      password: 'env:CDC_PASSWORD',
      nested: { list: ['ok', 'Bearer abc'], when: new Date(0) },
      error: new TypeError('bad password=xyz'),
    };
    const result = redactValue(meta, []) as typeof meta;
    assert.equal(result[timestamp], 123n);
    assert.equal(result.count, 3);
    assert.equal(result.cdcPassword, MASK);
    assert.equal(result.password, 'env:CDC_PASSWORD', 'a reference is not a secret');
    assert.deepEqual(result.nested.list, ['ok', `Bearer ${MASK}`]);
    assert.ok(result.nested.when instanceof Date);
    assert.equal(result.error.message, `bad password=${MASK}`);
    assert.equal(result.error.name, 'TypeError');
    assert.ok(!result.error.stack?.includes('xyz'));
    assert.equal(meta.error.message, 'bad password=xyz', 'the original is untouched');
  });
});

describe('RedactingLogger', () => {
  it('redacts message and metadata before the inner logger sees them, and drops lines below its level', () => {
    const lines: [LogLevel, string, LogMetadata | undefined][] = [];
    const inner: Logger = {
      log: (level, message, meta) => lines.push([level, message, meta]),
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    };
    const logger = new RedactingLogger(inner, 'INFO');
    registerSecret('logger-secret-9e');
    logger.debug('dropped logger-secret-9e');
    logger.warn('saw logger-secret-9e', { detail: { password: 'x', ref: 'env:X', text: 'password: hunter22' } });
    assert.deepEqual(lines, [
      ['WARN', `saw ${MASK}`, { detail: { password: MASK, ref: 'env:X', text: `password: ${MASK}` } }],
    ]);
  });
});

describe('activity failures', () => {
  it('pass API and unexpected error messages through redact', () => {
    registerSecret('api-echoed-secret');
    const api = new MetastoreApiError({
      httpStatus: 400,
      status: 'INVALID_ARGUMENT',
      message: 'bad value api-echoed-secret',
      method: 'services.startMigration',
      resource: 'projects/p/locations/l/services/s',
    });
    const failure = toApplicationFailure(api);
    assert.ok(failure instanceof ApplicationFailure);
    assert.ok(failure.message.endsWith(`bad value ${MASK}`), failure.message);
    const other = toApplicationFailure(new Error('socket closed, password: abc123'));
    assert.ok(other instanceof Error);
    assert.equal(other.message, `socket closed, password: ${MASK}`);
    assert.ok(!other.stack?.includes('abc123'));
  });
});
