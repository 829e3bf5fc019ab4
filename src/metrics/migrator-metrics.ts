// The migration's own Prometheus metrics, served by the SDK's exporter beside its own (slots, schedule-to-start
// latency, …) when METASTORE_MIGRATOR_METRICS_ADDRESS is set: one /metrics for everything the worker knows.
// Metastore API calls are counted by the client, polls by the poll activity, notifications by the notify activity, members driven by the rollout's activity,
// decisions by the workflow (its replay-safe meter), and the fleet by src/runtime/fleet-gauges.ts and
// src/runtime/rollout-gauges.ts. Below the
// activities and the worker, which both use it; it knows nothing of either.
import type { MetricMeter } from '@temporalio/common';
import type { ApiCallObservation } from '../metastore/client';
import { DECISIONS_METRIC } from '../migration/names';

export const METRICS = {
  apiCalls: 'metastore_migrator_api_calls',
  apiLatency: 'metastore_migrator_api_call_latency_seconds',
  lastPoll: 'metastore_migrator_last_successful_poll_timestamp_seconds',
  migrationsByStage: 'metastore_migrator_migrations',
  migrationsByState: 'metastore_migrator_migrations_by_execution_state',
  migrationsNeedingAttention: 'metastore_migrator_migrations_needing_attention',
  rollouts: 'metastore_migrator_rollouts',
  rolloutMembers: 'metastore_migrator_rollout_members',
  rolloutMembersDriven: 'metastore_migrator_rollout_members_driven',
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
  /** A rollout started a member or sent it a decision: the action and what became of it (MemberDriveResult). */
  memberDriven(action: string, result: string): void;
}

export const NO_METRICS: MigratorMetrics = {
  apiCall: () => undefined,
  polled: () => undefined,
  notification: () => undefined,
  memberDriven: () => undefined,
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
  const driven = meter.createCounter(
    METRICS.rolloutMembersDriven,
    '',
    "Rollouts' members started or decided on, by action and result",
  );
  return {
    apiCall({ method, status, seconds }) {
      calls.add(1, { method, status });
      latency.record(seconds, { method });
    },
    polled: (service) => lastPoll.set(Date.now() / 1000, { service }),
    notification: (event, result) => notifications.add(1, { event, result }),
    memberDriven: (action, result) => driven.add(1, { action, result }),
  };
}
