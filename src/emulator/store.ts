// The emulator's in-memory resources. Records hold the public JSON shape (passwords already removed),
// plus the bookkeeping the state machine needs. Names are kept exactly as the caller spelled them.
import { ACTIVE_EXECUTION_STATES, type MigrationExecution, type Service } from '../schemas/api';
import { notFound } from './errors';
import type { OutgoingBookkeeping } from './outgoing/types';

export interface ServiceRecord {
  service: Service;
  /** The unfinished patch operation, if any: one update at a time per service. */
  pendingUpdate?: string;
}

export interface ExecutionRecord {
  execution: MigrationExecution;
  service: string;
  /** Creation order; breaks createTime ties when sorting. */
  seq: number;
  /** The source check (verify-start.ts) has not answered yet; 'due' = the start's duration has passed. */
  verification?: 'pending' | 'due';
  /** The outgoing kind (biglakeMetastoreMigrationConfig) only: outgoing/lifecycle.ts's bookkeeping. */
  outgoing?: OutgoingBookkeeping;
}

export class Store {
  readonly services = new Map<string, ServiceRecord>();
  readonly executions = new Map<string, ExecutionRecord>();
  private seq = 0;

  service(name: string): ServiceRecord {
    const record = this.services.get(name);
    if (!record) throw notFound('Service', name);
    return record;
  }

  execution(name: string): ExecutionRecord {
    const record = this.executions.get(name);
    if (!record) throw notFound('Migration execution', name);
    return record;
  }

  addExecution(service: string, execution: MigrationExecution): ExecutionRecord {
    const record = { execution, service, seq: this.seq++ };
    this.executions.set(execution.name, record);
    return record;
  }

  executionsOf(service: string): ExecutionRecord[] {
    return [...this.executions.values()].filter((r) => r.service === service).sort((a, b) => a.seq - b.seq);
  }

  activeExecution(service: string): ExecutionRecord | undefined {
    return this.executionsOf(service).find((r) => isActive(r.execution));
  }

  /** Every record and the sequence counter, for the state file. */
  dump(): { services: ServiceRecord[]; executions: ExecutionRecord[]; seq: number } {
    return structuredClone({
      services: [...this.services.values()],
      executions: [...this.executions.values()],
      seq: this.seq,
    });
  }

  restore(state: { services: readonly ServiceRecord[]; executions: readonly ExecutionRecord[]; seq: number }): void {
    for (const record of state.services) this.services.set(record.service.name, structuredClone(record));
    for (const record of state.executions) this.executions.set(record.execution.name, structuredClone(record));
    this.seq = Math.max(this.seq, state.seq);
  }

  /** Drops a service and every execution under it. */
  removeService(name: string): void {
    this.services.delete(name);
    for (const record of this.executionsOf(name)) this.executions.delete(record.execution.name);
  }
}

export function isActive(execution: MigrationExecution): boolean {
  return execution.state !== undefined && ACTIVE_EXECUTION_STATES.includes(execution.state);
}

/** `projects/P/locations/L` of any resource name below a location. */
export function locationOf(name: string): string {
  return name.split('/').slice(0, 4).join('/');
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
