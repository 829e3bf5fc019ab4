// Running migrations by stage and by execution state, counted in Temporal's visibility now and then and exported
// as gauges beside the migrator's other metrics (src/metrics/migrator-metrics.ts).
import type { MetricMeter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { METRICS } from '../metrics/migrator-metrics';
import { migrationsQuery } from '../migration/fleet-query';
import { STAGES } from '../migration/state';
import { EXECUTION_STATES } from '../migration/vocabulary';

export interface FleetGaugeOptions {
  connection: NativeConnection;
  namespace: string;
  /** This deployment's task queue: its migrations only, as the CLI's fleet views (two deployments may share a namespace). */
  taskQueue?: string;
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
  const attention = options.meter.createGauge(
    METRICS.migrationsNeedingAttention,
    'int',
    '',
    'Migrations a person is needed for, by why: INCIDENT (running, an API error unresolved), BACKUPS_OFF (ended with scheduled backups still off)',
  );
  const running = migrationsQuery(options.taskQueue, `ExecutionStatus = 'Running'`);
  const count = async (query: string) => {
    const response = await options.connection.workflowService.countWorkflowExecutions({
      namespace: options.namespace,
      query,
    });
    return Number(response.count ?? 0);
  };
  // Everything is counted first and set together, so a scrape never mixes two rounds. A round still counting is
  // not overlapped by the next: on a slow SQL visibility store, overlapping rounds queue up and the gauges lag.
  let busy = false;
  const refresh = async () => {
    if (busy) return;
    busy = true;
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
      // INCIDENT among running migrations; BACKUPS_OFF among all, since it is the ended runs that left them off.
      const incidents = await count(`${running} AND MigrationAttention = 'INCIDENT'`);
      const backupsOff = await count(migrationsQuery(options.taskQueue, `MigrationAttention = 'BACKUPS_OFF'`));
      for (const [stage, n] of stages) byStage.set(n, { stage });
      attention.set(incidents, { attention: 'INCIDENT' });
      attention.set(backupsOff, { attention: 'BACKUPS_OFF' });
      for (const [state, n] of states) byState.set(n, { state });
    } catch {
      // Keep the last figures: a visibility hiccup is not a fleet that emptied.
    } finally {
      busy = false;
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
