// The managed-migration workflow, read top to bottom as the seed's flow: precheck → disable scheduled backups →
// start → replicate (wait for the engineer, poll, watch the source) → complete | cancel → restore backups, whatever
// the ending. A run started with `adopt` takes over an execution already running instead (adoption.ts): its
// PRECHECK adopts, and it goes on from DISABLING_BACKUPS or REPLICATION. The plumbing every stage uses (retried
// calls, polls, stage changes) is the run context in run.ts; what the migration's kind adds (its source's baseline,
// health watch, cutover checks, reconciliation) is in kind-steps.ts. Deterministic: all I/O is in activities, time
// comes from the SDK's Date, request ids from uuid4(), jitter from the SDK's Math.random.
import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  condition,
  isCancellation,
  uuid4,
} from '@temporalio/workflow';
import { backfillFailed, backfillVerdict } from '../migration/backfill';
import { FailureType } from '../migration/failure-types';
import { blockingSummary } from '../migration/report';
import type { ServiceFacts } from '../migration/service';
import { sameScheduledBackup } from '../migration/service';
import type { MigrationSnapshot } from '../migration/snapshot';
import {
  isActiveExecution,
  isKnownRead,
  isTerminalExecution,
  readyToComplete,
  snapshotChanged,
} from '../migration/snapshot';
import { externalEnding } from '../migration/state';
import { carriedState, initialState, recordDecision } from '../migration/state';
import type { DecisionRecord, MigrationResult, Outcome, Stage } from '../migration/state';
import { adoptExecution } from './adoption';
import { gatePasses, runCutoverChecks } from './cutover-gate';
import { ending, failureLine, failureType, mayEndRun, rethrowBug } from './failures';
import { installHandlers } from './handlers';
import { installRolloutJoin } from './rollout-join';
import type { CutoverHooks } from './handlers';
import { kindSteps, readFailedTables } from './kind-steps';
import { legacyServicePrecheck } from './legacy';
import type { ManagedMigrationArgs } from './messages';
import { isPatched } from './patch-gate';
import { PATCHES } from './patches';
import { runPrechecks, workflowDryRunIds } from './prechecks';
import { raceUntil } from './race';
import { checkInput, validRequest } from './request-validation';
import { MigrationRun } from './run';

const now = () => new Date().toISOString();

/** Prechecks give up after this many rounds of transient failures: nothing has changed yet. */
const PRECHECK_ROUNDS = 4;

/** Endings that close the workflow normally: what the engineer asked for (ROLLED_BACK: the outgoing kind's). */
const NORMAL_ENDINGS: readonly Outcome[] = ['SUCCEEDED', 'CANCELLED', 'ROLLED_BACK'];

const FAILURE_TYPE_OF: Record<Exclude<Outcome, 'SUCCEEDED' | 'CANCELLED' | 'ROLLED_BACK'>, FailureType> = {
  FAILED: FailureType.MigrationFailed,
  SERVICE_GONE: FailureType.ServiceGone,
  PRECHECK_FAILED: FailureType.PrecheckFailed,
  ADOPTION_REFUSED: FailureType.AdoptionRefused,
};

export async function managedMigration(args: ManagedMigrationArgs): Promise<MigrationResult> {
  checkInput(args);
  const state = args.state
    ? carriedState(args.state)
    : initialState(now(), { disableBackups: uuid4(), start: uuid4(), restoreBackups: uuid4() });
  // Handlers before the request check (an activity): a status query or a decision arriving meanwhile finds
  // them. They add no command, so histories recorded with the old order replay alike.
  const onDecision = { pollFast: () => {} }; // nothing polls yet
  const cutover: CutoverHooks = {};
  installHandlers(state, args.request, () => onDecision.pollFast(), cutover);
  installRolloutJoin(state, args.request.service);
  // Since lean-start a fresh run's request check also runs the start's prechecks that read (checkBeforeStart): one
  // activity and one workflow task fewer; the precheck stage takes their answers (or runs the batch, as before).
  const fresh = args.state === undefined && isPatched(PATCHES.leanStart);
  const { request, beforeStart } = await validRequest(args.request, args.state !== undefined, fresh);
  const run = new MigrationRun(request, state);
  run.beforeStart = beforeStart;
  onDecision.pollFast = () => run.pollFastFromNow();
  cutover.checks = (overrides) => runCutoverChecks(run, overrides);
  return execute(run);
}

