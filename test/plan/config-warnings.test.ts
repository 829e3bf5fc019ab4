import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configWarnings } from '../../src/plan/config-warnings';
import type { MigrationExecutionRequest } from '../../src/schemas';
import { UNREACHABLE_SOURCE, migrationExecutionRequest } from '../helpers/migration';

const SERVICE = 'projects/test-project/locations/us-central1/services/hms';

type Connection = NonNullable<MigrationExecutionRequest['cloudSqlMigrationConfig']>['cloudSqlConnectionConfig'];
type Cdc = NonNullable<MigrationExecutionRequest['cloudSqlMigrationConfig']>['cdcConfig'];

/** The test helper's request with a private IP: a configuration as the guide describes it. */
function request(connection: Partial<Connection> = {}, cdc: Partial<Cdc> = {}): MigrationExecutionRequest {
  const config = migrationExecutionRequest({ ...UNREACHABLE_SOURCE, port: 3306 }).cloudSqlMigrationConfig!;
  return {
    cloudSqlMigrationConfig: {
      cloudSqlConnectionConfig: { ...config.cloudSqlConnectionConfig, ipAddress: '10.20.0.5', ...connection },
      cdcConfig: { ...config.cdcConfig, ...cdc },
    },
  };
}

const subnet = (project: string, region: string, name: string) =>
  `projects/${project}/regions/${region}/subnetworks/${name}`;

function checks(service: string, body: MigrationExecutionRequest): string[] {
  const warnings = configWarnings(service, body);
  for (const w of warnings) assert.equal(w.level, 'warning');
  return warnings.map((w) => w.check).sort();
}

describe('configWarnings', () => {
  it('finds nothing in a configuration laid out as the guide describes', () => {
    assert.deepEqual(configWarnings(SERVICE, request()), []);
  });

  it('finds nothing for the guide spelling PROJECT_ID/LOCATION/INSTANCE_ID of the same instance', () => {
    assert.deepEqual(
      configWarnings(SERVICE, request({ instanceConnectionName: 'test-project/us-central1/hive-mysql' })),
      [],
    );
  });

  it('warns when proxySubnet is outside the Cloud SQL region', () => {
    const body = request({ proxySubnet: subnet('test-project', 'europe-west1', 'proxy') });
    const [found] = configWarnings(SERVICE, body);
    assert.equal(found?.check, 'config.proxySubnetRegion');
    assert.match(found?.message ?? '', /proxySubnet is in europe-west1 but the Cloud SQL instance is in us-central1/);
  });

  it('warns when natSubnet is outside the Cloud SQL region (read from either instance name spelling)', () => {
    for (const instanceConnectionName of ['test-project:europe-west4:hms', 'test-project/europe-west4/hms']) {
      const body = request({
        instanceConnectionName,
        proxySubnet: subnet('test-project', 'europe-west4', 'proxy'),
        natSubnet: subnet('test-project', 'us-central1', 'nat'),
      });
      assert.deepEqual(checks(SERVICE, body), ['config.natSubnetRegion']);
    }
  });

  it("warns when reverseProxySubnet is outside the service's region", () => {
    const body = request({}, { reverseProxySubnet: subnet('test-project', 'us-east1', 'reverse-proxy') });
    const [found, ...rest] = configWarnings(SERVICE, body);
    assert.deepEqual(rest, []);
    assert.equal(found?.check, 'config.reverseProxySubnetRegion');
    assert.match(found?.message ?? '', /us-east1 .*service is in us-central1/);
  });

  it('compares the reverse proxy with the service region, not the Cloud SQL region', () => {
    const body = request({
      instanceConnectionName: 'test-project:europe-west4:hms',
      proxySubnet: subnet('test-project', 'europe-west4', 'proxy'),
      natSubnet: subnet('test-project', 'europe-west4', 'nat'),
    });
    assert.deepEqual(checks(SERVICE, body), []);
  });

  it('warns about an ipAddress outside the private ranges', () => {
    for (const ipAddress of ['34.66.1.2', '172.32.0.1', '169.254.1.1', '192.169.0.1']) {
      const [found, ...rest] = configWarnings(SERVICE, request({ ipAddress }));
      assert.deepEqual(rest, [], ipAddress);
      assert.equal(found?.check, 'config.privateIp', ipAddress);
      assert.match(found?.message ?? '', /Private IP/);
      assert.ok(!found?.message.includes(ipAddress), 'the message does not repeat the address');
    }
  });

  it('accepts every private range: RFC 1918 and the 100.64.0.0/10 shared space', () => {
    for (const ipAddress of ['10.0.0.1', '172.16.0.1', '172.31.255.254', '192.168.1.1', '100.64.0.1', '100.127.0.1']) {
      assert.deepEqual(configWarnings(SERVICE, request({ ipAddress })), [], ipAddress);
    }
  });

  it('calls a loopback ipAddress what it is: a test setup', () => {
    const [found] = configWarnings(SERVICE, request({ ipAddress: '127.0.0.1' }));
    assert.equal(found?.check, 'config.privateIp');
    assert.match(found?.message ?? '', /loopback/);
    assert.match(found?.message ?? '', /test setup/);
  });

  it('warns when the port is not 3306', () => {
    assert.deepEqual(checks(SERVICE, request({ port: 3307 })), ['config.port']);
  });

  it('warns for each subnet named in another project than vpcNetwork', () => {
    const body = request(
      {
        proxySubnet: subnet('host-project', 'us-central1', 'proxy'),
        natSubnet: subnet('other-proj', 'us-central1', 'n'),
      },
      { reverseProxySubnet: subnet('host-project', 'us-central1', 'rp') },
    );
    assert.deepEqual(checks(SERVICE, body), [
      'config.natSubnetProject',
      'config.proxySubnetProject',
      'config.reverseProxySubnetProject',
    ]);
    const message = configWarnings(SERVICE, body)[0]?.message ?? '';
    assert.match(message, /Shared VPC/);
  });

  it('finds nothing for a Shared VPC named consistently by its host project', () => {
    const body = request(
      {
        instanceConnectionName: 'service-project:us-central1:hms',
        proxySubnet: subnet('host-project', 'us-central1', 'proxy'),
        natSubnet: subnet('host-project', 'us-central1', 'nat'),
      },
      {
        vpcNetwork: 'projects/host-project/locations/global/networks/shared',
        reverseProxySubnet: subnet('host-project', 'us-central1', 'rp'),
      },
    );
    assert.deepEqual(configWarnings(SERVICE, body), []);
  });

  it('hedges when a project is named by number', () => {
    const body = request({ proxySubnet: subnet('123456789012', 'us-central1', 'proxy') });
    const [found] = configWarnings(SERVICE, body);
    assert.equal(found?.check, 'config.proxySubnetProject');
    assert.match(found?.message ?? '', /project number/);
  });

  it('reports every problem at once', () => {
    const body = request(
      { ipAddress: '8.8.8.8', natSubnet: subnet('test-project', 'asia-east1', 'nat') },
      { reverseProxySubnet: subnet('test-project', 'asia-east1', 'rp') },
    );
    assert.deepEqual(checks(SERVICE, body), [
      'config.natSubnetRegion',
      'config.privateIp',
      'config.reverseProxySubnetRegion',
    ]);
  });
});
