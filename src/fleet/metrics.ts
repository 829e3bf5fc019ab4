// The migration's own Prometheus metrics, served by the SDK's exporter beside its own (slots, schedule-to-start
// latency, …) when METASTORE_MIGRATOR_METRICS_ADDRESS is set: one /metrics for everything the worker knows.
// Metastore API calls are counted by the client, polls by the poll activity, decisions by the workflow (its
// replay-safe meter), and the fleet by stage and execution state from Temporal's visibility, counted now and then.
import type { MetricMeter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import type { ApiCallObservation } from '../metastore/client';
import { EXECUTION_STATES } from '../schemas/vocabulary';
import { DECISIONS_METRIC, WORKFLOW_TYPE } from '../workflows/messages';
import { STAGES } from '../workflows/migration-state';

export const METRICS = {
  apiCalls: 'metastore_migrator_api_calls',
  apiLatency: 'metastore_migrator_api_call_latency_seconds',
  lastPoll: 'metastore_migrator_last_successful_poll_timestamp_seconds',
  migrationsByStage: 'metastore_migrator_migrations',
  migrationsByState: 'metastore_migrator_migrations_by_execution_state',
  decisions: DECISIONS_METRIC,
  notifications: 'metastore_migrator_notifications',
} as const;

/** Latency buckets for Metastore calls (seconds): most answer in tens of ms, a hung one at the timeout. */
export const API_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface MigratorMetrics {
  apiCall(call: ApiCallObservation): void;
  /** A poll read the execution: the time, per migration (Grafana shows the age as time() minus it). */
  polled(service: string): void;
  notification(event: string, result: 'sent' | 'failed'): void;
}

export const NO_METRICS: MigratorMetrics = {
  apiCall: () => undefined,
  polled: () => undefined,
  notification: () => undefined,
};

export function createMigratorMetrics(meter: MetricMeter): MigratorMetrics {
  const calls = meter.createCounter(
    METRICS.apiCalls,
    '',
    'Metastore API calls, by method and status (OK or the error status)',
  );
  const latency = meter.createHistogram(METRICS.apiLatency, 'float', 's', 'Metastore API call latency, by method');
  const lastPoll = meter.createGauge(
    METRICS.lastPoll,
    'float',
    's',
    'When each migration last read its execution (Unix seconds)',
  );
  const notifications = meter.createCounter(METRICS.notifications, '', 'Notifications posted, by event and result');
  return {
    apiCall({ method, status, seconds }) {
      calls.add(1, { method, status });
      latency.record(seconds, { method });
    },
    polled: (service) => lastPoll.set(Date.now() / 1000, { service }),
    notification: (event, result) => notifications.add(1, { event, result }),
  };
}

export interface FleetGaugeOptions {
  connection: NativeConnection;
  namespace: string;
  meter: MetricMeter;
  intervalMs?: number;
}

/**
 * Running migrations by stage and by execution state, counted in Temporal's visibility every intervalMs (one
 * count per value, a handful of cheap queries). Every worker exports the same figures: take max() across them.
 * A state Google added since this release is counted as `other`. Returns a stop function.
 */
export function exportFleetGauges(options: FleetGaugeOptions): () => void {
  const byStage = options.meter.createGauge(METRICS.migrationsByStage, 'int', '', 'Running migrations, by stage');
  const byState = options.meter.createGauge(
    METRICS.migrationsByState,
    'int',
    '',
    'Running migrations, by migration execution state',
  );
  const running = `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
  const count = async (query: string) => {
    const response = await options.connection.workflowService.countWorkflowExecutions({
      namespace: options.namespace,
      query,
    });
    return Number(response.count ?? 0);
  };
  // Everything is counted first and set together, so a scrape never mixes two rounds.
  const refresh = async () => {
    try {
      const stages = new Map<string, number>();
      for (const stage of STAGES) stages.set(stage, await count(`${running} AND MigrationStage = '${stage}'`));
      const states = new Map<string, number>();
      // NONE: no execution yet (what the workflow writes then); `other`: a state this release does not know.
      for (const state of [...EXECUTION_STATES, 'NONE'])
        states.set(state, await count(`${running} AND MigrationExecutionState = '${state}'`));
      const total = await count(running);
      const counted = [...states.values()].reduce((sum, n) => sum + n, 0);
      states.set('other', Math.max(0, total - counted));
      for (const [stage, n] of stages) byStage.set(n, { stage });
      for (const [state, n] of states) byState.set(n, { state });
    } catch {
      // Keep the last figures: a visibility hiccup is not a fleet that emptied.
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
