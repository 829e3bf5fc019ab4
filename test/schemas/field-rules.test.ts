// The field rules one by one: what each must still accept (the rules must not block a real migration) and the
// edge cases the corpus (validation-corpus.test.ts) does not cover.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import {
  BucketNameSchema,
  Cidr29Schema,
  InstanceConnectionNameSchema,
  Ipv4AddressSchema,
  MigrationExecutionIdSchema,
  MigrationOptionsSchema,
  MysqlDatabaseSchema,
  MysqlUserSchema,
  NetworkNameSchema,
  RootPathSchema,
  SecretRefSchema,
  ServiceNameSchema,
  SubnetworkNameSchema,
  parseInstanceConnectionName,
  parseIpv4,
} from '../../src/schemas';

function accepts(schema: z.ZodType, values: unknown[]): void {
  for (const value of values) {
    const parsed = schema.safeParse(value);
    assert.ok(parsed.success, `refused ${JSON.stringify(value)}: ${parsed.error?.issues[0]?.message}`);
  }
}

/** Refused, with a message matching `message` that does not repeat the value. */
function refuses(schema: z.ZodType, values: unknown[], message: RegExp): void {
  for (const value of values) {
    const parsed = schema.safeParse(value);
    assert.ok(!parsed.success, `accepted ${JSON.stringify(value)}`);
    const text = parsed.error.issues.map((issue) => issue.message).join('\n');
    assert.match(text, message, `for ${JSON.stringify(value)}`);
    if (typeof value === 'string' && value.length > 5) assert.ok(!text.includes(value), `repeats ${value}`);
  }
}