/**
 * The stages, then the cleanup every ending gets (backups restored, the outcome told) — except a bug: anything
 * but a failed activity or a deliberate ending propagates untouched and fails the workflow task, which the server
 * retries until a fixed build runs, with the migration and its backups left as they are.
 */
async function execute(run: MigrationRun): Promise<MigrationResult> {
  const { state } = run;
  let failure: unknown;
  try {
    await runStages(run);
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err; // the next run carries on
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => onWorkflowCancelled(run));
      failure = err;
    } else if (!mayEndRun(err)) {
      throw err; // a bug: no cleanup, no ending
    } else {
      failure = err instanceof ApplicationFailure ? err : run.asFailure(err);
    }
  }
  await cleanUp(run);
  if (failure !== undefined) throw failure;
  const outcome = state.outcome ?? 'SUCCEEDED';
  if (!NORMAL_ENDINGS.includes(outcome)) {
    throw ending(FAILURE_TYPE_OF[outcome as keyof typeof FAILURE_TYPE_OF], state.outcomeMessage ?? outcome);
  }
  return {
    outcome,
    message: state.outcomeMessage,
    execution: state.execution,
    serviceState: state.serviceState,
    backupsRestored: state.backupsRestored,
    requests: state.requests,
    ...(state.verification && { verification: state.verification }),
    ...(state.adoption && { adoption: state.adoption }),
    ...(state.backfill && { backfill: state.backfill }),
  };
}

/** Backups restored (or left off, saying why) and the outcome told, whatever the ending. */
async function cleanUp(run: MigrationRun): Promise<void> {
  try {
    await CancellationScope.nonCancellable(() => restoreBackups(run));
  } catch (err) {
    // The ending that most needs a person is told too (runs from before the patch end without it).
    if (err instanceof ApplicationFailure && isPatched(PATCHES.notifyEveryEnding)) {
      await CancellationScope.nonCancellable(() => run.notifyOutcome(`${err.type}: ${err.message}`));
    }
    throw err;
  }
  await CancellationScope.nonCancellable(() => run.notifyOutcome());
}

/** Each stage runs until it enters the next one or ends the migration; a continued run resumes where it was. */
async function runStages(run: MigrationRun): Promise<void> {
  const stages: Partial<Record<Stage, (run: MigrationRun) => Promise<void>>> = {
    PRECHECK: precheck,
    DISABLING_BACKUPS: disableBackups,
    STARTING: start,
    REPLICATION: replicate,
    BACKFILL: awaitBackfill,
    COMPLETING: complete,
    CANCELLING: cancel,
    ROLLBACK_WINDOW: rollbackWindow,
    ROLLING_BACK: rollBack,
  };
  for (let stage = stages[run.state.stage]; stage && !run.state.outcome; stage = stages[run.state.stage]) {
    await stage(run);
  }
}

// ---- PRECHECK ---------------------------------------------------------------------------------------------

async function precheck(run: MigrationRun): Promise<void> {
  // Taking over a running execution replaces the start's prechecks (and the start): see adoption.ts.
  if (run.request.adopt) return adoptExecution(run, run.request.adopt, PRECHECK_ROUNDS);
  const facts = isPatched(PATCHES.fullPrechecks)
    ? await fullPrechecks(run)
    : await legacyServicePrecheck(run, PRECHECK_ROUNDS);
  if (!facts) return;
  // The outgoing kind leaves scheduled backups as they are (see MigrationKind.pausesScheduledBackups): DPMS is its
  // source and keeps serving, and a backup is the rollback's safety net. Nothing saved, nothing to restore.
  const pausesBackups = run.kind.pausesScheduledBackups;
  if (pausesBackups) run.state.savedScheduledBackup = facts.scheduledBackup;
  if (run.cancelRequested()) return run.end('CANCELLED', 'cancelled before the migration started');
  run.enter(facts.scheduledBackup.enabled && pausesBackups ? 'DISABLING_BACKUPS' : 'STARTING');
}

