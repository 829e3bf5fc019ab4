// INCREMENTAL_SYNC after its backfill (lakehouse-migration-api.md §F: "ongoing replication of source writes"):
// while the execution is RUNNING with its backfill SUCCEEDED, a change to the service's own metastore (a new
// seed through the admin API) reaches the target catalog at once. Replication writes what differs, as OVERWRITE
// would, and leaves backfillStatus alone: the API has no status object for this phase. A table dropped from
// the source stays in the target (the emulator replicates creates and updates only).
import type { HiveInventory } from '../../hive/inventory';
import type { EmulatorCore } from '../core';
import { iso } from '../store';
import { execute } from './execute';
import { configOf } from './lifecycle';
import { planBackfill } from './plan';

/** Replicates `inventory` into the target of the service's syncing execution, if it has one; returns the writes. */
export function replicateChanges(core: EmulatorCore, service: string, inventory: HiveInventory): number {
  const record = core.store.activeExecution(service);
  if (!record?.outgoing || record.execution.state !== 'RUNNING') return 0;
  const config = configOf(record);
  if (config.mode !== 'INCREMENTAL_SYNC' || config.backfillStatus?.state !== 'SUCCEEDED') return 0;
  const planned = planBackfill(
    inventory,
    { ...config, conflictPolicy: 'OVERWRITE' },
    core.lakehouse,
    [],
    iso(core.now()),
  );
  if (planned.some((catalog) => !catalog.record)) return 0;
  const { written } = execute(core.lakehouse, planned, { dryRun: false, failTables: [] });
  record.outgoing.written = [...(record.outgoing.written ?? []), ...written];
  const moved = new Set([...(record.outgoing.movedNamespaces ?? []), ...written.map((object) => object.database)]);
  record.outgoing.movedNamespaces = [...moved].sort();
  return written.length;
}
