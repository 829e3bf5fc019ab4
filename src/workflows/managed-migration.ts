// The managed-migration workflow: precheck → (disable backups) → start → wait for the engineer →
// complete | cancel, and scheduled backups restored whatever the ending. Deterministic: all I/O is in
// activities, time comes from the SDK's Date, request ids from uuid4(), jitter from the SDK's Math.random.
import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  sleep,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType } from '../failure-types';
import type { MigrationRequest, MigrationRequestInput } from '../schemas';
import { activityProxies } from './activity-proxies';
import type { ActivityProxies } from './activity-proxies';
import { backoffMs, failureMessage, failureType, isBudgetWait, isTransientFailure } from './failures';
import { installHandlers } from './handlers';
import type { CutoverHooks } from './handlers';
import { CUTOVER_GATE_PATCH, blockedMessage, recordBaseline, runCutoverChecks } from './cutover-gate';
import type { CutoverReport } from './cutover-gate';
import { SOURCE_HEALTH_PATCH, SourceHealthWatch } from './source-health';
import type { SourceHealthChange } from './source-health';
import { Notifier } from './notifications';
import {
  applySnapshot,
  carriedState,
  enterStage,
  externalEnding,
  initialState,
  isReplicating,
  isKnownRead,
  isTerminalExecution,
  precheckProblems,
  recordDecision,
  sameScheduledBackup,
  snapshotChanged,
  unknownValuesOf,
} from './migration-state';
import type {
  MigrationResult,
  MigrationSnapshot,
  MigrationState,
  Outcome,
  ServiceFacts,
  Stage,
} from './migration-state';
import { runPrechecks } from './prechecks';
import { blockingSummary } from '../plan/report';
import { raceUntil } from './race';
import { validRequest } from './request-validation';
import { CUTOVER_VERIFICATION_PATCH, recordCutoverInventory, verifyCutover } from './verification';
import { verificationLine } from '../hive/reconcile';
import { publishVisibility } from './visibility';

export interface ManagedMigrationArgs {
  request: MigrationRequestInput;
  /** Set only by continue-as-new. */
  state?: MigrationState;
}

const now = () => new Date().toISOString();

/**
 * Waiting by retry-as-poll (pollMigrationChange on the poll queue, checkOperation) instead of long activities
 * that held a worker slot each. Checked at every wait, so a run recorded on the old watcher moves over at its
 * next poll once it runs on this code.
 */
export const RETRY_AS_POLL_PATCH = 'retry-as-poll';

/** Prechecks give up after this many rounds of transient failures: nothing has changed yet. */
const PRECHECK_ROUNDS = 4;

const FAILURE_TYPE_OF: Record<Exclude<Outcome, 'SUCCEEDED' | 'CANCELLED'>, string> = {
  FAILED: FailureType.MigrationFailed,
  SERVICE_GONE: FailureType.ServiceGone,
  PRECHECK_FAILED: FailureType.PrecheckFailed,
};

export async function managedMigration(args: ManagedMigrationArgs): Promise<MigrationResult> {
  const state = args.state
    ? carriedState(args.state)
    : initialState(now(), { disableBackups: uuid4(), start: uuid4(), restoreBackups: uuid4() });
  // Handlers before the request check (an activity): a status query or a decision arriving meanwhile finds
  // them. They add no command, so histories recorded with the old order replay alike.
  const onDecision = { pollFast: () => {} }; // nothing polls yet
  const cutover: CutoverHooks = {};
  installHandlers(state, args.request, () => onDecision.pollFast(), cutover);
  const request = await validRequest(args.request, args.state !== undefined);
  const run = new MigrationRun(request, state);
  onDecision.pollFast = () => run.pollFastFromNow();
  cutover.checks = (overrides) => run.cutoverChecks(overrides);
  return run.execute();
}

class MigrationRun {
  private readonly acts: ActivityProxies;
  private readonly service: string;
  private readonly notifier: Notifier;
  private health?: SourceHealthWatch;

  constructor(
    private readonly request: MigrationRequest,
    private readonly state: MigrationState,
  ) {
    this.acts = activityProxies(request.options);
    this.service = request.service;
    this.notifier = new Notifier(
      request.options.notify ?? [],
      this.service,
      state,
      request.options.notifyErrorAfterSeconds,
    );
    publishVisibility(state, this.service);
  }