/** Every precheck (service, permissions, secrets, the source); an error that was not overridden ends the run. */
async function fullPrechecks(run: MigrationRun): Promise<ServiceFacts | undefined> {
  const { report, facts } = await runPrechecks(
    run.acts,
    run.request,
    (call) => run.retrying(call, PRECHECK_ROUNDS),
    () => (run.state.dryRunIds ??= workflowDryRunIds()),
    run.beforeStart,
  );
  run.state.plan = report;
  if (facts) run.state.serviceState = facts.state;
  if (facts?.hiveVersion) run.state.hiveVersion = facts.hiveVersion;
  if (report.ok && facts) return facts;
  run.end('PRECHECK_FAILED', `precheck failed: ${blockingSummary(report)}`);
  return undefined;
}

// ---- DISABLING_BACKUPS ------------------------------------------------------------------------------------

async function disableBackups(run: MigrationRun): Promise<void> {
  // Marked before the call: if the patch lands and we fail right after, the cleanup still restores.
  run.state.backupsDisabled = true;
  const args = { service: run.service, requestId: run.state.requestIds.disableBackups };
  const { operation } = await CancellationScope.nonCancellable(() =>
    run.retrying(() => run.acts.api.disableScheduledBackups(args)),
  );
  await run.awaitOperation(operation);
  // An adopted execution runs already: nothing to start.
  run.enter(run.state.adoption ? 'REPLICATION' : 'STARTING');
}

// ---- STARTING ---------------------------------------------------------------------------------------------

async function start(run: MigrationRun): Promise<void> {
  if (run.cancelRequested()) return run.end('CANCELLED', 'cancelled before the migration started');
  if (run.outgoing) return startOutgoing(run, run.outgoing);
  if (isPatched(PATCHES.cutoverGate)) await kindSteps(run.kind).beforeStart(run);
  const { migrationExecution, migrationExecutionId } = run.request;
  const args = {
    service: run.service,
    migrationExecution,
    migrationExecutionId,
    requestId: run.state.requestIds.start,
  };
  // Not cancellable: once sent, we must know the operation, or a cancel could race the start.
  const started = await CancellationScope.nonCancellable(() => run.retrying(() => run.acts.api.startMigration(args)));
  if (started.migrationExecution) run.state.execution = { name: started.migrationExecution };
  run.pollFastFromNow();
  // Since lean-start the operation's last check also reads the migration (one activity and one workflow task
  // fewer; when it could not, the poll below reads it), and the read is published with the stage it leads to
  // (enter or end publishes): one upsert, not two.
  const lean = isPatched(PATCHES.leanStart);
  const thenRead = lean ? { execution: started.migrationExecution } : undefined;
  const finished = await raceUntil(
    () => run.awaitOperation(started.operation, thenRead),
    () => run.cancelRequested(),
  ).catch((err) => run.settleAfterFailure(err));
  if (finished === 'interrupted') return run.enter('CANCELLING');
  if (!finished) return;
  const read = finished.value.snapshot;
  const snapshot = read
    ? run.apply(read, false)
    : await run.poll(finished.value.migrationExecution ?? started.migrationExecution, !lean);
  if (!run.settleExternal(snapshot)) run.enter('REPLICATION');
}

// ---- REPLICATION: wait, with no deadline, for the engineer or for something outside to change -------------

async function replicate(run: MigrationRun): Promise<void> {
  if (isPatched(PATCHES.sourceHealth)) {
    run.health = kindSteps(run.kind).replicationWatch(run);
    run.health?.start();
  }
  try {
    await waitForDecision(run);
  } finally {
    run.health?.stop();
  }
}

async function waitForDecision(run: MigrationRun): Promise<void> {
  const { state } = run;
  let last = state.lastSnapshot ?? (await run.poll(state.execution?.name));
  for (;;) {
    if (run.settleExternal(last)) return;
    // A state from a newer API is not acted on (no cutover, no cancel) until it is one we know again.
    const known = isKnownRead(last);
    if (run.cancelRequested() && known) return run.enter('CANCELLING');
    if (state.decision?.action === 'complete' && readyToComplete(state.execution) && known) {
      if (await gatePasses(run)) return run.enter('COMPLETING');
      continue;
    }
    if (run.historyIsLong()) await run.continueAsNew();
    const polled = await raceUntil(
      () => run.waitForChange(last, run.request.options.pollIntervalSeconds),
      () => run.decisionActionable(),
    );
    if (polled === 'interrupted') continue;
    state.watcherReturns[snapshotChanged(last, polled.value) ? 'changed' : 'quiet'] += 1;
    last = run.apply(polled.value);
  }
}

