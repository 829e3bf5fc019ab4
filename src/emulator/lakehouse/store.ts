// The Lakehouse runtime catalog's resources as the emulator holds them: catalogs named
// `projects/{project}/catalogs/{catalog}` (no location, as BigLake names them), each either a Hive catalog (databases →
// tables → partitions, served by the BigLake Hive REST API) or an Iceberg REST catalog (namespaces → tables with a
// metadata location, served by the Iceberg REST API). The backfill of an outgoing migration writes here; the HTTP
// surfaces (BigLake Hive REST, Iceberg REST, catalog admin) read and write here. Plain JSON, so the state file can keep it.
import { byName, entryOf } from '../../hive/inventory';
import { notFound } from '../errors';

export type LakehouseCatalogType = 'HIVE' | 'ICEBERG';

export interface LakehouseCatalog {
  /** projects/{project}/catalogs/{catalog} */
  name: string;
  type: LakehouseCatalogType;
  createTime: string;
  /**
   * The Cloud Storage prefixes (gs://bucket[/path]) the catalog covers. Lakehouse's guide: a table whose data or
   * metadata lies outside them cannot be registered. Empty = covers everything (the emulator's lenient default).
   */
  locations: string[];
  /** Free text from the caller of BigLake's create methods. */
  description?: string;
  /** ICEBERG catalogs created through BigLake's API: its `catalog-type` (CATALOG_TYPE_BIGLAKE, …_GCS_BUCKET). */
  icebergCatalogType?: string;
}

export interface LakehouseColumn {
  name: string;
  type: string;
}

/** A table in a Hive catalog (BigLake's HiveTable: always EXTERNAL in the target). */
export interface LakehouseHiveTable {
  name: string;
  tableType: string;
  columns: LakehouseColumn[];
  partitionKeys: LakehouseColumn[];
  /** Storage location (gs://…), when the source had one. */
  location?: string;
  parameters: Record<string, string>;
  /** Partition names as Hive lists them ('dt=2026-01-01/hr=00'), sorted. */
  partitions: string[];
  updateTime: string;
}

/** A table in an Iceberg REST catalog: its current metadata file, as the Iceberg REST spec's LoadTableResult points to. */
export interface LakehouseIcebergTable {
  name: string;
  metadataLocation: string;
  /** The table's location (gs://…). */
  location?: string;
  columns: LakehouseColumn[];
  properties: Record<string, string>;
  updateTime: string;
  /**
   * The Iceberg schema (JSON, as the Iceberg REST spec's Schema) when a client created the table with one; absent,
   * the schema is derived from `columns` (Hive type strings) when the table is loaded.
   */
  schema?: Record<string, unknown>;
}

export interface LakehouseCatalogRecord {
  catalog: LakehouseCatalog;
  /** HIVE catalogs: database → table name → table. */
  databases: Record<string, Record<string, LakehouseHiveTable>>;
  /** ICEBERG catalogs: namespace (one level) → table name → table. */
  namespaces: Record<string, Record<string, LakehouseIcebergTable>>;
  /** ICEBERG catalogs: a namespace's properties, when it has any (absent = none). */
  namespaceProperties?: Record<string, Record<string, string>>;
}

export class LakehouseStore {
  private readonly catalogs = new Map<string, LakehouseCatalogRecord>();

  createCatalog(catalog: LakehouseCatalog): LakehouseCatalogRecord {
    const record: LakehouseCatalogRecord = { catalog, databases: byName(), namespaces: byName() };
    this.catalogs.set(catalog.name, record);
    return record;
  }

  /** The catalog, or undefined: callers decide whether that is a 404 or a migration error. */
  find(name: string): LakehouseCatalogRecord | undefined {
    return this.catalogs.get(name);
  }

  catalog(name: string): LakehouseCatalogRecord {
    const record = this.catalogs.get(name);
    if (!record) throw notFound('Catalog', name);
    return record;
  }

  /** The catalogs of `projects/{project}`, by name. */
  list(project: string): LakehouseCatalogRecord[] {
    return [...this.catalogs.values()]
      .filter((record) => record.catalog.name.startsWith(`${project}/catalogs/`))
      .sort((a, b) => a.catalog.name.localeCompare(b.catalog.name));
  }

  deleteCatalog(name: string): boolean {
    return this.catalogs.delete(name);
  }

  /** The tables of a Hive catalog's database (created empty when `create`), or undefined. */
  hiveDatabase(
    record: LakehouseCatalogRecord,
    database: string,
    create = false,
  ): Record<string, LakehouseHiveTable> | undefined {
    const found = entryOf(record.databases, database);
    if (found || !create) return found;
    return (record.databases[database] = byName());
  }

  /** The tables of an Iceberg catalog's namespace (created empty when `create`), or undefined. */
  icebergNamespace(
    record: LakehouseCatalogRecord,
    namespace: string,
    create = false,
  ): Record<string, LakehouseIcebergTable> | undefined {
    const found = entryOf(record.namespaces, namespace);
    if (found || !create) return found;
    return (record.namespaces[namespace] = byName());
  }

  /** Deletes an Iceberg namespace (with its properties); false when it does not exist. */
  deleteIcebergNamespace(record: LakehouseCatalogRecord, namespace: string): boolean {
    if (!entryOf(record.namespaces, namespace)) return false;
    delete record.namespaces[namespace];
    if (record.namespaceProperties) delete record.namespaceProperties[namespace];
    return true;
  }

  dump(): LakehouseCatalogRecord[] {
    return structuredClone([...this.catalogs.values()]);
  }

  restore(records: readonly LakehouseCatalogRecord[]): void {
    // structuredClone gives plain objects: re-key them into prototype-less records (a table may be `__proto__`).
    for (const record of structuredClone(records)) {
      const copy: LakehouseCatalogRecord = { catalog: record.catalog, databases: byName(), namespaces: byName() };
      if (record.namespaceProperties) copy.namespaceProperties = Object.assign(byName(), record.namespaceProperties);
      for (const [db, tables] of Object.entries(record.databases)) copy.databases[db] = Object.assign(byName(), tables);
      for (const [ns, tables] of Object.entries(record.namespaces))
        copy.namespaces[ns] = Object.assign(byName(), tables);
      this.catalogs.set(record.catalog.name, copy);
    }
  }
}

/** Where the emulated service writes its migration report: a Cloud Storage stand-in (see gcs/). */
export interface ReportSink {
  /** Writes `body` (JSON) as the object at `gs://bucket/object`; rejects when the bucket does not exist. */
  write(uri: string, body: string, contentType: string): Promise<void>;
}
