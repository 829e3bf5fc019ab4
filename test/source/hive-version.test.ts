import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hiveSchemaCompatibility, parseHiveVersion } from '../../src/source/hive-version';

function compatibility(schema: string, service: string) {
  const parsedSchema = parseHiveVersion(schema);
  const parsedService = parseHiveVersion(service);
  assert.ok(parsedSchema && parsedService);
  return hiveSchemaCompatibility(parsedSchema, parsedService);
}

describe('hiveSchemaCompatibility', () => {
  it('accepts a schema of the same major.minor line that is not newer than the service', () => {
    assert.deepEqual(compatibility('3.1.0', '3.1.2'), { compatible: true });
    assert.deepEqual(compatibility('2.3.0', '2.3.6'), { compatible: true });
    assert.deepEqual(compatibility('3.1.2', '3.1.2'), { compatible: true });
  });

  it('rejects an older line as older and a newer line or patch as newer', () => {
    assert.deepEqual(compatibility('2.3.0', '3.1.2'), { compatible: false, reason: 'older' });
    assert.deepEqual(compatibility('3.0.0', '3.1.2'), { compatible: false, reason: 'older' });
    assert.deepEqual(compatibility('3.1.0', '2.3.6'), { compatible: false, reason: 'newer' });
    assert.deepEqual(compatibility('3.1.3000', '3.1.2'), { compatible: false, reason: 'newer' });
  });
});

describe('parseHiveVersion', () => {
  it('reads two or three numbers, ignores a suffix and refuses anything else', () => {
    assert.deepEqual(parseHiveVersion('3.1.0'), { major: 3, minor: 1, patch: 0 });
    assert.deepEqual(parseHiveVersion('2.3'), { major: 2, minor: 3, patch: 0 });
    assert.deepEqual(parseHiveVersion('3.1.2-SNAPSHOT'), { major: 3, minor: 1, patch: 2 });
    assert.equal(parseHiveVersion('three'), undefined);
    assert.equal(parseHiveVersion(''), undefined);
  });
});
