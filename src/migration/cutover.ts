// The cutover readiness checks the migration answers from its own state, with no I/O: the execution RUNNING in
// REPLICATION (not awaiting user action) and no unresolved API error. The source's checks come from the kind.
import type { Finding } from './findings';
import { readyToComplete } from './snapshot';
import type { MigrationState } from './state';

/**
 * The source's cutover checks that must have run: skipped (the worker cannot reach the source, no VERSION or
 * client hosts recorded at the start), each blocks complete unless the engineer overrides it by name. Without
 * them the gate cannot tell whether workloads still write to the old metastore, whose writes would be lost.
 */
export const MUST_RUN_CUTOVER_CHECKS = ['hive.reachable', 'hive.schemaUnchanged', 'workloads.moved'] as const;

/**
 * Every check the cutover gate can report, by id: what `complete --override` and a rollout wave's `override` may
 * name. The migration's own two; then the incoming kind's source checks — the plan's hive.* and cdc.* again
 * (`source` when they could not run at all), and the two of the cutover itself. The outgoing kind adds none.
 * test/workflows/cutover-gate.test.ts holds it to what a real gate reports.
 */
export const CUTOVER_CHECKS = [
  'execution.replicating',
  'api.errors',
  'source',
  'hive.reachable',
  'hive.query',
  'hive.coreTables',
  'hive.schemaVersion',
  'hive.writeAccess',
  'hive.schemaUnchanged',
  'cdc.reachable',
  'cdc.query',
  'cdc.grants',
  'cdc.logBin',
  'cdc.binlogFormat',
  'cdc.binlogRowImage',
  'cdc.binlogRowValueOptions',
  'cdc.binlogRetention',
  'cdc.gtid',
  'cdc.logReplicaUpdates',
  'cdc.netReadTimeout',
  'cdc.netWriteTimeout',
  'cdc.waitTimeout',
  'cdc.maxAllowedPacket',
  'workloads.moved',
] as const;

export function stateFindings(state: Pick<MigrationState, 'execution' | 'lastError'>): Finding[] {
  const e = state.execution;
  const findings: Finding[] = [];
  if (e?.state === 'AWAITING_USER_ACTION') {
    findings.push({
      check: 'execution.replicating',
      level: 'error',
      message: `the execution awaits user action: ${e.stateMessage ?? 'see the Cloud console'}`,
    });
  } else if (!readyToComplete(e)) {
    // The outgoing kind (INCREMENTAL_SYNC) replicates once its backfill SUCCEEDED; it has no phase.
    if (e?.backfill !== undefined) {
      const message = `the execution is ${e.state ?? 'STATE_UNSPECIFIED'} with backfill ${e.backfill}, not RUNNING with backfill SUCCEEDED`;
      findings.push({ check: 'execution.replicating', level: 'error', message });
    } else {
      const where = e ? `${e.state ?? 'STATE_UNSPECIFIED'}/${e.phase ?? 'PHASE_UNSPECIFIED'}` : 'not started';
      findings.push({
        check: 'execution.replicating',
        level: 'error',
        message: `the execution is ${where}, not RUNNING/REPLICATION`,
      });
    }
  } else if (e?.backfill !== undefined) {
    findings.push({
      check: 'execution.replicating',
      level: 'ok',
      message: 'the execution is RUNNING with its backfill SUCCEEDED',
    });
  } else {
    findings.push({ check: 'execution.replicating', level: 'ok', message: 'the execution is RUNNING in REPLICATION' });
  }
  const error = state.lastError;
  findings.push(
    error && !error.resolvedAt
      ? {
          check: 'api.errors',
          level: 'error',
          message: `unresolved since ${error.at}: ${error.type}: ${error.message}`,
        }
      : { check: 'api.errors', level: 'ok', message: 'no API error is unresolved' },
  );
  return findings;
}
