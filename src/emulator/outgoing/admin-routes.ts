// The admin API's part for the outgoing kind (under /_emulator/, merged into admin.ts's routes; the Lakehouse
// catalogs it targets are lakehouse/admin-routes.ts's): a service's own Hive metastore (what the backfill copies), the undocumented
// choices (controls.ts), and one-shot backfill faults.
import { z } from 'zod';
import { type HiveInventory, byName, emptyInventory } from '../../hive/inventory';
import { parseBody } from '../context';
import type { ApiDeps } from '../dispatch';
import { failedPrecondition } from '../errors';
import { BackfillFaultSchema, OutgoingSettingsUpdateSchema } from './controls';
import { replicateChanges } from './sync';

type Route = (deps: ApiDeps, body: unknown, query: URLSearchParams) => unknown;

const TableSchema = z
  .object({
    type: z.string().min(1).default('EXTERNAL_TABLE'),
    /** 'name type', in column order. */
    columns: z.array(z.string().regex(/^\S+ \S/, "must be 'name type'")).default([]),
    partitionKeys: z.array(z.string().regex(/^\S+ \S/, "must be 'name type'")).default([]),
    partitions: z.array(z.string().min(1)).default([]),
    /** An Iceberg table: { table_type: 'ICEBERG', metadata_location: 'gs://…/metadata/00001.metadata.json' }. */
    parameters: z.record(z.string(), z.string()).optional(),
    location: z.string().optional(),
  })
  .strict();

const MetastoreSchema = z
  .object({
    /** The service whose own metastore this becomes (replacing what it had). */
    name: z.string().min(1),
    databases: z.record(z.string().min(1), z.record(z.string().min(1), TableSchema)).default({}),
    /** 'database.function'. */
    functions: z.array(z.string().regex(/^[^.]+\..+$/)).default([]),
  })
  .strict();

function toInventory(body: z.output<typeof MetastoreSchema>): HiveInventory {
  const inventory = emptyInventory();
  for (const [db, tables] of Object.entries(body.databases)) {
    const entries = (inventory.databases[db] = byName());
    for (const [name, table] of Object.entries(tables)) {
      const { parameters, location, ...rest } = table;
      entries[name] = {
        ...rest,
        partitions: [...rest.partitions].sort(),
        ...(parameters ? { parameters } : {}),
        ...(location !== undefined ? { location } : {}),
      };
    }
  }
  inventory.functions = [...body.functions].sort();
  return inventory;
}

export const OUTGOING_ADMIN_ROUTES: Record<string, Route> = {
  'POST services:metastore': ({ core }, body) => {
    const parsed = parseBody(MetastoreSchema, body);
    core.store.service(parsed.name);
    if (!core.hive) {
      throw failedPrecondition(
        'The emulator serves no Hive endpoints (--no-hive-thrift): no metastore to seed.',
        'NO_HIVE',
      );
    }
    const inventory = toInventory(parsed);
    core.hive.seed(parsed.name, inventory);
    const tables = Object.values(inventory.databases).reduce((n, t) => n + Object.keys(t).length, 0);
    // A source write while an INCREMENTAL_SYNC replicates: it reaches the target catalog (sync.ts).
    const replicated = replicateChanges(core, parsed.name, inventory);
    return { name: parsed.name, databases: Object.keys(inventory.databases).length, tables, replicated };
  },
  'GET outgoing-settings': ({ core }) => core.outgoing.settings,
  'POST outgoing-settings': ({ core }, body) =>
    core.outgoing.update(parseBody(OutgoingSettingsUpdateSchema.strict(), body)),
  'DELETE outgoing-settings': ({ core }) => core.outgoing.reset(),
  'GET backfill-faults': ({ core }) => ({ backfillFaults: core.outgoing.listFaults() }),
  'POST backfill-faults': ({ core }, body) => {
    const fault = parseBody(BackfillFaultSchema, body);
    core.outgoing.addFault(fault);
    return fault;
  },
  'DELETE backfill-faults': ({ core }) => {
    core.outgoing.clearFaults();
    return {};
  },
};
