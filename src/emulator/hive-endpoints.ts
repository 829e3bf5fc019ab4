// Every emulated service's Hive Thrift endpoint (`endpointUri: thrift://127.0.0.1:PORT`, one listener per
// service). What it serves follows the migration, as DPMS does: while an execution is RUNNING (or awaiting the
// user) it answers from the source's MySQL with the start's credentials; at cutover it copies the source's
// inventory (standing in for Spanner) and serves that copy after SUCCEEDED; otherwise its own metadata (the last
// copy, or empty). Copy faults (admin API `copy-faults`) drop or alter chosen objects in the copy, so a test can
// show the reconciliation catching them. Credentials and copies live in memory only, never in the state file;
// a metastore the admin API seeded (`services:metastore`, for the outgoing kind's backfill) is kept there.
import { z } from 'zod';
import type { HiveInventory } from '../hive/inventory';
import { emptyInventory } from '../hive/inventory';
import { readSourceInventory } from '../source/inventory';
import type { SourceConnectionOptions } from '../source/types';
import { type HiveCatalog, inventoryCatalog, mysqlCatalog } from './hive-catalogs';
import { type HiveThriftServer, startHiveThriftServer } from './hive-thrift-server';
import type { Store } from './store';
import type { CloudSqlMigrationConfig } from './verify-start';

