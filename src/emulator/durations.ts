// How long each long-running operation takes: one default (--operation-delay-ms) and per-method overrides
// (--delay METHOD=MS, a scenario's `durations`, POST /_emulator/durations). `replication` is the time from
// STARTING to RUNNING, the usual knob for a slow initial copy; the start operation ends when RUNNING is
// reached, so for startMigration `replication` wins over `services.startMigration` when both are set.
// `backfill` is the outgoing kind's time from RUNNING until its backfill (or dry run) ends.
import { z } from 'zod';
import { LRO_METHODS, type LroMethod } from './fault-schemas';

export const DURATION_KEYS = [...LRO_METHODS, 'replication', 'backfill'] as const;
export type DurationKey = (typeof DURATION_KEYS)[number];

const Milliseconds = z
  .number()
  .int()
  .min(0)
  .max(30 * 24 * 3_600_000);
export const DurationsSchema = z.partialRecord(z.enum(DURATION_KEYS), Milliseconds);
export type DurationOverrides = z.infer<typeof DurationsSchema>;

/** The admin form: overrides plus an optional new `default`. */
export const DurationsUpdateSchema = z.partialRecord(z.enum([...DURATION_KEYS, 'default']), Milliseconds);

export class Durations {
  private defaultMs: number;
  private overrides: DurationOverrides;

  constructor(
    private readonly initialDefaultMs: number,
    private readonly initial: DurationOverrides = {},
  ) {
    this.defaultMs = initialDefaultMs;
    this.overrides = { ...initial };
  }

  of(method: LroMethod): number {
    const own =
      method === 'services.startMigration' ? (this.overrides.replication ?? this.overrides[method]) : undefined;
    return own ?? this.overrides[method] ?? this.defaultMs;
  }

  /** The outgoing kind's backfill: from RUNNING until the backfill (or dry run) ends. */
  backfill(): number {
    return this.overrides.backfill ?? this.defaultMs;
  }

  update(update: z.infer<typeof DurationsUpdateSchema>): void {
    const { default: defaultMs, ...overrides } = update;
    if (defaultMs !== undefined) this.defaultMs = defaultMs;
    for (const [key, value] of Object.entries(overrides)) {
      if (value !== undefined) this.overrides[key as DurationKey] = value;
    }
  }

  /** Back to the start-up configuration (flags and scenario). */
  reset(): void {
    this.defaultMs = this.initialDefaultMs;
    this.overrides = { ...this.initial };
  }

  snapshot(): { default: number } & DurationOverrides {
    return { default: this.defaultMs, ...this.overrides };
  }
}

/** Parses `METHOD=MS` (the --delay flag). */
export function parseDurationFlag(raw: string): DurationOverrides {
  const match = /^([A-Za-z.]+)=(\d+)$/.exec(raw);
  const key = DURATION_KEYS.find((candidate) => candidate === match?.[1]);
  if (!match || !key) {
    throw new Error(`--delay must be METHOD=MS with METHOD one of ${DURATION_KEYS.join(', ')}; got "${raw}"`);
  }
  const parsed = Milliseconds.safeParse(Number(match[2]));
  if (!parsed.success) throw new Error(`--delay ${key}: milliseconds must be at most 30 days; got "${match[2]}"`);
  return { [key]: parsed.data };
}
