// The seam for a real source check behind startMigration (item 4 of issue #3, built in src/source/).
// When EmulatorOptions.verifyStart is set, every accepted start calls it once with the request's plaintext
// config and the migration stays STARTING until both its duration has passed and the check has answered:
//   { ok: true }                   → RUNNING as usual;
//   { ok: false, code, message }   → the execution turns FAILED with `message` as stateMessage, the start
//                                    operation ends with google.rpc code `code`, the service is ACTIVE again.
// A check that throws counts as { ok: false, code: 'INTERNAL' }. The config (passwords included) lives only
// in the call: nothing here stores or logs it, and the state file never holds it. A check still running
// when the emulator stops cannot be resumed (its passwords are gone), so after a restart such a migration
// turns FAILED with UNAVAILABLE and the caller starts again.
import type { MigrationExecutionInput, RpcStatusName } from '../schemas/api';
import type { EmulatorCore } from './core';
import { completeStart, failStart } from './migration-start';
import { isActive } from './store';

export type CloudSqlMigrationConfig = NonNullable<MigrationExecutionInput['cloudSqlMigrationConfig']>;

export interface VerifyStartInput {
  /** The service name as the caller spelled it. */
  service: string;
  /** The new migration execution's name. */
  execution: string;
  /** The request's config with plaintext passwords: use it, never keep or log it. */
  cloudSqlMigrationConfig: CloudSqlMigrationConfig;
}

export type VerifyStartResult = { ok: true } | { ok: false; code: RpcStatusName; message: string };
export type VerifyStart = (input: VerifyStartInput) => Promise<VerifyStartResult>;

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

/** After a restart: a check that was still running is lost, so its migration fails (see above). */
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
