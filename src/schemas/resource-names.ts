// Resource names in the migration request (projects, regions, subnetworks, networks, the service, the Cloud SQL
// instance connection name): checked segment by segment, so the message says which part is wrong; and the
// parsers that take them apart for the plan's warnings. Imports nothing (the workflow's plan warnings use the
// parsers); the schemas built on these rules are in resource-name-schemas.ts.
import type { Problem } from './field-rules';

/** Project ID rules (6-30 chars), optionally domain-scoped (example.com:my-project); or a project number. */
const PROJECT_ID = /^(?:[a-z0-9][a-z0-9.-]*\.[a-z]{2,}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const PROJECT_NUMBER = /^[1-9]\d{0,19}$/;
/** Regions: us-central1, europe-west4, northamerica-northeast1, … */
const REGION = /^[a-z]+(?:-[a-z]+)*\d+$/;
const ZONE = /^[a-z]+(?:-[a-z]+)*\d+-[a-z]$/;
/** RFC 1035 labels: Compute Engine network and subnetwork names. */
const RFC1035 = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** Dataproc Metastore service ids (services.create serviceId): 2-63 alphanumerics or hyphens. */
const SERVICE_ID = /^[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$/;
/** Cloud SQL instance ids: lowercase letters, digits, hyphens; starting with a letter. */
const INSTANCE_ID = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;

const PROJECT_RULE =
  'a project ID (6-30 lowercase letters, digits or hyphens, starting with a letter, not ending with a hyphen) ' +
  'or a project number';

function projectProblem(project: string, where: string): Problem {
  return PROJECT_ID.test(project) || PROJECT_NUMBER.test(project)
    ? undefined
    : `has a project that is not ${PROJECT_RULE}: ${where}`;
}

function regionProblem(region: string, where: string): Problem {
  if (REGION.test(region)) return undefined;
  if (ZONE.test(region)) return `names a zone where a region belongs (e.g. us-central1, not us-central1-a): ${where}`;
  return `has a region that is not a region name such as us-central1: ${where}`;
}

function labelProblem(name: string, what: string, where: string): Problem {
  return RFC1035.test(name)
    ? undefined
    : `has a ${what} name that is not 1-63 lowercase letters, digits or hyphens starting with a letter and ` +
        `not ending with a hyphen: ${where}`;
}

export interface SubnetworkName {
  project: string;
  region: string;
  subnetwork: string;
}

export const SUBNETWORK_FORM = 'projects/PROJECT/regions/REGION/subnetworks/SUBNET';

/** projects/P/regions/R/subnetworks/S taken apart, or undefined when it is not of that form. */
export function parseSubnetworkName(value: string): SubnetworkName | undefined {
  const parts = value.split('/');
  if (parts.length !== 6 || parts[0] !== 'projects' || parts[2] !== 'regions' || parts[4] !== 'subnetworks')
    return undefined;
  const [, project = '', , region = '', , subnetwork = ''] = parts;
  return { project, region, subnetwork };
}

export function subnetworkProblem(value: string): Problem {
  if (/^https?:\/\//.test(value))
    return `must be the relative name ${SUBNETWORK_FORM}, without the https://www.googleapis.com/compute/v1/ prefix`;
  const name = parseSubnetworkName(value);
  if (!name) return `must be a subnetwork resource name ${SUBNETWORK_FORM}`;
  return (
    projectProblem(name.project, SUBNETWORK_FORM) ??
    regionProblem(name.region, SUBNETWORK_FORM) ??
    labelProblem(name.subnetwork, 'subnet', SUBNETWORK_FORM)
  );
}

export interface NetworkName {
  project: string;
  network: string;
}

export const NETWORK_FORM = 'projects/PROJECT/locations/global/networks/NETWORK';

/** projects/P/locations/global/networks/N taken apart, or undefined when it is not of that form. */
export function parseNetworkName(value: string): NetworkName | undefined {
  const parts = value.split('/');
  if (parts.length !== 6 || parts[0] !== 'projects' || parts[2] !== 'locations' || parts[4] !== 'networks')
    return undefined;
  if (parts[3] !== 'global') return undefined;
  const [, project = '', , , , network = ''] = parts;
  return { project, network };
}

export function networkProblem(value: string): Problem {
  if (/^https?:\/\//.test(value))
    return `must be the relative name ${NETWORK_FORM}, without the https://www.googleapis.com/compute/v1/ prefix`;
  const parts = value.split('/');
  if (parts.length === 5 && parts[0] === 'projects' && parts[2] === 'global' && parts[3] === 'networks')
    return `is in the Compute Engine form projects/PROJECT/global/networks/NETWORK; this API expects ${NETWORK_FORM}`;
  const regional = parts.length === 6 && parts[0] === 'projects' && parts[2] === 'locations' && parts[4] === 'networks';
  if (regional && parts[3] !== 'global')
    return `must have the location global (VPC networks are global): ${NETWORK_FORM}`;
  const name = parseNetworkName(value);
  if (!name) return `must be a network resource name ${NETWORK_FORM}`;
  return projectProblem(name.project, NETWORK_FORM) ?? labelProblem(name.network, 'network', NETWORK_FORM);
}

export interface ServiceResourceName {
  project: string;
  location: string;
  service: string;
}

export const SERVICE_FORM = 'projects/PROJECT/locations/LOCATION/services/SERVICE';

/**
 * Temporal's ID limit on SQL clusters (`limit.maxIDLength: 255`; longer IDs and Keyword values break the visibility
 * write forever, the workflow never listed) less the longest id built from a service, `verify/<service>/<uuid>`
 * (`plan/…/<uuid>` and `migration/…` are shorter): 255 - 44. Real names are at most about 150 characters (project
 * ≤ 30, service id ≤ 63), so only a malformed name (a long domain prefix or region) meets it.
 */
export const SERVICE_NAME_MAX_LENGTH = 255 - 'verify/'.length - '/'.length - 36;

/** projects/P/locations/L/services/S taken apart, or undefined when it is not of that form. */
export function parseServiceResourceName(value: string): ServiceResourceName | undefined {
  const parts = value.split('/');
  if (parts.length !== 6 || parts[0] !== 'projects' || parts[2] !== 'locations' || parts[4] !== 'services')
    return undefined;
  const [, project = '', , location = '', , service = ''] = parts;
  return { project, location, service };
}

export function serviceProblem(value: string): Problem {
  if (value.length > SERVICE_NAME_MAX_LENGTH)
    return (
      `is ${value.length} characters; at most ${SERVICE_NAME_MAX_LENGTH} (its workflow ids must fit Temporal's ` +
      `255-character ID limit): ${SERVICE_FORM}`
    );
  const name = parseServiceResourceName(value);
  if (!name) return `must be a service resource name: ${SERVICE_FORM}`;
  const where = SERVICE_FORM;
  const service = SERVICE_ID.test(name.service)
    ? undefined
    : `has a service id that is not 2-63 letters, digits or hyphens, starting with a letter and ending with a letter or digit: ${where}`;
  return projectProblem(name.project, where) ?? regionProblem(name.location, where) ?? service;
}

export interface InstanceConnectionName {
  project: string;
  region: string;
  instance: string;
}

const INSTANCE_FORMS =
  'PROJECT_ID:REGION:INSTANCE_ID (the instance connection name) or PROJECT_ID/LOCATION/INSTANCE_ID (the spelling ' +
  "of Google's migration guide)";

/**
 * PROJECT:REGION:INSTANCE (the API's and Cloud SQL's spelling, with a domain-scoped project as DOMAIN:PROJECT)
 * or PROJECT/LOCATION/INSTANCE (the migration guide's), taken apart; undefined when it is neither.
 */
export function parseInstanceConnectionName(value: string): InstanceConnectionName | undefined {
  if (value.includes('/')) {
    const parts = value.split('/');
    if (parts.length !== 3 || parts.slice(1).some((part) => part.includes(':'))) return undefined;
    const [project = '', region = '', instance = ''] = parts;
    return { project, region, instance };
  }
  const parts = value.split(':');
  if (parts.length === 4) parts.splice(0, 2, `${parts[0]}:${parts[1]}`); // domain-scoped project
  if (parts.length !== 3) return undefined;
  const [project = '', region = '', instance = ''] = parts;
  return { project, region, instance };
}

export function instanceConnectionNameProblem(value: string): Problem {
  if (/^https?:\/\//.test(value) || value.startsWith('projects/'))
    return `must be ${INSTANCE_FORMS}, not a URL or resource name`;
  const name = parseInstanceConnectionName(value);
  if (!name || !name.project || !name.region || !name.instance) return `must be ${INSTANCE_FORMS}`;
  if (!PROJECT_ID.test(name.project))
    return `has a project that is not a project ID (6-30 lowercase letters, digits or hyphens, starting with a letter): PROJECT_ID:REGION:INSTANCE_ID`;
  const region = regionProblem(name.region, 'PROJECT_ID:REGION:INSTANCE_ID');
  if (region) return region;
  if (!INSTANCE_ID.test(name.instance))
    return 'has an instance id that is not lowercase letters, digits or hyphens starting with a letter: PROJECT_ID:REGION:INSTANCE_ID';
  // Cloud SQL limits PROJECT_ID:INSTANCE_ID to 98 characters.
  if (name.project.length + 1 + name.instance.length > 98)
    return 'is too long: project ID and instance id together must be at most 98 characters';
  return undefined;
}

// ---- Lakehouse runtime catalogs (the outgoing kind's targets) -----------------------------------------------

export interface CatalogName {
  project: string;
  catalog: string;
}

export const CATALOG_FORM = 'projects/PROJECT/catalogs/CATALOG';

/**
 * A catalog id: letters, digits, -, _ and . (an Iceberg REST catalog is often named after its bucket), at most
 * 1024 characters. [inf] BigLake documents no tighter rule; the server has the last word, this only catches typos.
 */
const CATALOG_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,1023}$/;

/** projects/P/catalogs/C taken apart, or undefined when it is not of that form. */
export function parseCatalogName(value: string): CatalogName | undefined {
  const parts = value.split('/');
  if (parts.length !== 4 || parts[0] !== 'projects' || parts[2] !== 'catalogs') return undefined;
  const [, project = '', , catalog = ''] = parts;
  return { project, catalog };
}

/**
 * hiveConfig.catalog, icebergConfig.catalog and lakehouseProxyConfig.catalog: project-scoped, with no location
 * (the contract's R4). A name with /locations/ in it is the older location-scoped BigLake API's, a different
 * resource tree the migration does not write to, so it gets a message of its own.
 */
export function catalogProblem(value: string): Problem {
  if (/^https?:\/\//.test(value)) return `must be the relative name ${CATALOG_FORM}, not a URL`;
  if (value.includes('/locations/'))
    return (
      `must not name a location: Lakehouse catalogs are project-scoped, ${CATALOG_FORM} ` +
      '(projects/P/locations/L/catalogs/C is the older location-scoped BigLake API)'
    );
  const name = parseCatalogName(value);
  if (!name) return `must be a catalog resource name ${CATALOG_FORM}`;
  if (!CATALOG_ID.test(name.catalog))
    return `has a catalog id that is not 1-1024 letters, digits, -, _ or . starting with a letter or digit: ${CATALOG_FORM}`;
  return projectProblem(name.project, CATALOG_FORM);
}