export const CopyFaultSchema = z
  .object({
    /** Only this service's copies; default every service. */
    service: z.string().min(1).optional(),
    /** 'db', 'db.table', 'db.table/dt=2026-01-01' or 'function:db.fn', left out of the copy. */
    drop: z.array(z.string().min(1)).default([]),
    /** Tables whose type (and, with `dropColumn`, one column) the copy gets wrong. */
    alter: z
      .array(
        z
          .object({
            table: z.string().regex(/^[^.]+\.[^.]+$/),
            type: z.string().min(1).optional(),
            dropColumn: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();
export type CopyFault = z.output<typeof CopyFaultSchema>;

/**
 * The part of the emulator core the endpoints use (the core passes itself). Narrow, so that the core, which
 * holds the endpoints, and this module do not import each other.
 */
export interface HiveEndpointsHost {
  readonly store: Store;
  /** Marks the state changed (an endpointUri moved). */
  changed(): void;
}

interface Endpoint {
  opening?: Promise<void>;
  server?: HiveThriftServer;
  /** The source of the execution in flight (plaintext password: memory only). */
  source?: { execution: string; config: CloudSqlMigrationConfig };
  live?: { execution: string; catalog: HiveCatalog };
  /** The copy taken at the last cutover, and the execution it belongs to. */
  copy?: { execution: string; inventory: Promise<HiveInventory> };
}

export class HiveEndpoints {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly faults: CopyFault[] = [];
  /**
   * Metastores given by the admin API (not read from a source, no credentials): the state file keeps them, so a
   * rehearsal's outgoing migration still finds its service's metadata after a restart. A cutover replaces one.
   */
  private readonly seeded = new Map<string, HiveInventory>();
  /** Listeners of released endpoints still closing: close() waits for them too. */
  private readonly releasing = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly core: HiveEndpointsHost,
    private readonly hosts: { bind: string; advertised: string } = { bind: '127.0.0.1', advertised: '127.0.0.1' },
  ) {}

  /**
   * Opens the service's listener (a port of its own) and points its endpointUri at it. Safe to call again. Until
   * it is bound the service has no endpointUri at all: a placeholder would name one port for every service.
   */
  open(service: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    const endpoint = this.endpoint(service);
    endpoint.opening ??= startHiveThriftServer(() => this.catalog(service), { host: this.hosts.bind }).then(
      async (server) => {
        // Released (the service deleted, perhaps re-created under its name) or closed while binding: this
        // listener belongs to nobody, and must not hand its URI to a newer service of the same name.
        if (this.closed || this.endpoints.get(service) !== endpoint) {
          await server.close();
          return;
        }
        endpoint.server = server;
        const record = this.core.store.services.get(service);
        if (record) record.service.endpointUri = `thrift://${this.hosts.advertised}:${server.port}`;
        this.core.changed();
      },
    );
    return endpoint.opening;
  }

  /**
   * The service is gone: its listener closes and its endpoint (source, copy) is forgotten, so a service created
   * again under the same name gets a listener and a metastore of its own.
   */
  release(service: string): void {
    const endpoint = this.endpoints.get(service);
    this.seeded.delete(service);
    if (!endpoint) return;
    this.endpoints.delete(service);
    const closing = (async () => {
      await endpoint.opening?.catch(() => undefined);
      await endpoint.server?.close();
      await endpoint.live?.catalog.close();
    })();
    this.releasing.add(closing);
    void closing.finally(() => this.releasing.delete(closing));
  }

  /** startMigration accepted: keep the source's credentials for the live answers and the copy. */
  started(service: string, execution: string, config: CloudSqlMigrationConfig): void {
    this.endpoint(service).source = { execution, config };
  }

  /** completeMigration accepted (phase CUTOVER): copy the source as it is now. */
  cutover(service: string, execution: string): void {
    const endpoint = this.endpoint(service);
    const source = endpoint.source;
    if (source?.execution !== execution) return;
    this.seeded.delete(service);
    const inventory = readSourceInventory(connectionOf(source.config)).then((read) => this.withFaults(service, read));
    inventory.catch(() => undefined); // answered as a MetaException when asked
    endpoint.copy = { execution, inventory };
  }

  /**
   * Replaces the service's own metastore (what it serves outside a running incoming migration) with
   * `inventory`: the admin API's way to give a service metadata for an outgoing migration to copy.
   */
  seed(service: string, inventory: HiveInventory): void {
    this.seeded.set(service, inventory);
    this.endpoint(service).copy = { execution: '', inventory: Promise.resolve(inventory) };
  }

  /** The seeded metastores, for the state file. */
  dumpSeeded(): [string, HiveInventory][] {
    return structuredClone([...this.seeded]);
  }

  restoreSeeded(entries: readonly [string, HiveInventory][]): void {
    for (const [service, inventory] of structuredClone(entries)) this.seed(service, inventory);
  }

  /** The service's own metastore as its endpoint serves it outside a running migration (empty before any). */
  async ownInventory(service: string): Promise<HiveInventory> {
    const copy = this.endpoints.get(service)?.copy;
    return copy ? structuredClone(await copy.inventory) : emptyInventory();
  }

  addFault(fault: CopyFault): void {
    this.faults.push(fault);
  }

  listFaults(): CopyFault[] {
    return structuredClone(this.faults);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([
      ...[...this.endpoints.values()].map(async (e) => {
        await e.opening?.catch(() => undefined);
        await e.server?.close();
        await e.live?.catalog.close();
      }),
      ...this.releasing,
    ]);
  }

  private endpoint(service: string): Endpoint {
    let endpoint = this.endpoints.get(service);
    if (!endpoint) this.endpoints.set(service, (endpoint = {}));
    return endpoint;
  }

  private async catalog(service: string): Promise<HiveCatalog> {
    const endpoint = this.endpoint(service);
    if (!this.core.store.services.has(service)) throw new Error(`service ${service} no longer exists`);
    const executions = this.core.store.executionsOf(service);
    const newest = executions[executions.length - 1]?.execution;
    const serving = newest && ['RUNNING', 'AWAITING_USER_ACTION'].includes(newest.state ?? '');
    if (serving && endpoint.source?.execution === newest.name) {
      if (endpoint.live?.execution !== newest.name) {
        await endpoint.live?.catalog.close();
        endpoint.live = { execution: newest.name, catalog: mysqlCatalog(connectionOf(endpoint.source.config)) };
      }
      return endpoint.live.catalog;
    }
    if (endpoint.live) {
      const live = endpoint.live;
      endpoint.live = undefined;
      await live.catalog.close();
    }
    return inventoryCatalog(endpoint.copy ? await endpoint.copy.inventory : emptyInventory());
  }

  private withFaults(service: string, inventory: HiveInventory): HiveInventory {
    for (const fault of this.faults.filter((f) => f.service === undefined || f.service === service)) {
      for (const name of fault.drop) dropObject(inventory, name);
      for (const { table, type, dropColumn } of fault.alter) {
        const [database, name] = table.split('.') as [string, string];
        const entry = inventory.databases[database]?.[name];
        if (!entry) continue;
        if (type) entry.type = type;
        if (dropColumn) entry.columns = entry.columns.filter((c) => !c.startsWith(`${dropColumn} `));
      }
    }
    return inventory;
  }
}

function dropObject(inventory: HiveInventory, name: string): void {
  if (name.startsWith('function:')) {
    inventory.functions = inventory.functions.filter((fn) => fn !== name.slice('function:'.length));
    return;
  }
  const slash = name.indexOf('/');
  const path = slash < 0 ? name : name.slice(0, slash);
  const partition = slash < 0 ? undefined : name.slice(slash + 1);
  const [database, table] = path.split('.') as [string, string | undefined];
  const tables = inventory.databases[database];
  if (!tables) return;
  if (table === undefined) {
    delete inventory.databases[database];
  } else if (partition === undefined) {
    delete tables[table];
  } else if (tables[table]) {
    tables[table].partitions = tables[table].partitions.filter((p) => p !== partition);
  }
}

function connectionOf(config: CloudSqlMigrationConfig): SourceConnectionOptions {
  const {
    ipAddress: host,
    port,
    username: user,
    password,
    hiveDatabaseName: database,
  } = config.cloudSqlConnectionConfig;
  // Google's side (see source-verifier.ts): handed the password by startMigration, a local lab tool.
  return { host, port, user, password, database, tls: { mode: 'off' } };
}