// ---- COMPLETING | CANCELLING ------------------------------------------------------------------------------

/** Cutover: completeMigration, its operation, then polls until the migration settles SUCCEEDED; then the proof. */
async function complete(run: MigrationRun): Promise<void> {
  const steps = kindSteps(run.kind);
  const verifying = isPatched(PATCHES.cutoverVerification);
  if (verifying) await steps.beforeComplete(run);
  const args = { service: run.service, execution: run.state.execution?.name };
  const requested = await run
    .retrying(() => run.acts.api.completeMigration(args))
    .catch((err) => run.decisionRefused(err));
  if (!requested || !(await operationDone(run, requested.operation))) return;
  // The outgoing kind (INCREMENTAL_SYNC) ends with the service in PROXY, and goes on to its rollback window.
  if (run.outgoing) return untilOutgoingSettled(run);
  await untilSettled(run, 'SUCCEEDED');
  if (verifying && run.state.outcome === 'SUCCEEDED') await steps.afterSucceeded(run);
}

/** cancelMigration, its operation, then polls until the migration settles CANCELLED. */
async function cancel(run: MigrationRun): Promise<void> {
  const args = { service: run.service, execution: run.state.execution?.name };
  const requested = await run
    .retrying(() => run.acts.api.cancelMigration(args))
    .catch((err) => run.decisionRefused(err));
  if (!requested || !(await operationDone(run, requested.operation))) return;
  await untilSettled(run, 'CANCELLED');
}

/** False when the operation failed: the migration ended meanwhile (the outcome is set) or the decision was set aside. */
async function operationDone(run: MigrationRun, operation: string | undefined): Promise<boolean> {
  // No operation: the API was already doing what was asked (a retried call).
  if (!operation) return true;
  const done = await run.awaitOperation(operation).catch((err) => run.decisionRefused(err));
  return done !== undefined;
}

/** Polls until the execution is terminal and the service has left MIGRATING, then records the outcome. */
async function untilSettled(run: MigrationRun, expected: 'SUCCEEDED' | 'CANCELLED'): Promise<void> {
  let snapshot = await run.poll(run.state.execution?.name);
  const settled = (s: MigrationSnapshot) =>
    !s.serviceFound || (isTerminalExecution(s.execution?.state) && s.serviceState !== 'MIGRATING' && isKnownRead(s));
  while (!settled(snapshot)) {
    snapshot = run.apply(await run.waitForChange(snapshot, run.request.options.operationPollSeconds));
  }
  const state = snapshot.execution?.state;
  if (state === expected && snapshot.serviceState === 'ACTIVE') {
    const by = run.state.decision?.by ? ` by ${run.state.decision.by}` : '';
    return run.end(expected, `migration execution ${snapshot.execution?.name} ${expected}${by}`);
  }
  if (!run.settleExternal(snapshot)) {
    const found = `execution ${state ?? 'unknown'} and service ${snapshot.serviceState ?? 'gone'}`;
    run.end('FAILED', `expected ${expected} and service ACTIVE, found ${found}`);
  }
}

/** What a workflow cancellation during the rollback window leaves: the audit trail's note and the outcome's end. */
const WINDOW_CLOSED_EARLY = 'rollback window closed early by workflow cancellation; the migration was not rolled back';

/** The audit trail's note when the workflow was cancelled while a rollback it had asked for was under way. */
const ROLLBACK_FINISHED = 'workflow cancelled during the rollback; the rollback was finished';

/**
 * Temporal cancelled the workflow: cancel a migration in flight — either kind, in STARTING, REPLICATION or (the
 * outgoing kind) BACKFILL; cutover cannot be undone, so it is awaited. After SUCCEEDED it means "stop managing", not
 * "roll back": undoing a cutover the customers rely on because a workflow was cancelled would be dangerous, so the
 * rollback window closes early, the migration stays SUCCEEDED, and the audit trail and the outcome say so. A
 * rollback already asked for is the API's to finish, like a cutover: it is awaited, and its outcome stands.
 */
