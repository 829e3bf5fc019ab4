// Everything the worker reads on the Lakehouse side, built once from the same settings as the Metastore client:
// the Hive and Iceberg catalog clients over one bounded HTTP pool, and the Cloud Storage client for reports.
import type { Storage } from '@google-cloud/storage';
import { HiveCatalogClient } from './hive-catalog';
import { LakehouseHttp } from './http';
import { IcebergCatalogClient } from './iceberg-catalog';
import { createReportStorage } from './report';
import { createLakehouseTarget } from './target';
import type { LakehouseTarget } from './target';

export interface LakehouseAccess {
  hive: HiveCatalogClient;
  iceberg: IcebergCatalogClient;
  storage: Storage;
  emulated: boolean;
}

export interface LakehouseAccessOptions {
  /** METASTORE_EMULATOR_HOST: the emulator serves BigLake and Cloud Storage on the Metastore API's port. */
  emulatorHost?: string;
  timeoutMs?: number;
  /** Catalog requests in flight at once; default 8. */
  concurrency?: number;
  /** For tests: a target built elsewhere (its requests then go where it says). */
  target?: LakehouseTarget;
}

export async function createLakehouseAccess(options: LakehouseAccessOptions = {}): Promise<LakehouseAccess> {
  const target = options.target ?? (await createLakehouseTarget({ emulatorHost: options.emulatorHost }));
  const http = new LakehouseHttp({ target, timeoutMs: options.timeoutMs, concurrency: options.concurrency });
  return {
    hive: new HiveCatalogClient(http),
    iceberg: new IcebergCatalogClient(http),
    storage: createReportStorage({ emulatorHost: options.emulatorHost, timeoutMs: options.timeoutMs }),
    emulated: target.emulated,
  };
}
