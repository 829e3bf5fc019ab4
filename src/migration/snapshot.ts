// One read of a service and its migration execution, and what the workflow asks of it: is it in flight, terminal,
// replicating; did something outside end it; does it hold values this client does not know; did it change.
import type { LakehouseProxyConfig } from './migration-summary';
import type { BackfillState, MigrationExecutionState, Phase, ServiceState } from './vocabulary';
import {
  ACTIVE_EXECUTION_STATES,
  BACKFILL_STATES,
  EXECUTION_STATES,
  PHASES,
  SERVICE_STATES,
  TERMINAL_EXECUTION_STATES,
  isKnownValue,
} from './vocabulary';

export interface ExecutionSnapshot {
  name: string;
  state?: MigrationExecutionState;
  phase?: Phase;
  stateMessage?: string;
  createTime?: string;
  endTime?: string;
  /** The outgoing kind only: its backfillStatus.state (absent for the incoming kind, whose reads stay as they were). */
  backfill?: BackfillState;
}

/** One read of the service and its migration execution. */
export interface MigrationSnapshot {
  polledAt: string;
  serviceFound: boolean;
  serviceState?: ServiceState;
  /** Absent when the execution is not known yet or no longer exists. */
  execution?: ExecutionSnapshot;
  /** The outgoing kind: which namespaces a service in PROXY forwards (only when the service says). */
  lakehouseProxy?: LakehouseProxyConfig;
  /** Set when this read failed transiently; the other fields then repeat the last good read. */
  error?: { type: string; message: string };
}

export function isActiveExecution(state?: MigrationExecutionState): boolean {
  return state !== undefined && ACTIVE_EXECUTION_STATES.includes(state);
}

export function isTerminalExecution(state?: MigrationExecutionState): boolean {
  return state !== undefined && TERMINAL_EXECUTION_STATES.includes(state);
}

/** Ready for CompleteMigration: running and still replicating. */
export function isReplicating(execution?: ExecutionSnapshot): boolean {
  return execution?.state === 'RUNNING' && execution.phase === 'REPLICATION';
}

/**
 * Ready for CompleteMigration: the incoming kind RUNNING in REPLICATION; the outgoing kind (INCREMENTAL_SYNC)
 * RUNNING with its backfill SUCCEEDED — it replicates from then on, and has no phase. For an incoming execution
 * `backfill` is never set, so this is isReplicating for it.
 */
export function readyToComplete(execution?: ExecutionSnapshot): boolean {
  if (isReplicating(execution)) return true;
  return execution?.state === 'RUNNING' && execution.backfill === 'SUCCEEDED';
}

/**
 * What a read holds that this client does not know (values from a newer API revision), e.g. "execution state
 * LAKEHOUSE_SYNC". The workflow never acts on such a read as if it knew it: it keeps watching.
 */
export function unknownValuesOf(snapshot: MigrationSnapshot): string[] {
  const unknown: string[] = [];
  const { serviceState, execution } = snapshot;
  if (serviceState !== undefined && !isKnownValue(SERVICE_STATES, serviceState)) {
    unknown.push(`service state ${serviceState}`);
  }
  if (execution?.state !== undefined && !isKnownValue(EXECUTION_STATES, execution.state)) {
    unknown.push(`execution state ${execution.state}`);
  }
  if (execution?.phase !== undefined && !isKnownValue(PHASES, execution.phase)) {
    unknown.push(`execution phase ${execution.phase}`);
  }
  if (execution?.backfill !== undefined && !isKnownValue(BACKFILL_STATES, execution.backfill)) {
    unknown.push(`backfill state ${execution.backfill}`);
  }
  return unknown;
}

/** A read holding only values this client knows: the only kind the workflow acts on. */
export function isKnownRead(snapshot: MigrationSnapshot | undefined): boolean {
  return snapshot === undefined || unknownValuesOf(snapshot).length === 0;
}

/** Changes the watcher reports: anything the workflow or an engineer would act on. */
export function snapshotChanged(before: MigrationSnapshot | undefined, after: MigrationSnapshot): boolean {
  if (!before) return true;
  return (
    before.serviceFound !== after.serviceFound ||
    before.serviceState !== after.serviceState ||
    executionChanged(before.execution, after.execution) ||
    before.error?.type !== after.error?.type
  );
}

export function executionChanged(before?: ExecutionSnapshot, after?: ExecutionSnapshot): boolean {
  return (
    before?.name !== after?.name ||
    before?.state !== after?.state ||
    before?.phase !== after?.phase ||
    before?.stateMessage !== after?.stateMessage ||
    before?.backfill !== after?.backfill
  );
}
