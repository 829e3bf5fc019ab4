// The delayed half of a long-running operation as plain data (so the state file can keep it), apart from the
// registry that runs it (transitions.ts): the core, the scheduler and every finish step share these types,
// and the registry imports those steps, so holding both in one module would be an import circle.
import type { MigrationExecutionState, RpcStatusName, Service, ServiceState } from '../schemas/api';

export interface OperationFailure {
  status: RpcStatusName;
  message: string;
}

interface Base {
  /** The operation this transition ends. */
  op: string;
  failWith?: OperationFailure;
}

export type Transition = Base &
  (
    | { kind: 'service.create'; service: string }
    | { kind: 'service.patch'; service: string; paths: string[]; patch: Partial<Service> }
    | { kind: 'service.delete'; service: string; previousState: ServiceState }
    | { kind: 'migration.start'; execution: string }
    | { kind: 'migration.complete'; execution: string }
    | { kind: 'migration.cancel'; execution: string; previousState: MigrationExecutionState }
    | { kind: 'execution.delete'; execution: string; previousState: MigrationExecutionState }
    // The outgoing kind (outgoing/lifecycle.ts). `outgoing.backfill` ends no operation of its own: `op` is the
    // start's, already done by then.
    | { kind: 'outgoing.start'; execution: string }
    | { kind: 'outgoing.backfill'; execution: string }
    | { kind: 'outgoing.complete'; execution: string }
    | { kind: 'outgoing.cancel'; execution: string; previousState: MigrationExecutionState }
    | { kind: 'outgoing.rollback'; execution: string }
  );
export type TransitionKind = Transition['kind'];
export type TransitionOf<K extends TransitionKind> = Extract<Transition, { kind: K }>;
