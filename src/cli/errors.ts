// How the CLI reports failure: one line of text or JSON per error, with a type an engineer (or a script) can act on.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ENCRYPTED_ENCODING } from '../codec';

/** Bad arguments: exit code 2 and the message alone. */
export class UsageError extends Error {}
/** --help: printed to stdout, exit code 0. */
export class HelpRequested extends Error {}

/** One line of text or JSON for any error; never a stack trace for expected failures. */
export function describeError(err: unknown): { type: string; message: string } {
  if (err instanceof UsageError) return { type: 'Usage', message: err.message };
  if (isUndecodableEncryptedPayload(err)) {
    return {
      type: 'EncryptedPayload',
      message:
        `the workflow's payloads are encrypted (${ENCRYPTED_ENCODING}) and this CLI has no keys: ` +
        'set METASTORE_MIGRATOR_CODEC_KEYS to the keys the worker uses',
    };
  }
  if (err instanceof WorkflowFailedError) {
    const cause = err.cause as { type?: string; message?: string } | undefined;
    return { type: cause?.type ?? 'WorkflowFailed', message: cause?.message ?? err.message };
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return {
      type: 'AlreadyRunning',
      message: `a migration workflow for this service is already running: ${err.workflowId}`,
    };
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { type?: string; message?: string } | undefined;
    return { type: cause?.type ?? 'UpdateFailed', message: cause?.message ?? err.message };
  }
  if (err instanceof WorkflowNotFoundError && /already completed/.test(err.message)) {
    return {
      type: 'Ended',
      message: `the migration workflow has already ended (${err.workflowId ?? ''}); see 'status'`,
    };
  }
  if (err instanceof WorkflowNotFoundError)
    return { type: 'NotFound', message: `no migration workflow: ${err.workflowId ?? err.message}` };
  if (err instanceof Error) return { type: err.name, message: err.message };
  return { type: 'Error', message: String(err) };
}

/** The SDK's default converter meeting a payload our codec encrypted: "Unknown encoding: binary/encrypted". */
function isUndecodableEncryptedPayload(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e.message.includes(`Unknown encoding: ${ENCRYPTED_ENCODING}`)) return true;
  }
  return false;
}
