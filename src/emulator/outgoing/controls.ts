// What Google leaves undocumented about the outgoing kind, made a setting (admin API `outgoing-settings`), and
// the faults a backfill can be given (admin API `backfill-faults`). Neither is API state: like the request
// faults and durations they belong to the scenario, so the state file does not keep them.
import { z } from 'zod';

const DAY_MS = 24 * 3_600_000;

export const OutgoingSettingsSchema = z
  .object({
    /**
     * Where a backfill that moved no Iceberg namespace (Hive only) leaves the service. The reference infers
     * ACTIVE (PROXY is documented as forwarding to an Iceberg REST catalog); PROXY plays the other reading.
     */
    hiveOnlyBackfillEndsIn: z.enum(['ACTIVE', 'PROXY']),
    /**
     * What a cancelled migration leaves in the target catalogs: `keep` (what was written stays; nothing
     * documents a clean-up) or `revert` (the tables and databases this execution created are removed again and
     * the ones it overwrote are put back).
     */
    cancelLeavesWritten: z.enum(['keep', 'revert']),
    /** How long after a migration SUCCEEDED cancelMigration may still roll it back (ROLLED_BACK). */
    rollbackWindowMs: z
      .number()
      .int()
      .min(0)
      .max(365 * DAY_MS),
  })
  .strict();
export type OutgoingSettings = z.infer<typeof OutgoingSettingsSchema>;
export const OutgoingSettingsUpdateSchema = OutgoingSettingsSchema.partial();

export const DEFAULT_OUTGOING_SETTINGS: OutgoingSettings = {
  hiveOnlyBackfillEndsIn: 'ACTIVE',
  cancelLeavesWritten: 'keep',
  rollbackWindowMs: 7 * DAY_MS,
};

/** One backfill's faults, used up by the next backfill (of `service`, if given) that runs. */
export const BackfillFaultSchema = z
  .object({
    service: z.string().min(1).optional(),
    /** 'db.table' (the source's names): those tables fail; the rest of the backfill carries on. */
    failTables: z.array(z.string().regex(/^[^.]+\.[^.]+$/, "must be 'database.table'")).default([]),
    /**
     * 'db.table/partition' (e.g. 'sales.orders/dt=2026-01-01'): those partitions are not registered; their table
     * still succeeds with partitionReport PARTIALLY_SUCCEEDED (FAILED, and the table too, when none is left).
     */
    failPartitions: z.array(z.string().regex(/^[^./]+\.[^./]+\/.+$/, "must be 'database.table/partition'")).default([]),
    /** The whole backfill fails with this message: backfillStatus FAILED, the execution FAILED. */
    failBackfill: z.string().min(1).optional(),
    /** Catalogs the backfill finds missing (as if deleted after the start). */
    missingCatalogs: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type BackfillFault = z.output<typeof BackfillFaultSchema>;

export class OutgoingControls {
  /** What a reset (DELETE outgoing-settings) returns to: the defaults, with the start-up flags and scenario over them. */
  private initial: OutgoingSettings = { ...DEFAULT_OUTGOING_SETTINGS };
  private current: OutgoingSettings = { ...DEFAULT_OUTGOING_SETTINGS };
  private faults: BackfillFault[] = [];

  /** Start-up settings (flags, a scenario applied at start): current, and what a reset restores. */
  startWith(settings: Partial<OutgoingSettings>): void {
    this.initial = { ...this.initial, ...definedOnly(settings) };
    this.current = { ...this.initial };
  }

  get settings(): OutgoingSettings {
    return { ...this.current };
  }

  update(update: Partial<OutgoingSettings>): OutgoingSettings {
    this.current = { ...this.current, ...definedOnly(update) };
    return this.settings;
  }

  reset(): OutgoingSettings {
    this.current = { ...this.initial };
    return this.settings;
  }

  addFault(fault: BackfillFault): void {
    this.faults.push(fault);
  }

  listFaults(): BackfillFault[] {
    return structuredClone(this.faults);
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** The oldest fault for this service's backfill, removed: it fires once. */
  takeFault(service: string): BackfillFault | undefined {
    const index = this.faults.findIndex((fault) => fault.service === undefined || fault.service === service);
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