  async execute(): Promise<MigrationResult> {
    let continuing = false;
    try {
      await this.runStages();
    } catch (err) {
      if (err instanceof ContinueAsNew) {
        continuing = true;
        throw err;
      }
      if (isCancellation(err)) {
        await CancellationScope.nonCancellable(() => this.onWorkflowCancelled());
        throw err;
      }
      throw this.asFailure(err);
    } finally {
      if (!continuing) {
        await CancellationScope.nonCancellable(() => this.restoreBackups());
        await CancellationScope.nonCancellable(() => this.notifyOutcome());
      }
    }
    const outcome = this.state.outcome ?? 'SUCCEEDED';
    if (outcome !== 'SUCCEEDED' && outcome !== 'CANCELLED') {
      throw ApplicationFailure.create({
        type: FAILURE_TYPE_OF[outcome],
        message: this.state.outcomeMessage,
        nonRetryable: true,
      });
    }
    return {
      outcome,
      message: this.state.outcomeMessage,
      execution: this.state.execution,
      serviceState: this.state.serviceState,
      backupsRestored: this.state.backupsRestored,
      requests: this.state.requests,
      ...(this.state.verification && { verification: this.state.verification }),
    };
  }

  private async runStages(): Promise<void> {
    const steps: Partial<Record<Stage, () => Promise<void>>> = {
      PRECHECK: () => this.precheck(),
      DISABLING_BACKUPS: () => this.disableBackups(),
      STARTING: () => this.start(),
      REPLICATION: () => this.waitForDecision(),
      COMPLETING: () => this.finish('completeMigration', 'SUCCEEDED'),
      CANCELLING: () => this.finish('cancelMigration', 'CANCELLED'),
    };
    for (let step = steps[this.state.stage]; step && !this.state.outcome; step = steps[this.state.stage]) {
      await step();
    }
  }

  private async precheck(): Promise<void> {
    // Every precheck (permissions, secrets, source readiness) arrived after the first runs were recorded:
    // histories from before take the old path on replay.
    const facts = patched('full-prechecks') ? await this.fullPrechecks() : await this.servicePrecheck();
    if (!facts) return;
    this.state.savedScheduledBackup = facts.scheduledBackup;
    if (this.cancelRequested()) return this.end('CANCELLED', 'cancelled before the migration started');
    this.enter(facts.scheduledBackup.enabled ? 'DISABLING_BACKUPS' : 'STARTING');
  }

  private async fullPrechecks(): Promise<ServiceFacts | undefined> {
    const { report, facts } = await runPrechecks(this.acts, this.request, (call) =>
      this.retrying(call, PRECHECK_ROUNDS),
    );
    this.state.plan = report;
    if (facts) this.state.serviceState = facts.state;
    if (facts?.hiveVersion) this.state.hiveVersion = facts.hiveVersion;
    if (report.ok && facts) return facts;
    this.end('PRECHECK_FAILED', `precheck failed: ${blockingSummary(report)}`);
    return undefined;
  }

  /** The original precheck (service facts and secrets only), kept for histories recorded before the patch. */
  private async servicePrecheck(): Promise<ServiceFacts | undefined> {
    const service = this.service;
    const facts = await this.retrying(() => this.acts.precheck.checkService({ service }), PRECHECK_ROUNDS);
    this.state.serviceState = facts.state;
    const problems = precheckProblems(facts);
    if (problems.length > 0) {
      this.end('PRECHECK_FAILED', `precheck failed: ${problems.join('; ')}`);
      return undefined;
    }
    const migrationExecution = this.request.migrationExecution;
    await this.retrying(() => this.acts.precheck.checkSecrets({ migrationExecution }), PRECHECK_ROUNDS);
    return facts;
  }

  private async disableBackups(): Promise<void> {
    // Marked before the call: if the patch lands and we fail right after, `finally` still restores.
    this.state.backupsDisabled = true;
    const requestId = this.state.requestIds.disableBackups;
    const { operation } = await CancellationScope.nonCancellable(() =>
      this.retrying(() => this.acts.api.disableScheduledBackups({ service: this.service, requestId })),
    );
    await this.awaitOperation(operation);
    this.enter('STARTING');
  }