async function onWorkflowCancelled(run: MigrationRun): Promise<void> {
  const { state } = run;
  const asked = recordDecision(state, {
    action: 'cancel',
    at: now(),
    via: 'workflow-cancellation',
    reason: 'workflow cancelled',
  });
  // An adopted execution is this run's from the adoption on (in PRECHECK and DISABLING_BACKUPS too), as a started
  // one is from the start.
  const adoptedInFlight = state.adoption !== undefined && state.stage !== 'COMPLETING';
  try {
    if (
      state.stage === 'STARTING' ||
      state.stage === 'REPLICATION' ||
      state.stage === 'BACKFILL' ||
      state.stage === 'CANCELLING' ||
      adoptedInFlight
    ) {
      run.enter('CANCELLING');
      await cancel(run);
    } else if (state.stage === 'COMPLETING' && run.outgoing) {
      await untilOutgoingSettled(run);
    } else if (state.stage === 'COMPLETING') {
      await untilSettled(run, 'SUCCEEDED');
    } else if (state.stage === 'ROLLBACK_WINDOW' || state.stage === 'ROLLING_BACK') {
      await cancelledAfterSucceeded(run, asked);
    }
  } catch (err) {
    rethrowBug(err);
    run.noteError(err);
  }
  if (!state.outcome) state.outcome = 'CANCELLED';
  state.outcomeMessage ??= 'the workflow was cancelled';
}

/**
 * A workflow cancellation after SUCCEEDED (the outgoing kind): a rollback asked for runs to its end and its outcome
 * stands (rollBack finished it before the cancellation got here; one accepted that the window had not acted on yet
 * is sent now); otherwise the migration stays SUCCEEDED. A rollback the API refuses closes the window early too.
 */
async function cancelledAfterSucceeded(run: MigrationRun, asked: DecisionRecord): Promise<void> {
  const { state } = run;
  const rollbackAsked = state.stage === 'ROLLING_BACK' || state.decision?.action === 'rollback';
  if (rollbackAsked && isPatched(PATCHES.rollbackFinishes)) {
    if (state.stage === 'ROLLBACK_WINDOW') {
      run.enter('ROLLING_BACK');
      await rollBackSteps(run);
    }
    if (state.outcome) {
      asked.note = state.outcome === 'ROLLED_BACK' ? ROLLBACK_FINISHED : `${ROLLBACK_FINISHED}: ${state.outcome}`;
      return;
    }
  }
  if (state.stage === 'ROLLBACK_WINDOW') {
    asked.note = WINDOW_CLOSED_EARLY;
    state.outcome ??= 'SUCCEEDED';
    const last = state.lastSnapshot;
    state.outcomeMessage ??= `${last ? succeededLine(run, last) : 'the migration SUCCEEDED'}; ${WINDOW_CLOSED_EARLY}`;
  } else if (state.stage === 'ROLLING_BACK') {
    // Runs from before rollback-finishes: the cancellation left the rollback's wait, and the run said so.
    state.outcome ??= 'SUCCEEDED';
    state.outcomeMessage ??= `the workflow was cancelled in ${state.stage}: the migration stays SUCCEEDED, not rolled back by this run`;
  }
}

// ---- the outgoing kind: STARTING → BACKFILL → (REPLICATION → COMPLETING, INCREMENTAL_SYNC) → ROLLBACK_WINDOW --------

/** startMigration with the request's config and execution id, the run's request id; then BACKFILL. */
async function startOutgoing(run: MigrationRun, config: NonNullable<MigrationRun['outgoing']>): Promise<void> {
  const args = {
    service: run.service,
    config,
    migrationExecutionId: run.request.migrationExecutionId,
    requestId: run.state.requestIds.start,
  };
  // Not cancellable: once sent, we must know the operation, or a cancel could race the start.
  const started = await CancellationScope.nonCancellable(() =>
    run.retrying(() => run.acts.api.startBiglakeMigration(args)),
  );
  if (started.migrationExecution) run.state.execution = { name: started.migrationExecution };
  run.pollFastFromNow();
  const operation = 'operation' in started ? started.operation : undefined;
  const finished = operation
    ? await raceUntil(
        () => run.awaitOperation(operation),
        () => run.cancelRequested(),
      ).catch((err) => run.settleAfterFailure(err))
    : { value: { migrationExecution: started.migrationExecution } };
  if (finished === 'interrupted') return run.enter('CANCELLING');
  if (!finished) return;
  await run.poll(finished.value.migrationExecution ?? started.migrationExecution);
  run.enter('BACKFILL');
}

