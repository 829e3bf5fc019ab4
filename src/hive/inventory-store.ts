// Where the source's inventory taken right before cutover waits for the verification after it: a gzipped JSON
// file per migration in a directory (METASTORE_MIGRATOR_INVENTORY_DIR; workers sharing migrations share it, e.g.
// a volume). A large metastore's inventory (500,000 partition names) is far over a Temporal payload's limit, so
// only its key, digest and counts go into history; the digest proves the file read back is the one recorded.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { HiveInventory } from './inventory';
import type { InventoryRecord } from '../migration/verification';
import { countInventory } from './inventory';

export type { InventoryRecord } from '../migration/verification';

export function defaultInventoryDir(): string {
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'metastore-migrator', 'inventories');
}

/** A key safe as a file name, the same for every attempt of the same migration's recording. */
export function inventoryKey(workflowId: string, execution: string): string {
  return createHash('sha256').update(`${workflowId}\n${execution}`).digest('hex').slice(0, 32);
}

export class InventoryStore {
  constructor(readonly dir: string) {}

  async save(key: string, inventory: HiveInventory): Promise<InventoryRecord> {
    const json = JSON.stringify(inventory);
    const digest = sha256(json);
    await mkdir(this.dir, { recursive: true });
    // Written whole, then renamed: a worker killed mid-write leaves no half file under the key.
    const temporary = join(this.dir, `.${key}.${process.pid}.tmp`);
    await writeFile(temporary, await promisify(gzip)(json));
    await rename(temporary, this.path(key));
    return { key, digest, counts: countInventory(inventory), recordedAt: new Date().toISOString() };
  }

  /** The inventory under `key`, or why it cannot be used (absent here, or not the one recorded). */
  async load(record: Pick<InventoryRecord, 'key' | 'digest'>): Promise<HiveInventory | { unavailable: string }> {
    let json: string;
    try {
      json = (await promisify(gunzip)(await readFile(this.path(record.key)))).toString('utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      return { unavailable: `the cutover inventory ${record.key} is not in ${this.dir} on this worker (${code})` };
    }
    if (sha256(json) !== record.digest) {
      return { unavailable: `the cutover inventory ${record.key} in ${this.dir} is not the one recorded (digest)` };
    }
    return JSON.parse(json) as HiveInventory;
  }

  private path(key: string): string {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error(`not an inventory key: ${key}`);
    return join(this.dir, `${key}.json.gz`);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