describe('field rules', () => {
  it('instanceConnectionName: both spellings, domain-scoped projects, any region', () => {
    accepts(InstanceConnectionNameSchema, [
      'corp-data-prod:us-central1:hive-mysql',
      'corp-data-prod/us-central1/hive-mysql',
      'example.com:corp-data:europe-west4:hms',
      'example.com:corp-data/northamerica-northeast1/h',
    ]);
    assert.deepEqual(parseInstanceConnectionName('example.com:corp-data:europe-west4:hms'), {
      project: 'example.com:corp-data',
      region: 'europe-west4',
      instance: 'hms',
    });
    refuses(InstanceConnectionNameSchema, ['corp-data-prod::hms', ':us-central1:hms', 'a:b:c:d:e'], /PROJECT_ID/);
  });

  it('ipAddress: dotted quads, including the loopback a local setup uses', () => {
    accepts(Ipv4AddressSchema, ['10.20.0.5', '127.0.0.1', '100.64.0.1', '1.0.0.0', '223.255.255.255', '34.66.1.2']);
    refuses(Ipv4AddressSchema, ['224.0.0.1', '255.255.255.255', '0.1.2.3'], /host address/);
    refuses(Ipv4AddressSchema, ['10.0.0', '10.0.0.0.1', '1.2.3.-4', ''], /IPv4 address/);
    assert.equal(parseIpv4('10.0.0.1'), 0x0a000001);
    assert.equal(parseIpv4('01.0.0.1'), undefined);
  });

  it('subnetIpRange: /29 and wider ranges on their network address', () => {
    accepts(Cidr29Schema, ['10.0.0.0/29', '10.0.0.8/29', '10.0.0.0/28', '172.16.0.0/12', '192.168.100.0/24']);
    refuses(Cidr29Schema, ['10.0.0.4/29', '10.0.0.0/8/1', '10.0.0.0/029'], /host bits|IPv4 CIDR range/);
  });

  it('subnetworks and networks: project ids and numbers, RFC 1035 names', () => {
    accepts(SubnetworkNameSchema, [
      'projects/corp-data-prod/regions/us-central1/subnetworks/a',
      'projects/123456789012/regions/europe-west10/subnetworks/hms-proxy-1',
      'projects/example.com:corp-data/regions/asia-south2/subnetworks/hms',
    ]);
    refuses(SubnetworkNameSchema, ['projects/corp-data-prod/regions/us-central1/subnetworks/hms-'], /subnet name/);
    refuses(SubnetworkNameSchema, ['projects/1corp-data/regions/us-central1/subnetworks/hms'], /project/);
    refuses(SubnetworkNameSchema, ['projects/corp-data-prod/locations/us-central1/subnetworks/hms'], /subnetwork/);
    accepts(NetworkNameSchema, ['projects/corp-data-prod/locations/global/networks/default']);
    refuses(NetworkNameSchema, ['projects/corp-data-prod/locations/global/networks/Default'], /network name/);
  });

  it('bucket: dotted names up to 222 characters, underscores', () => {
    accepts(BucketNameSchema, ['abc', 'hms_cdc-1', 'cdc.example.com', `${'a'.repeat(63)}.${'b'.repeat(63)}`]);
    refuses(BucketNameSchema, ['a'.repeat(64)], /3-63 characters/);
    refuses(BucketNameSchema, [`${'a'.repeat(64)}.com`], /parts of 1-63 characters/);
    refuses(BucketNameSchema, ['cdc..example'], /parts of 1-63 characters/);
    refuses(BucketNameSchema, ['my-google-bucket', 'g00gle-cdc'], /google/);
    refuses(BucketNameSchema, ['cdc bucket'], /only lowercase letters/);
  });

  it('rootPath: absolute folder paths', () => {
    accepts(RootPathSchema, ['/', '/migration', '/hms/2025/cdc/', '/a.b/c..d']);
    refuses(RootPathSchema, ['/migration/./cdc'], /'\.' or '\.\.'/);
    refuses(RootPathSchema, ['/migration\ncdc'], /control characters/);
  });

  it('MySQL names: common database names and users up to 32 characters', () => {
    accepts(MysqlDatabaseSchema, ['hive', 'hive_metastore', 'hive-metastore', 'HMS$3', '3rd_hive', 'h'.repeat(64)]);
    accepts(MysqlUserSchema, ['hive', 'datastream', 'dpms.user', 'u'.repeat(32)]);
    refuses(MysqlUserSchema, ['data\tstream'], /whitespace/);
  });

  it('secret references: env:NAME and file: with an absolute path', () => {
    accepts(SecretRefSchema, ['env:CDC_PASSWORD', 'env:_x1', 'file:/run/secrets/cdc', 'file:/a b/c']);
    refuses(SecretRefSchema, ['env:', 'env:1X'], /environment variable name/);
    refuses(SecretRefSchema, ['$CDC_PASSWORD'], /shell syntax/);
    refuses(SecretRefSchema, ['file:/run/secrets/cdc\n'], /control characters/);
    refuses(SecretRefSchema, ['hunter2-plaintext', ''], /plaintext passwords are refused/);
  });

  it('service names: project id or number, a region, a service id of 2-63 characters', () => {
    accepts(ServiceNameSchema, [
      'projects/corp-data-prod/locations/us-central1/services/hms',
      'projects/123456789012/locations/europe-west4/services/Hms-2',
    ]);
    refuses(ServiceNameSchema, ['projects/corp-data-prod/locations/us-central1/services/h'], /service id/);
    refuses(ServiceNameSchema, ['projects/corp-data-prod/locations/us-central1/services/1hms'], /service id/);
    refuses(ServiceNameSchema, ['projects/corp-data-prod/locations/us-central1-a/services/hms'], /zone/);
    refuses(ServiceNameSchema, ['projects/corp-data-prod/services/hms'], /service resource name/);
  });

  it('migrationExecutionId: the API rule', () => {
    accepts(MigrationExecutionIdSchema, ['ab', 'hms-to-spanner-1', `a${'b'.repeat(62)}`]);
    refuses(MigrationExecutionIdSchema, ['a', 'Hms', 'hms-', '1hms', `a${'b'.repeat(63)}`], /2-63 characters/);
    refuses(MigrationExecutionIdSchema, [42], /not a number/);
  });

  it('options: ranges in the message, missing ones defaulted', () => {
    assert.equal(MigrationOptionsSchema.parse({}).pollIntervalSeconds, 60);
    refuses(MigrationOptionsSchema.shape.pollIntervalSeconds, [0, 3601, Infinity, NaN], /seconds from 0\.1 to 3600/);
    refuses(MigrationOptionsSchema.shape.maxHistoryEvents, [49.5, 40_001, '5000'], /whole number of history events/);
  });
});