/**
 * BACKFILL: wait (retry-as-poll, no slot held) until the backfill ends. A BACKFILL ends the execution by itself;
 * an INCREMENTAL_SYNC stays RUNNING with its backfill SUCCEEDED and goes on to REPLICATION, where complete and
 * cancel are decided as for the incoming kind. A cancel is acted on at once.
 */
async function awaitBackfill(run: MigrationRun): Promise<void> {
  const { state } = run;
  let last = state.lastSnapshot ?? (await run.poll(state.execution?.name));
  for (;;) {
    if (await backfillSettled(run, last)) return;
    if (run.cancelRequested() && isKnownRead(last)) return run.enter('CANCELLING');
    if (run.historyIsLong()) await run.continueAsNew();
    const polled = await raceUntil(
      () => run.waitForChange(last, run.request.options.pollIntervalSeconds),
      () => run.cancelRequested() && isKnownRead(state.lastSnapshot),
    );
    if (polled === 'interrupted') continue;
    state.watcherReturns[snapshotChanged(last, polled.value) ? 'changed' : 'quiet'] += 1;
    last = run.apply(polled.value);
  }
}

/** Whether this read ends the BACKFILL stage (an outcome, the rollback window, or REPLICATION); a bug propagates. */
async function backfillSettled(run: MigrationRun, snapshot: MigrationSnapshot): Promise<boolean> {
  const e = snapshot.execution;
  // A value this tool does not know is never acted on: keep waiting (it is recorded and told).
  if (snapshot.serviceFound && !isKnownRead(snapshot)) return false;
  if (e?.state === 'ROLLED_BACK') {
    run.end('ROLLED_BACK', `migration execution ${e.name} was ROLLED_BACK outside this workflow`);
    return true;
  }
  if (e?.state === 'SUCCEEDED') {
    if (snapshot.serviceState === 'MIGRATING') return false; // the service has not settled yet
    await recordBackfill(run);
    // The proof: the report's failed tables by name, and the target catalogs against DPMS (kind-steps.ts).
    await kindSteps(run.kind).afterSucceeded(run);
    succeeded(run, snapshot);
    return true;
  }
  if (e?.state === 'FAILED') await recordBackfill(run); // what was written before it failed, for the record
  if (run.settleExternal(snapshot)) return true; // gone, FAILED (the API's stateMessage), CANCELLED outside
  if (run.outgoing?.mode === 'INCREMENTAL_SYNC' && readyToComplete(e)) {
    await recordBackfill(run);
    const backfill = run.state.backfill;
    // A partial failure goes on syncing: the failed tables are named now (status, this notification, then the
    // result), while the engineer decides on complete or cancel — not only after complete.
    const failed = backfill !== undefined && backfillFailed(backfill);
    if (failed && isPatched(PATCHES.syncFailedTables)) await readFailedTables(run);
    const verdict = backfill ? backfillVerdict(backfill) : 'SUCCEEDED';
    const goesOn = failed ? '; the sync goes on: complete or cancel when ready' : '';
    run.notifier.emit('stage', `backfill done: ${verdict}${goesOn}`);
    run.enter('REPLICATION');
    return true;
  }
  return false;
}

/** The backfill's outcome, read once from the execution's summary (bounded by the activity). */
async function recordBackfill(run: MigrationRun): Promise<void> {
  const execution = run.state.execution?.name;
  if (run.state.backfill || !execution) return;
  // A summary that cannot be read is an incident, not the migration's ending: it ended as the API says.
  run.state.backfill = await run
    .retrying(() => run.acts.api.readBackfillOutcome({ execution }))
    .catch((err: unknown) => {
      if (isCancellation(err)) throw err;
      rethrowBug(err);
      run.noteError(err);
      return undefined;
    });
}

/** SUCCEEDED: with the service in PROXY the rollback window opens (unless it is 0); otherwise the run ends. */
function succeeded(run: MigrationRun, snapshot: MigrationSnapshot): void {
  const { state } = run;
  const window = run.request.options.rollbackWindowSeconds;
  if (snapshot.serviceState === 'PROXY' && window > 0) {
    state.rollbackWindowEndsAt = new Date(Date.now() + window * 1000).toISOString();
    run.notifier.emit(
      'stage',
      `${succeededLine(run, snapshot)}; rollback possible until ${state.rollbackWindowEndsAt}`,
    );
    return run.enter('ROLLBACK_WINDOW');
  }
  run.end('SUCCEEDED', succeededLine(run, snapshot));
}

