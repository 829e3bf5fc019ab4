// Awaiting an expected failure: the promise must reject, with the given error class; the Temporal failure
// wrappers are unwrapped to the ApplicationFailure whose type and message tests assert on.
import assert from 'node:assert/strict';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

export async function rejectionOf<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const err = await promise.then(
    () => assert.fail(`expected a ${type.name}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
  return err;
}

/** The ApplicationFailure a workflow run ended with. */
export async function workflowFailure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await rejectionOf(promise, WorkflowFailedError);
  assert.ok(err.cause instanceof ApplicationFailure, `expected an ApplicationFailure cause, got ${String(err.cause)}`);
  return err.cause;
}

/** The ApplicationFailure an update was refused with (by its validator or handler). */
export async function updateRefusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await rejectionOf(promise, WorkflowUpdateFailedError);
  assert.ok(err.cause instanceof ApplicationFailure, `expected an ApplicationFailure cause, got ${String(err.cause)}`);
  return err.cause;
}
