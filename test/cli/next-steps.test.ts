// What the CLI says to do next: after a start, after a refusal, and when no worker polls the task queue.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { describeError } from '../../src/cli/errors';
import { afterStart, formatNextSteps, workflowUiLink } from '../../src/cli/next-steps';
import { RECENT_POLL_MS, noWorkerMessage, recentPollers } from '../../src/cli/worker-check';

const SERVICE = 'projects/p/locations/us-central1/services/hms';

describe('next steps', () => {
  it('links to the workflow in the Web UI as the UI routes it', () => {
    assert.equal(
      workflowUiLink('http://127.0.0.1:8233/', 'default', `migration/${SERVICE}`),
      'http://127.0.0.1:8233/namespaces/default/workflows/migration%2Fprojects%2Fp%2Flocations%2Fus-central1%2Fservices%2Fhms',
    );
  });

  it('after a start: watch, the dry-run of complete, complete, and the Web UI when known', () => {
    const text = formatNextSteps(afterStart(SERVICE, 'http://ui/x'));
    assert.match(text, new RegExp(`^ {2}metastore-migrator watch --service ${SERVICE} +# `, 'm'));
    assert.match(text, new RegExp(`^ {2}metastore-migrator complete --service ${SERVICE} --dry-run +# `, 'm'));
    assert.match(text, /^Web UI: http:\/\/ui\/x$/m);
    assert.doesNotMatch(formatNextSteps(afterStart(SERVICE, undefined)), /Web UI/);
  });

  it('after an outgoing BACKFILL: watch, status and rollback — no cutover to decide', () => {
    const text = formatNextSteps(afterStart(SERVICE, undefined, 'backfill'));
    assert.match(text, new RegExp(`^ {2}metastore-migrator status --service ${SERVICE} +# `, 'm'));
    assert.match(text, new RegExp(`^ {2}metastore-migrator rollback --service ${SERVICE} +# .*rollback window`, 'm'));
    assert.doesNotMatch(text, /complete/);
  });

  it('refusals end with the command to run', () => {
    const running = describeError(new WorkflowExecutionAlreadyStartedError('x', `migration/${SERVICE}`, 'managed'));
    assert.match(running.message, new RegExp(`see 'metastore-migrator status --service ${SERVICE}'`));
    const missing = describeError(new WorkflowNotFoundError('not found', `migration/${SERVICE}`, undefined));
    assert.match(
      missing.message,
      new RegExp(`start one with 'metastore-migrator start --service ${SERVICE} --config FILE'`),
    );
  });
});

describe('no worker', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  const at = (msAgo: number) => ({ lastAccessTime: { seconds: (now - msAgo) / 1000, nanos: 0 } });

  it('counts a poller seen within the window (a worker between long polls), not one listed from before', () => {
    assert.equal(recentPollers([at(5_000)], now).length, 1);
    assert.equal(recentPollers([at(65_000)], now).length, 1, 'an idle worker’s long poll lasts a minute');
    assert.equal(recentPollers([at(RECENT_POLL_MS + 1000)], now).length, 0);
    assert.equal(recentPollers([{}, { lastAccessTime: null }], now).length, 0);
  });

  it('names the task queue, the namespace and how to start a worker', () => {
    const message = noWorkerMessage('plan', 'metastore-migration', 'prod', 'temporal:7233');
    assert.match(message, /task queue "metastore-migration" in namespace "prod" at temporal:7233/);
    assert.match(message, /TEMPORAL_TASK_QUEUE=metastore-migration TEMPORAL_NAMESPACE=prod .*npm run worker/);
  });
});