function succeededLine(run: MigrationRun, snapshot: MigrationSnapshot): string {
  const proxy = snapshot.lakehouseProxy;
  const forwarding = proxy
    ? ` forwarding ${(proxy.namespaces ?? []).join(', ') || 'nothing'} to ${proxy.catalog ?? '?'}`
    : '';
  const verdict = run.state.backfill ? `${backfillVerdict(run.state.backfill)}; ` : '';
  const by = run.state.decision?.action === 'complete' && run.state.decision.by ? ` by ${run.state.decision.by}` : '';
  return `migration execution ${snapshot.execution?.name ?? '?'} SUCCEEDED${by}: ${verdict}the service is ${snapshot.serviceState ?? '?'}${forwarding}`;
}

/** After completeMigration (INCREMENTAL_SYNC): polls until the execution is terminal and the service settled. */
async function untilOutgoingSettled(run: MigrationRun): Promise<void> {
  let snapshot = await run.poll(run.state.execution?.name);
  const settled = (s: MigrationSnapshot) =>
    !s.serviceFound || (isTerminalExecution(s.execution?.state) && s.serviceState !== 'MIGRATING' && isKnownRead(s));
  while (!settled(snapshot)) {
    snapshot = run.apply(await run.waitForChange(snapshot, run.request.options.operationPollSeconds));
  }
  if (!(await backfillSettled(run, snapshot))) {
    run.end('FAILED', `expected SUCCEEDED, found execution ${snapshot.execution?.state ?? 'unknown'}`);
  }
}

/**
 * ROLLBACK_WINDOW: the workflow stays open until the window ends, accepting a rollback — one timer and a
 * condition, no polling and no history growth meanwhile. At its end one read: a rollback done outside (gcloud,
 * the console) is the outcome; otherwise the migration SUCCEEDED.
 */
async function rollbackWindow(run: MigrationRun): Promise<void> {
  const { state } = run;
  const asked = () => state.decision?.action === 'rollback';
  const remaining = Date.parse(state.rollbackWindowEndsAt ?? new Date().toISOString()) - Date.now();
  if (remaining > 0 && !asked()) await condition(asked, remaining);
  if (asked()) return run.enter('ROLLING_BACK');
  const snapshot = await run.poll(state.execution?.name);
  if (snapshot.execution?.state === 'ROLLED_BACK') {
    return run.end(
      'ROLLED_BACK',
      `migration execution ${snapshot.execution.name} was ROLLED_BACK outside this workflow`,
    );
  }
  run.end(
    'SUCCEEDED',
    `${succeededLine(run, snapshot)}; the rollback window ended at ${state.rollbackWindowEndsAt ?? '?'} without a rollback`,
  );
}

/**
 * ROLLING_BACK. Once asked, the rollback is the API's to finish: a workflow cancellation meanwhile would leave the run
 * recording SUCCEEDED while the API rolls the migration back. So it runs to its end out of the cancellation's reach
 * (as a start or a cutover under way is awaited), and only then is the cancellation acted on (onWorkflowCancelled).
 */
async function rollBack(run: MigrationRun): Promise<void> {
  if (!isPatched(PATCHES.rollbackFinishes)) return rollBackSteps(run);
  await CancellationScope.nonCancellable(() => rollBackSteps(run));
  const scope = CancellationScope.current();
  // Rejects with the workflow's cancellation: onWorkflowCancelled records it beside the rollback's outcome.
  if (scope.consideredCancelled) await scope.cancelRequested;
}

