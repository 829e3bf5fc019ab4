// The PRECHECK of a run started with `adopt`: instead of the start's prechecks and startMigration, take over the
// service's migration execution that is already running (an earlier run terminated mid-REPLICATION, gcloud, the
// console). Reads only until the adoption is recorded; a refusal ends the run ADOPTION_REFUSED with nothing
// changed. After it the run goes on exactly as one that started the execution itself: REPLICATION, the cutover gate,
// the source health watch, verification and the backups. Only runs whose request asks to adopt come here, and no
// request before this code could (the request's fields are strict), so no recorded history meets this path.
import { isCancellation, log, workflowInfo } from '@temporalio/workflow';
import type { Adoption } from '../migration/adoption';
import { adoptedBackups, adoptedBackupsLine, executionToAdopt, snapshotRefusal } from '../migration/adoption';
import { workflowIdFor } from '../migration/names';
import type { ServiceFacts } from '../migration/service';
import type { MigrationSnapshot } from '../migration/snapshot';
import type { Adopt } from '../schemas';
import { failureLine, rethrowBug } from './failures';
import { kindSteps } from './kind-steps';
import type { MigrationRun } from './run';

/** A read that failed for good (or past `rounds`) is a refusal: nothing has changed yet. */
async function read<T>(run: MigrationRun, rounds: number, call: () => Promise<T>): Promise<T | { failed: string }> {
  return run.retrying(call, rounds).catch((err: unknown) => {
    if (isCancellation(err)) throw err;
    rethrowBug(err);
    return { failed: failureLine(err) };
  });
}

interface Adoptable {
  facts: ServiceFacts;
  snapshot: MigrationSnapshot;
  execution: string;
  backups: Exclude<ReturnType<typeof adoptedBackups>, { refusal: string }>;
}

/** The execution to adopt as read now, and what becomes of the backups; or why this run may not adopt it. */
async function adoptable(run: MigrationRun, adopt: Adopt, rounds: number): Promise<Adoptable | { refusal: string }> {
  const { service } = run;
  // One workflow per service is what keeps two runs from driving one execution: Temporal refuses a second
  // workflow with this id while one runs. A start of this workflow under another id (the stock CLI) could
  // otherwise adopt an execution that a running migration owns, which the start's "in flight" precheck prevents.
  const workflowId = workflowInfo().workflowId;
  if (workflowId !== workflowIdFor(service)) {
    return { refusal: `an adopting run must have the workflow id ${workflowIdFor(service)}, not ${workflowId}` };
  }
  const facts = await read(run, rounds, () => run.acts.precheck.checkService({ service }));
  if ('failed' in facts) return { refusal: `the service could not be read: ${facts.failed}` };
  run.state.serviceState = facts.state;
  const target = executionToAdopt(service, facts, run.request.migrationExecutionId);
  if ('refusal' in target) return target;
  const backups = adoptedBackups(facts.scheduledBackup, adopt.restoreBackups);
  if ('refusal' in backups) return backups;
  // The list said it is active; its own read says in what state (and that it is still this service's).
  const snapshot = await read(run, rounds, () => run.acts.api.pollMigration({ service, execution: target.execution }));
  if ('failed' in snapshot) return { refusal: `${target.execution} could not be read: ${snapshot.failed}` };
  const refusal = snapshotRefusal(target.execution, snapshot);
  if (refusal) return { refusal };
  // The source checks, the gate and the verification read the source the config names: it must be this one's.
  const { migrationExecution } = run.request;
  const mismatches = await read(run, rounds, () =>
    run.acts.precheck.checkAdoptedSource({ execution: target.execution, migrationExecution }),
  );
  if ('failed' in mismatches) return { refusal: `${target.execution} could not be read: ${mismatches.failed}` };
  if (mismatches.length > 0) {
    return { refusal: `the config names another source than ${target.execution}: ${mismatches.join('; ')}` };
  }
  return { facts, snapshot, execution: target.execution, backups };
}

/** Adopts the running execution (recorded in state, told), or ends the run ADOPTION_REFUSED. */
export async function adoptExecution(run: MigrationRun, adopt: Adopt, rounds: number): Promise<void> {
  const { state } = run;
  const found = await adoptable(run, adopt, rounds);
  if ('refusal' in found) return run.end('ADOPTION_REFUSED', `adoption refused: ${found.refusal}`);
  if (run.cancelRequested()) {
    return run.end('CANCELLED', `cancelled before the adoption; ${found.execution} was left as it was`);
  }
  const { facts, snapshot, execution, backups } = found;
  const adoption: Adoption = {
    execution,
    found: {
      state: snapshot.execution?.state,
      phase: snapshot.execution?.phase,
      createTime: snapshot.execution?.createTime,
    },
    at: new Date().toISOString(),
    ...(adopt.by !== undefined && { by: adopt.by }),
    ...(adopt.reason !== undefined && { reason: adopt.reason }),
    backups: backups.backups,
  };
  state.adoption = adoption;
  run.apply(snapshot);
  if (facts.hiveVersion) state.hiveVersion = facts.hiveVersion;
  if (backups.restore) state.savedScheduledBackup = backups.restore;
  // Off already, and this run turns them on at the end: the cleanup restores what backupsDisabled marks.
  if (backups.backups === 'restore-at-end') state.backupsDisabled = true;
  const who = adopt.by ? ` by ${adopt.by}` : '';
  const line = `adopted ${execution} (${adoption.found.state ?? '?'}/${adoption.found.phase ?? '?'})${who}; ${adoptedBackupsLine(backups.backups, backups.restore)}`;
  log.info('adopted a running migration execution', { execution, backups: backups.backups, by: adopt.by });
  run.notifier.emit('adopted', line);
  await kindSteps(run.kind).atAdoption(run);
  run.enter(backups.backups === 'disabled-at-adoption' ? 'DISABLING_BACKUPS' : 'REPLICATION');
}
