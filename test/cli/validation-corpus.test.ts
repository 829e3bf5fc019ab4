// The corpus of bad migration configs (test/fixtures/bad-configs): each file is wrong in one way, and
// expected.json says which field path the refusal must name and what its message must say. The outgoing kind's
// files (biglake-*) are refused by the public request and by parseMigrationConfigOfEitherKind at the API version
// given, at the field that is wrong; the one rule that needs the version (INCREMENTAL_SYNC on v1) is the worker's
// request check's, since the CLI's parse does not know the version the worker calls.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  MigrationConfigError,
  parseMigrationConfig,
  parseMigrationConfigOfEitherKind,
} from '../../src/cli/migration-config';
import type { ApiVersion } from '../../src/schemas';
import { configWarnings } from '../../src/plan/config-warnings';

const dir = join(__dirname, '..', 'fixtures', 'bad-configs');

interface Expectation {
  /** What is wrong, for a reader. */
  wrong: string;
  /** The issue's field path as formatIssues prints it, '(root)' for the body itself; null for a file error. */
  path: string | null;
  /** A regex the message for that path must match. */
  message: string;
  /** Refused only at an API version (the worker's request check): the version-agnostic public parse accepts it. */
  acceptedWithoutVersion?: boolean;
  /** An outgoing config: what its own rules, at this API version, say (path and message as above). */
  outgoing?: { apiVersion: ApiVersion; path: string; message: string };
}

const manifest = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
  plaintextPasswords: string[];
  files: Record<string, Expectation>;
};

function refusal(file: string, parse: (text: string, file: string) => unknown = parseMigrationConfig): string {
  const text = readFileSync(join(dir, file), 'utf8');
  try {
    parse(text, file);
  } catch (err) {
    assert.ok(err instanceof MigrationConfigError, `expected MigrationConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail(`${file} was accepted`);
}

/** The message of the issue line `path: message`, or undefined when no line names that path. */
function issueFor(message: string, path: string): string | undefined {
  const prefix = `${path}: `;
  return message
    .split('\n')
    .slice(1)
    .find((line) => line.startsWith(prefix))
    ?.slice(prefix.length);
}

describe('the bad-config corpus', () => {
  const files = readdirSync(dir).filter((file) => file !== 'expected.json');

  it('has at least 40 files, each listed in expected.json and each entry a file', () => {
    assert.ok(files.length >= 40, `only ${files.length} files`);
    assert.deepEqual([...files].sort(), Object.keys(manifest.files).sort());
  });

  it('starts from a valid config that needs no warnings', () => {
    const good = parseMigrationConfig(readFileSync(join(dir, '..', 'good-config.yaml'), 'utf8'));
    assert.deepEqual(configWarnings('projects/corp-data-prod/locations/us-central1/services/hms', good), []);
  });

  it('starts the outgoing files from a valid outgoing config, which the public request takes as it is', () => {
    const text = readFileSync(join(dir, '..', 'good-outgoing-config.yaml'), 'utf8');
    for (const version of ['v1', 'v1beta', 'v1alpha'] as const) {
      const parsed = parseMigrationConfigOfEitherKind(text, version);
      assert.equal(parsed.biglakeMetastoreMigrationConfig?.mode, 'BACKFILL');
      assert.deepEqual(parsed.biglakeMetastoreMigrationConfig?.hiveConfig?.databases, ['sales', 'hr_2024']);
    }
    const good = readFileSync(join(dir, '..', 'good-config.yaml'), 'utf8');
    assert.deepEqual(
      parseMigrationConfigOfEitherKind(good, 'v1'),
      parseMigrationConfig(good),
      'the incoming kind as before',
    );
    const text2 = readFileSync(join(dir, '..', 'good-outgoing-config.yaml'), 'utf8');
    assert.deepEqual(parseMigrationConfig(text2), parseMigrationConfigOfEitherKind(text2, 'v1'));
  });

  for (const [file, expected] of Object.entries(manifest.files)) {
    it(`refuses ${file} (${expected.wrong})`, () => {
      if (expected.acceptedWithoutVersion) {
        assert.ok(parseMigrationConfig(readFileSync(join(dir, file), 'utf8'), file));
      } else {
        assertRefusal(file, refusal(file), expected);
      }
      const outgoing = expected.outgoing;
      if (outgoing) {
        const parse = (text: string, source: string) =>
          parseMigrationConfigOfEitherKind(text, outgoing.apiVersion, source);
        assertRefusal(file, refusal(file, parse), outgoing);
      }
    });
  }
});

function assertRefusal(file: string, message: string, expected: Pick<Expectation, 'path' | 'message'>): void {
  if (expected.path === null) {
    assert.match(message, new RegExp(expected.message));
    assert.equal(message.split('\n').length, 1, 'a file error is one line');
  } else {
    assert.match(message, new RegExp(`^${escape(file)}: invalid migration config:\n`));
    const issue = issueFor(message, expected.path);
    assert.ok(issue !== undefined, `no issue for ${expected.path} in:\n${message}`);
    assert.match(issue, new RegExp(expected.message), `for ${expected.path} in:\n${message}`);
  }
  for (const secret of manifest.plaintextPasswords) {
    assert.ok(!message.includes(secret), `the message repeats a password:\n${message}`);
  }
  assert.doesNotMatch(message, /\bat .+:\d+:\d+/, 'no stack trace');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