  private async start(): Promise<void> {
    if (this.cancelRequested()) return this.end('CANCELLED', 'cancelled before the migration started');
    // What the source looks like before DPMS connects: the gate tells old clients from DPMS by it.
    if (patched(CUTOVER_GATE_PATCH) && !this.state.sourceBaseline) {
      await recordBaseline(this.acts, this.request, this.state);
    }
    const { migrationExecution, migrationExecutionId } = this.request;
    const args = {
      service: this.service,
      migrationExecution,
      migrationExecutionId,
      requestId: this.state.requestIds.start,
    };
    // Not cancellable: once sent, we must know the operation, or a cancel could race the start.
    const started = await CancellationScope.nonCancellable(() =>
      this.retrying(() => this.acts.api.startMigration(args)),
    );
    if (started.migrationExecution) this.state.execution = { name: started.migrationExecution };
    this.pollFastFromNow();
    const finished = await raceUntil(
      () => this.awaitOperation(started.operation),
      () => this.cancelRequested(),
    ).catch((err) => this.settleAfterFailure(err));
    if (finished === 'interrupted') return this.enter('CANCELLING');
    if (!finished) return;
    const snapshot = await this.poll(finished.value.migrationExecution ?? started.migrationExecution);
    if (!this.settleExternal(snapshot)) this.enter('REPLICATION');
  }

  /** REPLICATION: wait, with no deadline, for the engineer or for something outside to change. */
  private async waitForDecision(): Promise<void> {
    if (patched(SOURCE_HEALTH_PATCH)) {
      this.health = new SourceHealthWatch(this.acts, this.request, this.state, (changes) => this.onHealth(changes));
      this.health.start();
    }
    try {
      await this.replicate();
    } finally {
      this.health?.stop();
    }
  }

  private async replicate(): Promise<void> {
    let last = this.state.lastSnapshot ?? (await this.poll(this.state.execution?.name));
    for (;;) {
      if (this.settleExternal(last)) return;
      // A state from a newer API is not acted on (no cutover, no cancel) until it is one we know again.
      const known = isKnownRead(last);
      if (this.cancelRequested() && known) return this.enter('CANCELLING');
      if (this.state.decision?.action === 'complete' && isReplicating(this.state.execution) && known) {
        if (await this.gatePasses()) return this.enter('COMPLETING');
        continue;
      }
      if (this.historyIsLong()) await this.continueAsNew();
      const watched = await raceUntil(
        () => this.watch(last, this.request.options.pollIntervalSeconds),
        () => this.decisionActionable(),
      );
      if (watched === 'interrupted') continue;
      const changed = snapshotChanged(last, watched.value);
      this.state.watcherReturns[changed ? 'changed' : 'quiet'] += 1;
      last = this.apply(watched.value);
    }
  }

  /** completeMigration or cancelMigration, await its operation, then watch until the migration settles. */
  private async finish(call: 'completeMigration' | 'cancelMigration', expected: 'SUCCEEDED' | 'CANCELLED') {
    const verifying = expected === 'SUCCEEDED' && patched(CUTOVER_VERIFICATION_PATCH);
    // What DPMS must serve after cutover, read right before it (once: a retried COMPLETING keeps the first).
    if (verifying && !this.state.cutoverInventory) await recordCutoverInventory(this.acts, this.request, this.state);
    const args = { service: this.service, execution: this.state.execution?.name };
    const requested = await this.retrying(() => this.acts.api[call](args)).catch((err) => this.settleAfterFailure(err));
    if (!requested) return;
    if (requested.operation) {
      const done = await this.awaitOperation(requested.operation).catch((err) => this.settleAfterFailure(err));
      if (done === undefined) return;
    }
    await this.untilSettled(expected);
    if (verifying && this.state.outcome === 'SUCCEEDED') await this.verify();
  }

  /** DPMS's metastore against the source's at cutover; a mismatch is flagged and told, the outcome stays. */
  private async verify(): Promise<void> {
    const verification = await verifyCutover(this.acts, this.request, this.state);
    publishVisibility(this.state, this.service);
    this.notifier.emit('verification', verificationLine(verification));
  }

