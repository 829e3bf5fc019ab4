// Reconciliation around cutover: the source's Hive inventory recorded right before completeMigration (into the
// inventory store; history keeps its key, digest and counts), and after SUCCEEDED — or on demand — DPMS's
// inventory read through the service's Thrift endpoint and compared by name.
import { log } from '@temporalio/activity';
import type { HiveInventory } from '../hive/inventory';
import type { InventoryRecord, InventoryStore } from '../hive/inventory-store';
import { inventoryKey } from '../hive/inventory-store';
import { readMetastoreInventory } from '../hive/read-inventory';
import { type Verification } from '../migration/verification';
import { reconcile } from '../hive/reconcile';
import type { MetastoreClient } from '../metastore/client';
import { SourceInventoryError, readSourceInventory } from '../source/inventory';
import { heartbeating } from './heartbeating';
import { type SourceArgs, type SourceDeps, sourceConnections } from './source-connections';

export interface VerificationDeps extends SourceDeps {
  metastore: MetastoreClient;
  inventories: InventoryStore;
}

export type RecordedInventory = InventoryRecord | { skipped: string };

interface VerifyArgs extends SourceArgs {
  service: string;
  /** The record taken before cutover; without it the source is read as it is now. */
  cutover?: InventoryRecord;
}

export function createVerificationActivities(deps: VerificationDeps) {
  const { metastore, inventories } = deps;
  const sourceNow = async (args: SourceArgs): Promise<HiveInventory | string> => {
    const source = await sourceConnections(args, deps);
    if (!source) return 'the migration has no Cloud SQL source';
    try {
      return await readSourceInventory(source.hive);
    } catch (err) {
      if (err instanceof SourceInventoryError) return err.message;
      throw err;
    }
  };
  return {
    /** One consistent read of the source's inventory, kept under a key of this migration's; idempotent. */
    async recordSourceInventory(
      args: SourceArgs & { workflowId: string; execution: string },
    ): Promise<RecordedInventory> {
      const inventory = await heartbeating(() => sourceNow(args));
      if (typeof inventory === 'string') return { skipped: inventory };
      const record = await inventories.save(inventoryKey(args.workflowId, args.execution), inventory);
      log.info('recorded the source inventory before cutover', { ...record.counts, key: record.key });
      return record;
    },

    /**
     * DPMS's inventory (Thrift, at the service's endpointUri) against the cutover record — or, without one, the
     * source as it is now. An endpoint the worker cannot reach is `skipped` with the reason, never a pass.
     */
    async verifyMigration(args: VerifyArgs): Promise<Verification> {
      return heartbeating(() => verify(args));
    },
  };

  async function verify(args: VerifyArgs): Promise<Verification> {
    const checkedAt = () => new Date().toISOString();
    const endpoint = (await metastore.getService(args.service)).endpointUri;
    if (!endpoint)
      return { status: 'skipped', ok: false, checkedAt: checkedAt(), note: 'the service has no endpointUri' };
    let dpms: HiveInventory;
    try {
      dpms = await readMetastoreInventory(endpoint);
    } catch (err) {
      const note = `DPMS's metastore at ${endpoint} could not be read from the worker: ${(err as Error).message}`;
      return { status: 'skipped', ok: false, checkedAt: checkedAt(), endpoint, note };
    }
    let note: string | undefined;
    let source: HiveInventory | string | undefined;
    if (args.cutover) {
      const loaded = await inventories.load(args.cutover);
      if ('unavailable' in loaded) note = `${loaded.unavailable}; compared with the source as it is now`;
      else source = loaded;
    }
    const sourceFrom = source === undefined ? 'now' : 'cutover';
    source ??= await sourceNow(args);
    if (typeof source === 'string') {
      const why = `the source could not be read: ${source}`;
      return { status: 'skipped', ok: false, checkedAt: checkedAt(), endpoint, note: why };
    }
    const report = reconcile(source, dpms);
    log.info('verification', { ok: report.ok, ...report.totals, sourceFrom });
    const status = report.ok ? 'ok' : 'mismatch';
    return { status, ok: report.ok, checkedAt: report.checkedAt, endpoint, sourceFrom, ...(note && { note }), report };
  }
}
