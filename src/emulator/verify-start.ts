// The seam for a real source check behind startMigration (item 4 of issue #3, built in src/source/).
// When EmulatorOptions.verifyStart is set, every accepted start calls it once with the request's plaintext
// config and the migration stays STARTING until both its duration has passed and the check has answered:
//   { ok: true }                   → RUNNING as usual;
//   { ok: false, code, message }   → the execution turns FAILED with `message` as stateMessage, the start
//                                    operation ends with google.rpc code `code`, the service is ACTIVE again.
// A check that throws counts as { ok: false, code: 'INTERNAL' }. The config (passwords included) lives only
// in the call: nothing here stores or logs it, and the state file never holds it. A check still running
// when the emulator stops cannot be resumed (its passwords are gone), so after a restart such a migration
// turns FAILED with UNAVAILABLE and the caller starts again. This module is the contract only (types, which
// the core and the Hive endpoints need too); start-verification.ts runs the check.
import type { MigrationExecutionInput, RpcStatusName } from '../schemas/api';

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
