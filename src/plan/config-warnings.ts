// Checks that Google's migration guide implies but the API does not enforce, read from the request alone (no I/O).
// They are warnings for `plan`, never refusals: each has a legitimate exception (a local emulator or test
// setup, privately used public IP ranges, a name given by project number, a deliberate placement).
// Values from the zod-free modules only: the workflow's prechecks run these (see schemas/index.ts).
import { inIpv4Range, parseIpv4 } from '../schemas/ipv4';
import {
  parseInstanceConnectionName,
  parseNetworkName,
  parseServiceResourceName,
  parseSubnetworkName,
} from '../schemas/resource-names';
import type { MigrationExecutionRequest } from '../schemas';
import type { Finding } from '../migration/findings';

export type ConfigWarning = Finding & { level: 'warning' };

type CloudSqlConfig = NonNullable<MigrationExecutionRequest['cloudSqlMigrationConfig']>;
type SubnetField = 'proxySubnet' | 'natSubnet' | 'reverseProxySubnet';

const warning = (check: string, message: string): ConfigWarning => ({ check, level: 'warning', message });

/** Every warning for this request (empty when the configuration looks as the guide describes it). */
export function configWarnings(service: string, migrationExecution: MigrationExecutionRequest): ConfigWarning[] {
  const config = migrationExecution.cloudSqlMigrationConfig;
  if (!config) return [];
  return [
    ...regionWarnings(service, config),
    ...privateIpWarnings(config.cloudSqlConnectionConfig.ipAddress),
    ...portWarnings(config.cloudSqlConnectionConfig.port),
    ...projectWarnings(config),
  ];
}

function subnets(config: CloudSqlConfig): Record<SubnetField, string> {
  return {
    proxySubnet: config.cloudSqlConnectionConfig.proxySubnet,
    natSubnet: config.cloudSqlConnectionConfig.natSubnet,
    reverseProxySubnet: config.cdcConfig.reverseProxySubnet,
  };
}

/** The guide's latency advice: proxy and NAT subnets in the Cloud SQL region, the reverse proxy in the service's. */
function regionWarnings(service: string, config: CloudSqlConfig): ConfigWarning[] {
  const sqlRegion = parseInstanceConnectionName(config.cloudSqlConnectionConfig.instanceConnectionName)?.region;
  const serviceRegion = parseServiceResourceName(service)?.location;
  const names = subnets(config);
  const found: ConfigWarning[] = [];
  for (const field of ['proxySubnet', 'natSubnet'] as const) {
    const region = parseSubnetworkName(names[field])?.region;
    if (!sqlRegion || !region || region === sqlRegion) continue;
    found.push(
      warning(
        `config.${field}Region`,
        `${field} is in ${region} but the Cloud SQL instance is in ${sqlRegion}: the migration guide puts ` +
          'proxySubnet and natSubnet in the Cloud SQL region to avoid latency',
      ),
    );
  }
  const reverseRegion = parseSubnetworkName(names.reverseProxySubnet)?.region;
  if (serviceRegion && reverseRegion && reverseRegion !== serviceRegion) {
    found.push(
      warning(
        'config.reverseProxySubnetRegion',
        `reverseProxySubnet is in ${reverseRegion} but the Dataproc Metastore service is in ${serviceRegion}: ` +
          "the migration guide requires the reverse proxy subnet in the service's region",
      ),
    );
  }
  return found;
}

const PRIVATE_RANGES: ReadonlyArray<readonly [string, number]> = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10], // shared address space (RFC 6598), valid for VPC subnets
];

/** The guide requires Cloud SQL with Private IP: ipAddress should be the instance's private address. */
function privateIpWarnings(ipAddress: string): ConfigWarning[] {
  const address = parseIpv4(ipAddress);
  if (address === undefined) return [];
  const within = (base: string, prefix: number) => inIpv4Range(address, parseIpv4(base) ?? 0, prefix);
  if (PRIVATE_RANGES.some(([base, prefix]) => within(base, prefix))) return [];
  if (within('127.0.0.0', 8)) {
    return [
      warning(
        'config.privateIp',
        'ipAddress is a loopback address (127.0.0.0/8): fine for a local emulator or test setup, but DPMS ' +
          "cannot reach a Cloud SQL instance there; give the instance's private IP",
      ),
    ];
  }
  return [
    warning(
      'config.privateIp',
      'ipAddress is outside the private ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10): the ' +
        "migration guide requires Cloud SQL with Private IP, so give the instance's private IP, not its public one " +
        '(unless the VPC uses privately used public IP ranges)',
    ),
  ];
}

function portWarnings(port: number): ConfigWarning[] {
  if (port === 3306) return [];
  return [
    warning(
      'config.port',
      'port is not 3306: Cloud SQL for MySQL listens on 3306, and the migration guide says to enter 3306',
    ),
  ];
}

/**
 * A subnetwork always lives in its network's project (with Shared VPC: both in the host project), so a subnet
 * named in another project than vpcNetwork is not in vpcNetwork, unless one of them names the project by number.
 */
function projectWarnings(config: CloudSqlConfig): ConfigWarning[] {
  const networkProject = parseNetworkName(config.cdcConfig.vpcNetwork)?.project;
  if (!networkProject) return [];
  const found: ConfigWarning[] = [];
  for (const [field, name] of Object.entries(subnets(config))) {
    const project = parseSubnetworkName(name)?.project;
    if (!project || project === networkProject) continue;
    const byNumber = [project, networkProject].some((p) => /^\d+$/.test(p))
      ? ' (if one of them is the project number of the other, ignore this)'
      : '';
    found.push(
      warning(
        `config.${field}Project`,
        `${field} is in project ${project} but vpcNetwork is in project ${networkProject}: a subnet belongs to a ` +
          'network of its own project, so the guide\'s "subnet in the Cloud SQL VPC network" does not hold; with ' +
          `Shared VPC, name the network and its subnets by the host project${byNumber}`,
      ),
    );
  }
  return found;
}
