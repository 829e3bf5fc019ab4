// Posting a notification to its targets. Each target is posted at most once per event in the receiver's eyes:
// the event id goes in the body and in an Idempotency-Key header, and the targets already delivered are kept in
// the attempt's heartbeat (by index, never the URL), so a retry posts only to the ones that failed. A URL given
// as a secret reference is resolved here and registered for redaction; no error or log line carries it.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { FailureType } from '../migration/failure-types';
import { type MigratorMetrics, NO_METRICS } from '../metrics/migrator-metrics';
import { redact } from '../secrets/redact';
import type { SecretResolver } from '../secrets/resolver';
import type { NotificationEvent } from '../migration/notifications';

export interface NotifyDeps {
  secrets: SecretResolver;
  /** The worker's own targets (METASTORE_MIGRATOR_NOTIFY_URLS), for the `worker` target. */
  notifyDefaults?: readonly string[];
  metrics?: MigratorMetrics;
  /** Per POST; a receiver slower than this counts as failed and is tried again. */
  notifyTimeoutMs?: number;
}

interface Target {
  chat: boolean;
  /** A URL or a secret reference to one. */
  where: string;
}

export function createNotifyActivities({
  secrets,
  notifyDefaults = [],
  metrics = NO_METRICS,
  notifyTimeoutMs = 10_000,
}: NotifyDeps) {
  return {
    async notify({ event, targets }: { event: NotificationEvent; targets: string[] }): Promise<{ delivered: number }> {
      const all = expand(targets, notifyDefaults);
      const ctx = Context.current();
      const delivered = new Set<number>((ctx.info.heartbeatDetails as number[] | undefined) ?? []);
      const failures: string[] = [];
      let permanent = true;
      for (const [index, target] of all.entries()) {
        if (delivered.has(index)) continue;
        const url = target.where.startsWith('http')
          ? target.where
          : await secrets(target.where, `notify target ${index + 1}`);
        const outcome = await post(url, target.chat ? chatBody(event) : event, event.id, notifyTimeoutMs);
        if (outcome.ok) {
          delivered.add(index);
          ctx.heartbeat([...delivered]);
          metrics.notification(event.kind, 'sent');
        } else {
          metrics.notification(event.kind, 'failed');
          failures.push(`target ${index + 1}: ${outcome.problem}`);
          permanent &&= outcome.permanent;
        }
      }
      if (failures.length > 0) {
        const message = redact(`notification ${event.kind} (${event.id}) not delivered to ${failures.join('; ')}`);
        // A receiver that answers 400/404 will not change its mind; one that is down or slow may.
        throw ApplicationFailure.create({ type: FailureType.NotificationFailed, message, nonRetryable: permanent });
      }
      return { delivered: delivered.size };
    },
  };
}

/** `worker` becomes the worker's own targets; `chat:` marks the chat format. */
function expand(targets: readonly string[], defaults: readonly string[]): Target[] {
  const expanded = targets.flatMap((target) => (target === 'worker' ? defaults : [target]));
  return [...new Set(expanded)].map((target) =>
    target.startsWith('chat:') ? { chat: true, where: target.slice(5) } : { chat: false, where: target },
  );
}

/** Slack-style incoming webhooks take `{ text }`. */
function chatBody(event: NotificationEvent): { text: string } {
  const execution = event.executionState ? `, execution ${event.executionState}/${event.phase ?? '-'}` : '';
  const service = event.service.split('/').at(-1) ?? event.service;
  const text = `metastore-migrator · ${service}: ${event.kind.replace(/_/g, ' ')} — ${event.message} (stage ${event.stage}${execution})`;
  return { text: redact(text) };
}

type PostOutcome = { ok: true } | { ok: false; problem: string; permanent: boolean };

async function post(url: string, body: unknown, id: string, timeoutMs: number): Promise<PostOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': id, 'user-agent': 'metastore-migrator' },
      body: JSON.stringify(body, (key, value: unknown) =>
        key === 'message' && typeof value === 'string' ? redact(value) : value,
      ),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { ok: true };
    const permanent =
      response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
    return { ok: false, problem: `HTTP ${response.status}`, permanent };
  } catch (err) {
    // The cause names host and port at most (never the path, where a webhook keeps its key).
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    return { ok: false, problem: cause.replace(/https?:\/\/\S+/g, '<url>'), permanent: false };
  }
}
