// The mutating migration calls and the wait for their long-running operations.
import { Context, log } from '@temporalio/activity';
import type { MetastoreClient } from '../metastore/client';
import { MIGRATION_EXECUTION_NAME, migrationExecutionName } from '../migration/names';
import type { MigrationExecutionRequest, MigrationExecutionState, Operation } from '../schemas';
import type { SecretResolver } from '../secrets/resolver';
import { resolveMigrationExecution } from '../secrets/resolver';
import { hasApiStatus } from './failures';

export interface MigrationDeps {
  metastore: MetastoreClient;
  secrets: SecretResolver;
}

/** What a finished operation tells the workflow; never the raw response (it is unbounded). */
export interface OperationOutcome {
  operation: string;
  /** The migration execution the operation produced or acted on, when it says. */
  migrationExecution?: string;
}

/** A complete/cancel call: either a new operation, or the API already doing what was asked. */
export interface MigrationCallResult {
  operation?: string;
  alreadyRequested: boolean;
}

export function createMigrationActivities({ metastore, secrets }: MigrationDeps) {
  /** After FAILED_PRECONDITION: is the execution already where the request would take it? */
  async function alreadyThere(execution: string | undefined, states: MigrationExecutionState[], phase?: string) {
    if (!execution) return false;
    const current = await metastore.getMigrationExecution(execution);
    return (
      (current.state !== undefined && states.includes(current.state)) ||
      (phase !== undefined && current.phase === phase)
    );
  }

  return {
    /**
     * startMigration with the workflow's requestId: a retry after a timeout gets the original operation
     * back instead of a second execution. Passwords are resolved here and live only for this call.
     */
    async startMigration(args: {
      service: string;
      migrationExecution: MigrationExecutionRequest;
      migrationExecutionId?: string;
      requestId: string;
    }): Promise<OperationOutcome> {
      const migrationExecution = await resolveMigrationExecution(args.migrationExecution, secrets);
      log.info('starting migration', { service: args.service, requestId: args.requestId });
      const operation = await metastore.startMigration(args.service, {
        migrationExecution,
        migrationExecutionId: args.migrationExecutionId,
        requestId: args.requestId,
      });
      const known = args.migrationExecutionId && migrationExecutionName(args.service, args.migrationExecutionId);
      return { operation: operation.name, migrationExecution: known || executionOf(operation) };
    },

    /** completeMigration (no requestId in the API): a retry that finds cutover under way counts as done. */
    completeMigration({ service, execution }: { service: string; execution?: string }): Promise<MigrationCallResult> {
      return idempotent(
        () => metastore.completeMigration(service),
        () => alreadyThere(execution, ['SUCCEEDED'], 'CUTOVER'),
      );
    },

    /** cancelMigration: a retry that finds the execution CANCELLING or CANCELLED counts as done. */
    cancelMigration({ service, execution }: { service: string; execution?: string }): Promise<MigrationCallResult> {
      return idempotent(
        () => metastore.cancelMigration(service),
        () => alreadyThere(execution, ['CANCELLING', 'CANCELLED']),
      );
    },

    /** Polls an operation until done, heartbeating each read; cancellable through the heartbeat. */
    async awaitOperation({
      operation,
      pollIntervalMs,
    }: {
      operation: string;
      pollIntervalMs: number;
    }): Promise<OperationOutcome> {
      const ctx = Context.current();
      const done = await metastore.awaitOperation(operation, {
        pollIntervalMs,
        signal: ctx.cancellationSignal,
        onPoll: (op) => ctx.heartbeat({ done: op.done ?? false, statusMessage: op.metadata?.statusMessage }),
      });
      return { operation, migrationExecution: executionOf(done) };
    },
  };
}

/** Calls the API; a FAILED_PRECONDITION that means "already done" (a retry after success) is success. */
export async function idempotent(
  call: () => Promise<Operation>,
  done: () => Promise<boolean>,
): Promise<MigrationCallResult> {
  try {
    return { operation: (await call()).name, alreadyRequested: false };
  } catch (err) {
    if (hasApiStatus(err, 'FAILED_PRECONDITION') && (await done())) return { alreadyRequested: true };
    throw err;
  }
}

/** The execution named by an operation's response (start returns the execution; complete/cancel name it). */
export function executionOf(operation: Operation): string | undefined {
  const response = operation.response ?? {};
  for (const candidate of [response['name'], response['migrationExecution'], operation.metadata?.target]) {
    if (typeof candidate === 'string' && MIGRATION_EXECUTION_NAME.test(candidate)) return candidate;
  }
  return undefined;
}