  /** Watches until the execution is terminal and the service has left MIGRATING, then records the outcome. */
  private async untilSettled(expected: 'SUCCEEDED' | 'CANCELLED'): Promise<void> {
    let snapshot = await this.poll(this.state.execution?.name);
    const settled = (s: MigrationSnapshot) =>
      !s.serviceFound || (isTerminalExecution(s.execution?.state) && s.serviceState !== 'MIGRATING' && isKnownRead(s));
    while (!settled(snapshot)) {
      snapshot = this.apply(await this.watch(snapshot, this.request.options.operationPollSeconds));
    }
    const state = snapshot.execution?.state;
    if (state === expected && snapshot.serviceState === 'ACTIVE') {
      const by = this.state.decision?.by ? ` by ${this.state.decision.by}` : '';
      return this.end(expected, `migration execution ${snapshot.execution?.name} ${expected}${by}`);
    }
    if (!this.settleExternal(snapshot)) {
      const found = `execution ${state ?? 'unknown'} and service ${snapshot.serviceState ?? 'gone'}`;
      this.end('FAILED', `expected ${expected} and service ACTIVE, found ${found}`);
    }
  }

  /** Temporal cancelled the workflow: cancel a migration in flight (cutover cannot be undone, so it is awaited). */
  private async onWorkflowCancelled(): Promise<void> {
    recordDecision(this.state, {
      action: 'cancel',
      at: now(),
      via: 'workflow-cancellation',
      reason: 'workflow cancelled',
    });
    const stage = this.state.stage;
    try {
      if (stage === 'STARTING' || stage === 'REPLICATION' || stage === 'CANCELLING') {
        this.enter('CANCELLING');
        await this.finish('cancelMigration', 'CANCELLED');
      } else if (stage === 'COMPLETING') {
        await this.untilSettled('SUCCEEDED');
      }
    } catch (err) {
      this.noteError(err);
    }
    if (!this.state.outcome) this.state.outcome = 'CANCELLED';
    this.state.outcomeMessage ??= 'the workflow was cancelled';
  }

  private async restoreBackups(): Promise<void> {
    const saved = this.state.savedScheduledBackup;
    if (this.state.backupsDisabled && !this.state.backupsRestored && saved) {
      this.enter('RESTORING_BACKUPS');
      const service = this.service;
      try {
        const requestId = this.state.requestIds.restoreBackups;
        const { operation } = await this.retrying(() =>
          this.acts.api.restoreScheduledBackups({ service, saved, requestId }),
        );
        await this.awaitOperation(operation);
        const after = await this.retrying(() => this.acts.api.checkService({ service }));
        this.state.backupsRestored = sameScheduledBackup(after.scheduledBackup, saved);
      } catch (err) {
        if (failureType(err) !== 'NOT_FOUND') this.noteError(err);
      }
      if (!this.state.backupsRestored && this.state.serviceState !== undefined) {
        this.enter('DONE');
        throw ApplicationFailure.create({
          type: FailureType.BackupRestoreFailed,
          message: `scheduled backups were not restored; set them back by hand to ${JSON.stringify(saved)} (${this.state.outcomeMessage ?? 'no outcome'})`,
          nonRetryable: true,
        });
      }
    }
    this.enter('DONE');
  }

  // ---- cutover gate and source health ------------------------------------------------------------

  /** The cutover checks with `overrides` (the update's gate, complete --dry-run, and a signal's complete). */
  cutoverChecks(overrides: readonly string[]): Promise<CutoverReport> {
    return runCutoverChecks(this.acts, this.request, this.state, overrides);
  }

  /**
   * A complete accepted by signal (or by an update before the gate existed) is checked now; if blocked, it is
   * set aside (kept in `requests` with the reasons), told, and the migration keeps replicating.
   */
  private async gatePasses(): Promise<boolean> {
    const decision = this.state.decision;
    if (!decision || decision.gate === 'passed' || !patched(CUTOVER_GATE_PATCH)) return true;
    const report = await this.cutoverChecks(decision.override ?? []);
    if (this.state.decision !== decision) return false; // replaced (a cancel) while the checks ran
    if (report.ok) {
      decision.gate = 'passed';
      return true;
    }
    decision.accepted = false;
    decision.note = blockedMessage(report);
    this.state.decision = undefined;
    this.notifier.emit('cutover_blocked', decision.note);
    return false;
  }

