// How the CLI reports failure: one line of text or JSON per error, with a type an engineer (or a script) can act on.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ENCRYPTED_ENCODING } from '../codec';
import { refusalStep } from './next-steps';

/** One field's problem, for --json: its path and what is wrong. */
export interface Issue {
  path: string;
  message: string;
}

/** Bad arguments: exit code 2 and the message alone; `issues` per field when a schema refused them. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
  }
}
/** --help: printed to stdout, exit code 0. */
export class HelpRequested extends Error {}

export interface DescribedError {
  type: string;
  message: string;
  /** Per field (a config file's or the flags' problems), the message's lines after its first. */
  issues?: Issue[];
}

/** One line of text or JSON for any error; never a stack trace for expected failures. */
export function describeError(err: unknown): DescribedError {
  if (err instanceof UsageError) return { type: 'Usage', message: err.message, ...issuesOf(err) };
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
      message: `a migration workflow for this service is already running: ${err.workflowId}; ${refusalStep.alreadyRunning(err.workflowId)}`,
    };
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { type?: string; message?: string } | undefined;
    return { type: cause?.type ?? 'UpdateFailed', message: cause?.message ?? err.message };
  }
  if (err instanceof WorkflowNotFoundError && /already completed/.test(err.message)) {
    return {
      type: 'Ended',
      message: `the migration workflow has already ended (${err.workflowId ?? ''}); ${refusalStep.ended(err.workflowId)}`,
    };
  }
  if (err instanceof WorkflowNotFoundError)
    return {
      type: 'NotFound',
      message: `no migration workflow: ${err.workflowId ?? err.message}; ${refusalStep.notFound(err.workflowId)}`,
    };
  if (err instanceof Error) return { type: err.name, message: err.message, ...issuesOf(err) };
  return { type: 'Error', message: String(err) };
}

function issuesOf(err: Error): { issues?: Issue[] } {
  const issues = (err as { issues?: unknown }).issues;
  return Array.isArray(issues) && issues.length > 0 ? { issues: issues as Issue[] } : {};
}

/**
 * --json's error object: with issues, the message is its first line ("FILE: invalid migration config") and the
 * issues are a list of { path, message }, not lines to split. `clean` (redaction) is applied to every text.
 */
export function errorJson(described: DescribedError, clean: (text: string) => string): { error: object } {
  const { type, message, issues } = described;
  if (!issues) return { error: { type, message: clean(message) } };
  const headline = (message.split('\n')[0] ?? '').replace(/:$/, '');
  return {
    error: {
      type,
      message: clean(headline),
      issues: issues.map((issue) => ({ path: issue.path, message: clean(issue.message) })),
    },
  };
}

/** The SDK's default converter meeting a payload our codec encrypted: "Unknown encoding: binary/encrypted". */
function isUndecodableEncryptedPayload(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e.message.includes(`Unknown encoding: ${ENCRYPTED_ENCODING}`)) return true;
  }
  return false;
}
