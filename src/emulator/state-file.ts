// --state-file PATH: the API's state (services, executions, operations, the requestId cache, and pending
// transitions with their due times) survives restarts, so a rehearsal can run for days and a migration that
// was STARTING when the emulator stopped carries on afterwards. The file is rewritten atomically (temp file,
// fsync, rename) shortly after every change and on close. The outgoing kind adds the Lakehouse catalogs, the
// services' seeded metastores and the Cloud Storage stand-in's buckets and objects (its reports). Faults, durations and scheduled events are not kept: they belong to the
// scenario, which is re-applied from its file on every start.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { EmulatorCore } from './core';
import type { OperationRecord } from './operations';
import type { TransitionTask } from './scheduler';
import type { HiveInventory } from '../hive/inventory';
import type { ExecutionRecord, ServiceRecord } from './store';
import type { GcsDump } from './gcs/store';
import type { LakehouseCatalogRecord } from './lakehouse/store';
import { iso } from './store';
import { TRANSITION_KINDS } from './transitions';
import { failInterruptedVerifications } from './start-verification';

const FORMAT = 'metastore-emulator-state/1';
/** Changes within this window are written together. */
const DEBOUNCE_MS = 50;

const TransitionSchema = z.object({ kind: z.enum(TRANSITION_KINDS), op: z.string() }).loose();
const StateSchema = z.object({
  format: z.literal(FORMAT),
  savedAt: z.string(),
  store: z.object({
    services: z.array(z.object({ service: z.object({ name: z.string() }).loose() }).loose()),
    executions: z.array(z.object({ execution: z.object({ name: z.string() }).loose(), service: z.string() }).loose()),
    seq: z.number().int(),
  }),
  operations: z.object({
    records: z.array(z.object({ name: z.string(), done: z.boolean() }).loose()),
    seq: z.number(),
  }),
  requestIds: z.array(z.tuple([z.string(), z.object({ operation: z.string(), at: z.number() })])),
  transitions: z.array(z.object({ dueAt: z.number().nullable(), seq: z.number(), transition: TransitionSchema })),
  /** The Lakehouse catalogs (what outgoing migrations wrote); absent in files from before the outgoing kind. */
  lakehouse: z.array(z.object({ catalog: z.object({ name: z.string() }).loose() }).loose()).optional(),
  /** Services' metastores seeded through the admin API (never a copy read from a source). */
  metastores: z
    .array(z.tuple([z.string(), z.object({ databases: z.record(z.string(), z.unknown()) }).loose()]))
    .optional(),
  /** The Cloud Storage stand-in's buckets and objects (the reports); absent in files from before it. */
  storage: z
    .object({
      buckets: z.array(z.object({ name: z.string() }).loose()),
      objects: z.array(z.object({ bucket: z.string(), name: z.string(), data: z.string() }).loose()),
    })
    .optional(),
});

export class StateFile {
  private timer: NodeJS.Timeout | undefined;
  private lastWritten = '';
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly core: EmulatorCore,
  ) {}

  /** Restores the state if the file exists; returns whether it did. A corrupt file is an error, not a reset. */
  load(): boolean {
    if (!existsSync(this.path)) return false;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new Error(`state file ${this.path} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = StateSchema.safeParse(raw);
    if (!parsed.success) {
      const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
      throw new Error(`state file ${this.path} is not a ${FORMAT} file (bad: ${where})`);
    }
    // The records were written by dump() below; the schema checked the envelope and the identifying fields.
    const state = parsed.data;
    const { core } = this;
    core.store.restore(
      state.store as unknown as { services: ServiceRecord[]; executions: ExecutionRecord[]; seq: number },
    );
    core.operations.restore(state.operations as unknown as { records: OperationRecord[]; seq: number });
    core.requestIds.restore(state.requestIds);
    core.scheduler.restore(state.transitions as unknown as TransitionTask[]);
    core.lakehouse.restore((state.lakehouse ?? []) as unknown as LakehouseCatalogRecord[]);
    core.hive?.restoreSeeded((state.metastores ?? []) as unknown as [string, HiveInventory][]);
    if (state.storage) core.storage.restore(state.storage as unknown as GcsDump);
    failInterruptedVerifications(core);
    this.lastWritten = this.content();
    return true;
  }

  /** Called on every change: writes soon, once per burst. */
  markDirty(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, DEBOUNCE_MS);
    this.timer.unref();
  }

  flush(): void {
    const content = this.content();
    if (content === this.lastWritten) return;
    // savedAt goes first for a reader's eye; it is not part of the comparison, so an idle emulator never writes.
    const text = `{\n  "format": "${FORMAT}",\n  "savedAt": "${iso(this.core.now())}",\n${content.slice(2)}`;
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
    this.lastWritten = content;
  }

  /** Writes what is pending and stops writing. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.closed) this.flush();
    this.closed = true;
  }

  /** Everything but format and savedAt, as indented JSON. */
  private content(): string {
    const { core } = this;
    const state = {
      store: core.store.dump(),
      operations: core.operations.dump(),
      requestIds: core.requestIds.dump(),
      transitions: core.scheduler.transitions(),
      lakehouse: core.lakehouse.dump(),
      metastores: core.hive?.dumpSeeded() ?? [],
      storage: core.storage.dump(),
    };
    // Belt and braces: passwords are dropped before anything is stored, and a key named password never
    // reaches the disk even if that ever changed.
    return JSON.stringify(state, (key, value: unknown) => (key === 'password' ? undefined : value), 2);
  }
}