/** cancelMigration after SUCCEEDED, then polls until the execution is ROLLED_BACK and the service ACTIVE. */
async function rollBackSteps(run: MigrationRun): Promise<void> {
  const args = { service: run.service, execution: run.state.execution?.name };
  const requested = await run
    .retrying(() => run.acts.api.rollbackMigration(args))
    .catch((err) => rollbackRefused(run, err));
  if (!requested) return;
  if (requested.operation) {
    const done = await run.awaitOperation(requested.operation).catch((err) => rollbackRefused(run, err));
    if (done === undefined) return;
  }
  let snapshot = await run.poll(run.state.execution?.name);
  const settled = (s: MigrationSnapshot) =>
    !s.serviceFound ||
    (isKnownRead(s) &&
      s.serviceState !== 'MIGRATING' &&
      (s.execution?.state !== 'ROLLED_BACK' || s.serviceState !== 'PROXY'));
  while (!settled(snapshot)) {
    snapshot = run.apply(await run.waitForChange(snapshot, run.request.options.operationPollSeconds));
  }
  const e = snapshot.execution;
  if (e?.state === 'ROLLED_BACK' && snapshot.serviceState === 'ACTIVE') {
    const by = run.state.decision?.by ? ` by ${run.state.decision.by}` : '';
    return run.end(
      'ROLLED_BACK',
      `migration execution ${e.name} ROLLED_BACK${by}: the service is ACTIVE, served by DPMS again`,
    );
  }
  const outside = externalEnding(snapshot);
  if (outside?.outcome === 'SERVICE_GONE') return run.end(outside.outcome, outside.message);
  run.end(
    'FAILED',
    `expected ROLLED_BACK and service ACTIVE, found execution ${e?.state ?? 'unknown'} and service ${snapshot.serviceState ?? 'gone'}`,
  );
}

/** The API refused the rollback (e.g. its own window is over): set aside with its reason, told; the window goes on. */
async function rollbackRefused(run: MigrationRun, err: unknown): Promise<undefined> {
  if (isCancellation(err)) throw err;
  rethrowBug(err);
  run.noteError(err);
  const decision = run.state.decision;
  const reason = `refused by the API: ${failureLine(err)}`;
  if (decision) {
    decision.accepted = false;
    decision.note = reason;
  }
  run.state.decision = undefined;
  run.notifier.emit('decision_refused', `rollback was ${reason}; the rollback window goes on`);
  run.enter('ROLLBACK_WINDOW');
  return undefined;
}

// ---- RESTORING_BACKUPS ------------------------------------------------------------------------------------

/** The run ends while its execution may still be active (a refused cancel, a failed call): read it once more. */
async function stillActive(run: MigrationRun): Promise<boolean> {
  if (!isActiveExecution(run.state.execution?.state) || !isPatched(PATCHES.backupsStayOffWhileActive)) return false;
  const snapshot = await run.poll(run.state.execution?.name);
  return snapshot.serviceFound && isActiveExecution(snapshot.execution?.state);
}

/** Writes back the saved scheduled-backup setting and reads it back; what cannot be restored is said, by hand. */
async function restoreBackups(run: MigrationRun): Promise<void> {
  const { state } = run;
  const saved = state.savedScheduledBackup;
  if (state.backupsDisabled && !state.backupsRestored && saved) {
    if (await stillActive(run)) {
      // Backups taken while the migration still runs may be incomplete: they stay off, and the ending says so.
      run.enter('DONE');
      const e = state.execution;
      const message =
        `scheduled backups left disabled: migration execution ${e?.name ?? '?'} is still ${e?.state ?? '?'}; when ` +
        `it ends, set them back to ${JSON.stringify(saved)} (${state.outcomeMessage ?? 'no outcome'})`;
      run.notifier.emit('backups_left_off', message);
      throw ending(FailureType.BackupRestoreFailed, message);
    }
    run.enter('RESTORING_BACKUPS');
    const service = run.service;
    try {
      const requestId = state.requestIds.restoreBackups;
      const { operation } = await run.retrying(() =>
        run.acts.api.restoreScheduledBackups({ service, saved, requestId }),
      );
      await run.awaitOperation(operation);
      const after = await run.retrying(() => run.acts.api.checkService({ service }));
      state.backupsRestored = sameScheduledBackup(after.scheduledBackup, saved);
    } catch (err) {
      rethrowBug(err);
      if (failureType(err) !== 'NOT_FOUND') run.noteError(err);
    }
    if (!state.backupsRestored && state.serviceState !== undefined) {
      run.enter('DONE');
      const message = `scheduled backups were not restored; set them back by hand to ${JSON.stringify(saved)} (${state.outcomeMessage ?? 'no outcome'})`;
      throw ending(FailureType.BackupRestoreFailed, message);
    }
  }
  if (state.adoption?.backups === 'left-off') {
    const message =
      `scheduled backups were already off when ${state.adoption.execution} was adopted and stay off: nothing ` +
      'says they were on before it; turn them on by hand if they should be';
    run.notifier.emit('backups_left_off', message);
  }
  run.enter('DONE');
}
