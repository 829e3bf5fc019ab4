// How a migration's start ends, reached from two sides: the start's scheduled finish (migration-start.ts) and
// the source check's answer (start-verification.ts), whichever comes last.
import type { EmulatorCore } from './core';
import { endExecution, publicExecution } from './state-machine';
import type { ExecutionRecord } from './store';
import type { OperationFailure } from './transition-types';

export function completeStart(core: EmulatorCore, record: ExecutionRecord, op: string, at: number): void {
  record.execution.state = 'RUNNING';
  core.operations.succeed(op, at, { type: 'MigrationExecution', value: publicExecution(record) });
}

/** The start failed: execution FAILED with the reason, the service ACTIVE again, the operation with the error. */
export function failStart(
  core: EmulatorCore,
  record: ExecutionRecord,
  op: string | undefined,
  at: number,
  failure: OperationFailure,
): void {
  endExecution(core, record, 'FAILED', at, failure.message);
  if (op !== undefined) core.operations.fail(op, at, failure.status, failure.message);
}
