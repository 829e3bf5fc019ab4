// Runs the verifyStart check of an accepted start and applies its answer to the execution; what the check is
// and what its answers mean: verify-start.ts.
import type { EmulatorCore } from './core';
import { completeStart, failStart } from './start-outcome';
import { isActive } from './store';
import type { VerifyStart, VerifyStartInput, VerifyStartResult } from './verify-start';

/** Starts the check for an accepted start; `op` is the start operation. */
export function beginVerification(core: EmulatorCore, verify: VerifyStart, input: VerifyStartInput, op: string): void {
  const record = core.store.execution(input.execution);
  record.verification = 'pending';
  // Never throw into the request: a synchronous throw becomes a rejection like any other.
  Promise.resolve()
    .then(() => verify(input))
    .catch((error: unknown): VerifyStartResult => {
      console.error('metastore emulator: verifyStart threw', error instanceof Error ? error.name : typeof error);
      return { ok: false, code: 'INTERNAL', message: 'Source verification failed unexpectedly.' };
    })
    .then((result) => settle(core, input.execution, op, result))
    .catch((error: unknown) => console.error('metastore emulator: applying the source check failed', error));
}

function settle(core: EmulatorCore, name: string, op: string, result: VerifyStartResult): void {
  core.scheduler.advance();
  const record = core.store.executions.get(name);
  if (!record || record.verification === undefined) return;
  const due = record.verification === 'due';
  delete record.verification;
  if (record.execution.state === 'STARTING') {
    const at = core.now();
    if (!result.ok) failStart(core, record, op, at, { status: result.code, message: result.message });
    else if (due) completeStart(core, record, op, at);
  }
  core.changed();
}

/** After a restart: a check that was still running is lost, so its migration fails (see verify-start.ts). */
export function failInterruptedVerifications(core: EmulatorCore): void {
  const message = 'Source verification was interrupted by an emulator restart; start the migration again.';
  for (const record of core.store.executions.values()) {
    if (record.verification === undefined) continue;
    delete record.verification;
    if (!isActive(record.execution)) continue;
    const at = core.now();
    const name = record.execution.name;
    core.operations.failPending((link) => link === name, at, 'UNAVAILABLE', message);
    failStart(core, record, undefined, at, { status: 'UNAVAILABLE', message });
  }
}
