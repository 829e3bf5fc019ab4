// Scheduled events: the outside world acting on a migration after a delay, from a scenario file or the
// admin API. An event's timer starts either when a migration is accepted (trigger 'startMigration', the
// default: "30 s after the start, the pipeline fails") or at once (trigger 'now': at emulator start in a
// scenario, at the call in the admin API). Events are part of the scenario, not of the API's state, so the
// state file does not keep them; a restart re-arms the scenario's events from the file.
import { z } from 'zod';
import { MIGRATION_EXECUTION_NAME } from '../migration/names';
import { ServiceNameSchema } from '../schemas/resource-name-schemas';
import type { EmulatorCore } from './core';
import { ApiError } from './errors';
import { SETTABLE_STATES, removeService, setServiceState } from './service-admin';
import { awaitUserAction, failExecution, resumeExecution } from './state-machine';
import { iso } from './store';

export const EVENT_ACTIONS = [
  'failExecution',
  'awaitUserAction',
  'resumeExecution',
  'serviceError',
  'setServiceState',
  'removeService',
] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];
const SERVICE_ACTIONS: readonly EventAction[] = ['serviceError', 'setServiceState', 'removeService'];

const ms = z
  .number()
  .int()
  .min(0)
  .max(30 * 24 * 3_600_000);

export const ScheduledEventSchema = z
  .object({
    action: z.enum(EVENT_ACTIONS),
    afterMs: ms.default(0),
    trigger: z.enum(['startMigration', 'now']).default('startMigration'),
    /** Only migrations of this service (trigger startMigration), or the service acted on (trigger now). */
    service: ServiceNameSchema.optional(),
    /** trigger now: the execution acted on (default: the service's migration in progress when it fires). */
    execution: z.string().regex(MIGRATION_EXECUTION_NAME, 'must be a migration execution name').optional(),
    stateMessage: z.string().optional(),
    /** setServiceState: the state to set. */
    state: z.enum(SETTABLE_STATES).optional(),
    /** serviceError: also fail the migration in progress (default true). */
    failMigration: z.boolean().optional(),
    /** awaitUserAction: resume this long after (as if the user fixed the problem). */
    resumeAfterMs: ms.optional(),
    /** trigger startMigration: how many starts arm the event (default 1: only the next one). */
    count: z.number().int().min(1).optional(),
  })
  .strict()
  .superRefine((event, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (event.action === 'setServiceState' && !event.state) issue('state', 'setServiceState needs a state');
    if (event.action !== 'setServiceState' && event.state) issue('state', 'only setServiceState takes a state');
    if (event.resumeAfterMs !== undefined && event.action !== 'awaitUserAction') {
      issue('resumeAfterMs', 'only awaitUserAction takes resumeAfterMs');
    }
    if (event.trigger === 'now') {
      if (event.count !== undefined) issue('count', 'count applies to trigger startMigration only');
      if (!event.service && !event.execution) issue('service', 'trigger now needs a service or an execution');
      if (SERVICE_ACTIONS.includes(event.action) && !event.service) issue('service', `${event.action} needs a service`);
    } else if (event.execution) {
      issue('execution', 'with trigger startMigration the started execution is the target');
    }
  });
export type ScheduledEvent = z.output<typeof ScheduledEventSchema>;

export interface EventTarget {
  service?: string | undefined;
  execution?: string | undefined;
}

/** Applies one action at once, counts it as a fault of that kind, and returns the changed resource. */
export function applyAction(core: EmulatorCore, event: ScheduledEvent, target: EventTarget): unknown {
  const message = event.stateMessage;
  const result = ((): unknown => {
    switch (event.action) {
      case 'failExecution':
        return failExecution(core, executionOf(core, target), message ?? 'The migration pipeline failed (injected).');
      case 'awaitUserAction':
        return awaitUserAction(core, executionOf(core, target), message ?? 'Waiting for the user to fix the setup.');
      case 'resumeExecution':
        return resumeExecution(core, executionOf(core, target));
      case 'serviceError':
        return setServiceState(core, serviceOf(target), 'ERROR', { stateMessage: message, ...failMigration(event) });
      case 'setServiceState':
        return setServiceState(core, serviceOf(target), event.state ?? 'ACTIVE', { stateMessage: message });
      case 'removeService':
        removeService(core, serviceOf(target));
        return {};
    }
  })();
  core.stats.countFault(undefined, [event.action]);
  core.changed();
  return result;
}

function failMigration(event: ScheduledEvent): { failMigration?: boolean } {
  return event.failMigration === undefined ? {} : { failMigration: event.failMigration };
}

function executionOf(core: EmulatorCore, target: EventTarget): string {
  if (target.execution) return target.execution;
  const active = target.service ? core.store.activeExecution(target.service) : undefined;
  if (!active)
    throw new ApiError('FAILED_PRECONDITION', 'The service has no migration in progress.', 'NO_ACTIVE_MIGRATION');
  return active.execution.name;
}

function serviceOf(target: EventTarget): string {
  const service = target.service ?? target.execution?.split('/').slice(0, 6).join('/');
  if (!service) throw new ApiError('INVALID_ARGUMENT', 'The event names no service.', 'INVALID_ARGUMENT');
  return service;
}

interface HistoryEntry {
  at: string;
  action: EventAction;
  target: EventTarget;
  /** 'fired', or why it was skipped (e.g. the migration had already ended). */
  outcome: string;
}

const HISTORY_LIMIT = 200;

/** Armed and pending events; startMigration-triggered ones wait for the next matching start. */
export class Events {
  private armed: { event: ScheduledEvent; remaining: number }[] = [];
  private pending = 0;
  private generation = 0;
  private readonly history: HistoryEntry[] = [];

  constructor(private readonly core: EmulatorCore) {}

  arm(event: ScheduledEvent): void {
    if (event.trigger === 'now') this.schedule(event, { service: event.service, execution: event.execution });
    else this.armed.push({ event, remaining: event.count ?? 1 });
  }

  migrationStarted(service: string, execution: string): void {
    for (const entry of this.armed) {
      if (entry.event.service !== undefined && entry.event.service !== service) continue;
      entry.remaining -= 1;
      this.schedule(entry.event, { service, execution });
    }
    this.armed = this.armed.filter((entry) => entry.remaining > 0);
  }

  /** Disarms everything, including timers already running. */
  clear(): void {
    this.armed = [];
    this.pending = 0;
    this.generation += 1;
  }

  list(): { armed: { event: ScheduledEvent; remaining: number }[]; pending: number; history: HistoryEntry[] } {
    return structuredClone({ armed: this.armed, pending: this.pending, history: this.history });
  }

  private schedule(event: ScheduledEvent, target: EventTarget): void {
    const generation = this.generation;
    this.pending += 1;
    this.core.scheduler.after(event.afterMs, (at) => {
      if (generation !== this.generation) return;
      this.pending -= 1;
      this.fire(event, target, at);
    });
  }

  private fire(event: ScheduledEvent, target: EventTarget, at: number): void {
    let outcome = 'fired';
    try {
      applyAction(this.core, event, target);
      if (event.action === 'awaitUserAction' && event.resumeAfterMs !== undefined) {
        const resume = ScheduledEventSchema.parse({ action: 'resumeExecution', trigger: 'now', ...target });
        this.schedule({ ...resume, afterMs: event.resumeAfterMs }, target);
      }
    } catch (error) {
      // The world moved on (the migration ended, the service is gone): a scheduled event simply does not apply.
      if (!(error instanceof ApiError)) throw error;
      outcome = `skipped: ${error.message}`;
    }
    this.history.push({ at: iso(at), action: event.action, target, outcome });
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
  }
}