  private onHealth(changes: SourceHealthChange[]): void {
    publishVisibility(this.state, this.service);
    if (changes.length === 0) return;
    const status = this.state.sourceHealth?.status ?? 'unknown';
    const lines = changes.map((c) => `${c.check} ${c.from ?? 'new'} → ${c.to}: ${c.message}`);
    log.warn('source health changed', { status, changes: lines });
    this.notifier.emit('source_health', `source health ${status}: ${lines.join('; ')}`);
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /** The last word to the receivers, and whatever is still in flight, before the run closes. */
  private async notifyOutcome(): Promise<void> {
    const outcome = this.state.outcome ?? 'SUCCEEDED';
    this.notifier.emit('outcome', `${outcome}: ${this.state.outcomeMessage ?? 'the migration ended'}`);
    await this.notifier.flush();
  }

  /**
   * Runs an API activity; transient failures (after the activity's own few quick attempts) are recorded in
   * `lastError`, so `status` shows them, and retried after a jittered backoff. Others fail at once.
   */
  private async retrying<T>(call: () => Promise<T>, maxRounds = Infinity): Promise<T> {
    for (let round = 1; ;) {
      try {
        const result = await call();
        if (this.state.lastError && !this.state.lastError.resolvedAt) this.state.lastError.resolvedAt = now();
        this.notifier.errorCleared();
        return result;
      } catch (err) {
        if (!isTransientFailure(err)) throw err;
        // The worker's API budget is pacing a busy fleet: wait its Retry-After, count no round, note no error.
        // (Failures recorded before the budget existed carry no such mark and replay as errors.)
        if (isBudgetWait(err)) {
          await sleep(backoffMs(0, err));
          continue;
        }
        if (round >= maxRounds) throw err;
        this.noteError(err);
        await sleep(backoffMs(round, err));
        round += 1;
      }
    }
  }

  /**
   * An operation is awaited by retry-as-poll on the control queue (no slot held between reads); histories
   * from before that scheduled the long heartbeating awaitOperation and replay with it.
   */
  private awaitOperation(operation: string) {
    const args = { operation, pollIntervalMs: this.operationPollMs() };
    if (patched(RETRY_AS_POLL_PATCH)) return this.acts.operationChecks.checkOperation(args);
    return this.acts.operations.awaitOperation(args);
  }

  /** The next change (or the daily quiet return): retry-as-poll, or the old watcher when replaying before it. */
  private watch(last: MigrationSnapshot, pollIntervalSeconds: number): Promise<MigrationSnapshot> {
    const args = this.watchArgs(last, pollIntervalSeconds);
    if (patched(RETRY_AS_POLL_PATCH)) return this.acts.polls.pollMigrationChange(args);
    return this.acts.watcher.watchMigration(args);
  }

  private watchArgs(last: MigrationSnapshot, pollIntervalSeconds: number) {
    const options = this.request.options;
    return {
      service: this.service,
      execution: this.state.execution?.name ?? last.execution?.name,
      last,
      pollIntervalMs: pollIntervalSeconds * 1000,
      fastPollIntervalMs: Math.min(options.fastPollSeconds, pollIntervalSeconds) * 1000,
      fastUntil: this.state.fastPollUntil,
      maxQuietMs: options.maxQuietSeconds * 1000,
    };
  }

  private async poll(execution?: string): Promise<MigrationSnapshot> {
    const last = this.state.lastSnapshot;
    return this.apply(
      await this.retrying(() => this.acts.api.pollMigration({ service: this.service, execution, last })),
    );
  }

  private apply(snapshot: MigrationSnapshot): MigrationSnapshot {
    const before = this.state.execution?.state;
    applySnapshot(this.state, snapshot);
    this.noteUnknownValues(snapshot);
    const state = snapshot.execution?.state;
    if (state === 'AWAITING_USER_ACTION' && before !== state) {
      this.notifier.emit(
        'awaiting_user_action',
        snapshot.execution?.stateMessage ?? 'the migration waits for an engineer',
      );
    }
    // The CDC stream stops while the execution awaits the user: binlogs must last that long too.
    if (state === 'AWAITING_USER_ACTION' && before !== state) this.state.awaitingSince = snapshot.polledAt;
    if (state !== 'AWAITING_USER_ACTION' && this.state.awaitingSince) delete this.state.awaitingSince;
    if ((state === 'AWAITING_USER_ACTION') !== (before === 'AWAITING_USER_ACTION')) this.health?.restart();
    if (snapshot.error) this.notifier.errorSeen(snapshot.error.type, snapshot.error.message);
    else this.notifier.errorCleared();
    if (snapshot.execution?.state !== before) this.pollFastFromNow();
    publishVisibility(this.state, this.service);
    return snapshot;
  }

  /** A value from a newer API revision: recorded in status and logged, once per value. */
  private noteUnknownValues(snapshot: MigrationSnapshot): void {
    for (const value of unknownValuesOf(snapshot)) {
      const seen = (this.state.unknownValues ??= []);
      if (seen.includes(value)) continue;
      seen.push(value);
      log.warn('the API answered with a value this tool does not know; not acting on it, still watching', {
        value,
        execution: snapshot.execution?.name,
      });
      this.notifier.emit(
        'unknown_value',
        `the API answered ${value}, which this tool does not know: not acting on it, still watching`,
      );
    }
  }

  /** If something outside ended the migration, record that outcome. */
  private settleExternal(snapshot: MigrationSnapshot): boolean {
    const ending = externalEnding(snapshot);
    if (ending) this.end(ending.outcome, ending.message);
    return ending !== undefined;
  }

  /** A failed step: look at the migration; if it ended outside our control, that is the outcome. */
  private async settleAfterFailure(err: unknown): Promise<undefined> {
    if (isCancellation(err)) throw err;
    this.noteError(err);
    const snapshot = await this.poll(this.state.execution?.name);
    if (this.settleExternal(snapshot)) return undefined;
    throw err;
  }

  private end(outcome: Outcome, message: string): void {
    this.state.outcome = outcome;
    this.state.outcomeMessage = message;
    publishVisibility(this.state, this.service);
    log.info('migration ended', { outcome, message });
  }

  private enter(stage: Stage): void {
    enterStage(this.state, stage, now());
    this.pollFastFromNow();
    publishVisibility(this.state, this.service);
    log.info('stage', { stage });
    // DONE is told as the outcome.
    if (stage !== 'DONE') this.notifier.emit('stage', `stage ${stage}`);
  }

  /** Around every transition the watcher polls fast for a while, then falls back to the steady interval. */
  pollFastFromNow(): void {
    this.state.fastPollUntil = new Date(Date.now() + this.request.options.fastPollForSeconds * 1000).toISOString();
  }

  private cancelRequested(): boolean {
    return this.state.decision?.action === 'cancel';
  }

  private decisionActionable(): boolean {
    // A decision waits while the last read holds a state this tool does not know (see waitForDecision).
    if (!isKnownRead(this.state.lastSnapshot)) return false;
    return (
      this.cancelRequested() || (this.state.decision?.action === 'complete' && isReplicating(this.state.execution))
    );
  }

  private operationPollMs(): number {
    return this.request.options.operationPollSeconds * 1000;
  }

  private noteError(err: unknown): void {
    this.state.lastError = { type: failureType(err) ?? 'Error', message: failureMessage(err), at: now() };
    this.notifier.errorSeen(this.state.lastError.type, this.state.lastError.message);
  }

  /** Turns an activity failure into the workflow's failure, keeping the API's type and message. */
  private asFailure(err: unknown): unknown {
    if (err instanceof ApplicationFailure) return err;
    this.noteError(err);
    if (!this.state.outcome) this.end('FAILED', failureMessage(err));
    return ApplicationFailure.create({
      type: failureType(err) ?? FailureType.MigrationFailed,
      message: `${this.state.stage}: ${failureMessage(err)}`,
      nonRetryable: true,
      cause: err instanceof Error ? err : undefined,
    });
  }

  private historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= this.request.options.maxHistoryEvents;
  }

  private async continueAsNew(): Promise<never> {
    await condition(allHandlersFinished);
    await this.notifier.flush();
    const events = workflowInfo().historyLength;
    log.info('continuing as new', { historyLength: events });
    // A copy: queries answered by this run until it closes keep describing this run.
    const state: MigrationState = {
      ...this.state,
      continuedAsNew: this.state.continuedAsNew + 1,
      eventsInEarlierRuns: this.state.eventsInEarlierRuns + events,
    };
    return continueAsNew<typeof managedMigration>({ request: this.request, state });
  }
}
