// Whether each target catalog of an outgoing migration exists, is of the type its config needs (R1: hiveConfig a
// Hive catalog, icebergConfig an Iceberg REST catalog) and can be read with the worker's credentials. BigLake serves
// a Hive catalog only on /hive and an Iceberg one only on /iceberg, so a catalog the right API does not know is
// asked of the other one to tell "of the wrong type" from "missing". A transient failure is thrown (the activity
// tries again), never reported as a finding.
import type { Finding } from '../migration/findings';
import { isTransientStatus } from '../migration/failure-types';
import { MetastoreApiError } from '../metastore/errors';
import type { LakehouseAccess } from './access';
import { isCatalogName } from './catalog-names';

export const HIVE_CATALOG_CHECK = 'targets.hiveCatalog';
export const ICEBERG_CATALOG_CHECK = 'targets.icebergCatalog';

export interface TargetCatalogs {
  hiveCatalog?: string;
  icebergCatalog?: string;
}

export async function checkTargetCatalogs(access: LakehouseAccess, targets: TargetCatalogs): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (targets.hiveCatalog !== undefined) findings.push(await checkHive(access, targets.hiveCatalog));
  if (targets.icebergCatalog !== undefined) findings.push(await checkIceberg(access, targets.icebergCatalog));
  return findings;
}

async function checkHive(access: LakehouseAccess, catalog: string): Promise<Finding> {
  const check = HIVE_CATALOG_CHECK;
  if (!isCatalogName(catalog)) return malformed(check, catalog);
  try {
    await access.hive.getCatalog(catalog);
    await access.hive.listDatabases(catalog, { pageSize: 1, first: 1 });
    return { check, level: 'ok', message: `Hive catalog ${catalog} exists and is readable` };
  } catch (err) {
    const status = apiStatus(err);
    if (status !== 'NOT_FOUND') return unreadable(check, catalog, err);
  }
  if (await exists(() => access.iceberg.config(catalog))) {
    const message = `${catalog} is an Iceberg catalog: hiveConfig needs a Hive catalog (Hive tables go only there)`;
    return { check, level: 'error', message };
  }
  return { check, level: 'error', message: `Hive catalog ${catalog} was not found: create it before the migration` };
}

async function checkIceberg(access: LakehouseAccess, catalog: string): Promise<Finding> {
  const check = ICEBERG_CATALOG_CHECK;
  if (!isCatalogName(catalog)) return malformed(check, catalog);
  let refusal: unknown;
  try {
    await access.iceberg.config(catalog);
    await access.iceberg.listNamespaces(catalog, { pageSize: 1, first: 1 });
    return { check, level: 'ok', message: `Iceberg catalog ${catalog} exists and is readable` };
  } catch (err) {
    const status = apiStatus(err);
    // The Iceberg REST catalog answers 400 for a warehouse that is no Iceberg catalog, 404 for none at all.
    if (status !== 'NOT_FOUND' && status !== 'INVALID_ARGUMENT') return unreadable(check, catalog, err);
    if (status === 'INVALID_ARGUMENT') refusal = err;
  }
  if (await exists(() => access.hive.getCatalog(catalog))) {
    const message = `${catalog} is a Hive catalog: icebergConfig needs an Iceberg REST catalog (Iceberg tables go only there)`;
    return { check, level: 'error', message };
  }
  // Refused for another reason than its type: the server's own words say more than "not found".
  if (refusal) return unreadable(check, catalog, refusal);
  return {
    check,
    level: 'error',
    message: `Iceberg catalog ${catalog} was not found: create it before the migration`,
  };
}

function malformed(check: string, catalog: string): Finding {
  return {
    check,
    level: 'error',
    message: `'${catalog}' is not a catalog name: projects/{project}/catalogs/{catalog}`,
  };
}

function apiStatus(err: unknown): string {
  if (!(err instanceof MetastoreApiError)) throw err;
  if (isTransientStatus(err.status)) throw err;
  return err.status;
}

function unreadable(check: string, catalog: string, err: unknown): Finding {
  return { check, level: 'error', message: `${catalog} could not be read: ${(err as Error).message}` };
}

/** Whether the probe succeeds; a definite refusal is "no", a transient failure is thrown. */
async function exists(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (err) {
    apiStatus(err);
    return false;
  }
}
