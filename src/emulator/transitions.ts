// The registry that runs the delayed half of every long-running operation (the data: transition-types.ts).
// `finish` ends the operation: with its response, or, when an operation fault set `failWith`, with that error
// and the change rolled back. `cancel` (operations.cancel) exists only where the change can be undone: creating,
// updating or deleting a service. Migrations are cancelled with services.cancelMigration, so their operations
// only record requestedCancellation (see operation-handlers.ts).
import type { EmulatorCore } from './core';
import { finishExecutionDelete, finishMigrationCancel, finishMigrationComplete } from './state-machine';
import { finishMigrationStart } from './migration-start';
import {
  cancelServiceCreate,
  cancelServiceDelete,
  cancelServicePatch,
  finishServiceCreate,
  finishServiceDelete,
  finishServicePatch,
} from './service-lifecycle';
import type { Transition, TransitionKind, TransitionOf } from './transition-types';
import { finishOutgoingBackfill, finishOutgoingStart } from './outgoing/lifecycle';
import { finishOutgoingCancel, finishOutgoingComplete, finishOutgoingRollback } from './outgoing/user-actions';

type Step<K extends TransitionKind> = (core: EmulatorCore, transition: TransitionOf<K>, at: number) => void;

const RUNNERS: { [K in TransitionKind]: { finish: Step<K>; cancel?: Step<K> } } = {
  'service.create': { finish: finishServiceCreate, cancel: cancelServiceCreate },
  'service.patch': { finish: finishServicePatch, cancel: cancelServicePatch },
  'service.delete': { finish: finishServiceDelete, cancel: cancelServiceDelete },
  'migration.start': { finish: finishMigrationStart },
  'migration.complete': { finish: finishMigrationComplete },
  'migration.cancel': { finish: finishMigrationCancel },
  'execution.delete': { finish: finishExecutionDelete },
  'outgoing.start': { finish: finishOutgoingStart },
  'outgoing.backfill': { finish: finishOutgoingBackfill },
  'outgoing.complete': { finish: finishOutgoingComplete },
  'outgoing.cancel': { finish: finishOutgoingCancel },
  'outgoing.rollback': { finish: finishOutgoingRollback },
};

/** Every kind, for checking a state file. */
export const TRANSITION_KINDS = Object.keys(RUNNERS) as TransitionKind[];

export function runTransition(core: EmulatorCore, transition: Transition, at: number): void {
  (RUNNERS[transition.kind].finish as Step<TransitionKind>)(core, transition as never, at);
}

/** True when the transition's kind can be cancelled (operations.cancel then undoes it). */
export function isCancellable(transition: Transition): boolean {
  return RUNNERS[transition.kind].cancel !== undefined;
}

export function cancelTransition(core: EmulatorCore, transition: Transition, at: number): void {
  const cancel = RUNNERS[transition.kind].cancel as Step<TransitionKind> | undefined;
  cancel?.(core, transition as never, at);
}
