// Scenario files (--scenario FILE, YAML or JSON; POST /_emulator/scenario takes the same shape as JSON):
// the world a rehearsal runs in — RNG seed, operation durations, services to seed, request and operation
// faults, scheduled events. examples/emulator-scenario.yaml shows every section. Errors name the field path.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ServiceSchema } from '../schemas/api';
import type { EmulatorCore } from './core';
import { DurationsUpdateSchema } from './durations';
import { type Events, ScheduledEventSchema } from './events';
import { FaultSchema, OperationFaultSchema } from './fault-schemas';
import { seedService } from './service-admin';
import { BackfillFaultSchema, OutgoingSettingsUpdateSchema } from './outgoing/controls';

export const ScenarioSchema = z
  .object({
    /** Seed of the fault-rate RNG: the same seed fails the same requests every run. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    /** Milliseconds per LRO method, `replication` (STARTING → RUNNING), and `default`. */
    durations: DurationsUpdateSchema.optional(),
    /** Created ACTIVE (or SUSPENDED/ERROR) at start unless a service of that name already exists. */
    services: z.array(ServiceSchema).optional(),
    faults: z.array(FaultSchema).optional(),
    operationFaults: z.array(OperationFaultSchema).optional(),
    events: z.array(ScheduledEventSchema).optional(),
    /** The outgoing kind's undocumented choices (outgoing/controls.ts). */
    outgoing: OutgoingSettingsUpdateSchema.strict().optional(),
    /** One-shot faults of the next backfills. */
    backfillFaults: z.array(BackfillFaultSchema).optional(),
  })
  .strict();
export type Scenario = z.output<typeof ScenarioSchema>;

/** Reads and validates a scenario file; the Error lists each bad field as `path: problem`. */
export function loadScenarioFile(path: string): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(`scenario ${path}: ${(error as Error).message}`);
  }
  return parseScenario(raw ?? {}, `scenario ${path}`);
}

export function parseScenario(raw: unknown, label = 'scenario'): Scenario {
  const parsed = ScenarioSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (issue) => `  ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
  throw new Error(`${label} is invalid:\n${lines.join('\n')}`);
}

/**
 * Applies a scenario on top of the running emulator: faults and events are added to those armed, durations
 * merged, services seeded if absent (so a restart on a state file keeps what the rehearsal changed). The
 * seed and durations given at start-up go through createCore instead, so they are also what a reset restores.
 */
export function applyScenario(core: EmulatorCore, events: Events, scenario: Scenario, atStartUp = false): void {
  if (!atStartUp) {
    if (scenario.seed !== undefined) core.faults.reseed(scenario.seed);
    if (scenario.durations) core.durations.update(scenario.durations);
  }
  for (const service of scenario.services ?? []) {
    if (!core.store.services.has(service.name)) seedService(core, service);
  }
  for (const fault of scenario.faults ?? []) core.faults.add(fault);
  for (const fault of scenario.operationFaults ?? []) core.faults.addOperationFault(fault);
  for (const event of scenario.events ?? []) events.arm(event);
  if (scenario.outgoing) {
    if (atStartUp) core.outgoing.startWith(scenario.outgoing);
    else core.outgoing.update(scenario.outgoing);
  }
  for (const fault of scenario.backfillFaults ?? []) core.outgoing.addFault(fault);
}
