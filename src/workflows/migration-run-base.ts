// What every stage of managedMigration shares: the run's activities, notifier and state; API calls retried with
// the error recorded; polls and how a read is applied; stage changes and endings; the cutover gate and the source
// health callbacks; continue-as-new. The stages themselves are in managed-migration.ts.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType } from '../failure-types';
import type { MigrationRequest } from '../schemas';
import { activityProxies } from './activity-proxies';
import type { ActivityProxies } from './activity-proxies';
import { CUTOVER_GATE_PATCH, blockedMessage, runCutoverChecks } from './cutover-gate';
import type { CutoverReport } from './cutover-gate';
import { backoffMs, failureMessage, failureType, isBudgetWait, isTransientFailure } from './failures';
import type { managedMigration } from './managed-migration';
import {
  applySnapshot,
  externalEnding,
  enterStage,
  isKnownRead,
  isReplicating,
  unknownValuesOf,
} from './migration-state';
import type { MigrationSnapshot, MigrationState, Outcome, Stage } from './migration-state';
import { Notifier } from './notifications';
import type { SourceHealthChange, SourceHealthWatch } from './source-health';
import { publishVisibility } from './visibility';

/**
 * Waiting by retry-as-poll (pollMigrationChange on the poll queue, checkOperation) instead of long activities
 * that held a worker slot each. Checked at every wait, so a run recorded on the old watcher moves over at its
 * next poll once it runs on this code.
 */
export const RETRY_AS_POLL_PATCH = 'retry-as-poll';

const now = () => new Date().toISOString();

export abstract class MigrationRunBase {
  protected readonly acts: ActivityProxies;
  protected readonly service: string;
  protected readonly notifier: Notifier;
  protected health?: SourceHealthWatch;

  constructor(
    protected readonly request: MigrationRequest,
    protected readonly state: MigrationState,
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

  // ---- cutover gate and source health ------------------------------------------------------------

  /** The cutover checks with `overrides` (the update's gate, complete --dry-run, and a signal's complete). */
  cutoverChecks(overrides: readonly string[]): Promise<CutoverReport> {
    return runCutoverChecks(this.acts, this.request, this.state, overrides);
  }

  /**
   * A complete accepted by signal (or by an update before the gate existed) is checked now; if blocked, it is
   * set aside (kept in `requests` with the reasons), told, and the migration keeps replicating.
   */
  protected async gatePasses(): Promise<boolean> {
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

  protected onHealth(changes: SourceHealthChange[]): void {
    publishVisibility(this.state, this.service);
    if (changes.length === 0) return;
    const status = this.state.sourceHealth?.status ?? 'unknown';
    const lines = changes.map((c) => `${c.check} ${c.from ?? 'new'} → ${c.to}: ${c.message}`);
    log.warn('source health changed', { status, changes: lines });
    this.notifier.emit('source_health', `source health ${status}: ${lines.join('; ')}`);
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /** The last word to the receivers, and whatever is still in flight, before the run closes. */
  protected async notifyOutcome(): Promise<void> {
    const outcome = this.state.outcome ?? 'SUCCEEDED';
    this.notifier.emit('outcome', `${outcome}: ${this.state.outcomeMessage ?? 'the migration ended'}`);
    await this.notifier.flush();
  }

  /**
   * Runs an API activity; transient failures (after the activity's own few quick attempts) are recorded in
   * `lastError`, so `status` shows them, and retried after a jittered backoff. Others fail at once.
   */
  protected async retrying<T>(call: () => Promise<T>, maxRounds = Infinity): Promise<T> {
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
  protected awaitOperation(operation: string) {
    const args = { operation, pollIntervalMs: this.operationPollMs() };
    if (patched(RETRY_AS_POLL_PATCH)) return this.acts.operationChecks.checkOperation(args);
    return this.acts.operations.awaitOperation(args);
  }

  /** The next change (or the daily quiet return): retry-as-poll, or the old watcher when replaying before it. */
  protected watch(last: MigrationSnapshot, pollIntervalSeconds: number): Promise<MigrationSnapshot> {
    const args = this.watchArgs(last, pollIntervalSeconds);
    if (patched(RETRY_AS_POLL_PATCH)) return this.acts.polls.pollMigrationChange(args);
    return this.acts.watcher.watchMigration(args);
  }

  protected watchArgs(last: MigrationSnapshot, pollIntervalSeconds: number) {
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

  protected async poll(execution?: string): Promise<MigrationSnapshot> {
    const last = this.state.lastSnapshot;
    return this.apply(
      await this.retrying(() => this.acts.api.pollMigration({ service: this.service, execution, last })),
    );
  }

  protected apply(snapshot: MigrationSnapshot): MigrationSnapshot {
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
  protected noteUnknownValues(snapshot: MigrationSnapshot): void {
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
  protected settleExternal(snapshot: MigrationSnapshot): boolean {
    const ending = externalEnding(snapshot);
    if (ending) this.end(ending.outcome, ending.message);
    return ending !== undefined;
  }

  /** A failed step: look at the migration; if it ended outside our control, that is the outcome. */
  protected async settleAfterFailure(err: unknown): Promise<undefined> {
    if (isCancellation(err)) throw err;
    this.noteError(err);
    const snapshot = await this.poll(this.state.execution?.name);
    if (this.settleExternal(snapshot)) return undefined;
    throw err;
  }

  protected end(outcome: Outcome, message: string): void {
    this.state.outcome = outcome;
    this.state.outcomeMessage = message;
    publishVisibility(this.state, this.service);
    log.info('migration ended', { outcome, message });
  }

  protected enter(stage: Stage): void {
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

  protected cancelRequested(): boolean {
    return this.state.decision?.action === 'cancel';
  }

  protected decisionActionable(): boolean {
    // A decision waits while the last read holds a state this tool does not know (see waitForDecision).
    if (!isKnownRead(this.state.lastSnapshot)) return false;
    return (
      this.cancelRequested() || (this.state.decision?.action === 'complete' && isReplicating(this.state.execution))
    );
  }

  protected operationPollMs(): number {
    return this.request.options.operationPollSeconds * 1000;
  }

  protected noteError(err: unknown): void {
    this.state.lastError = { type: failureType(err) ?? 'Error', message: failureMessage(err), at: now() };
    this.notifier.errorSeen(this.state.lastError.type, this.state.lastError.message);
  }

  /** Turns an activity failure into the workflow's failure, keeping the API's type and message. */
  protected asFailure(err: unknown): unknown {
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

  protected historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= this.request.options.maxHistoryEvents;
  }

  protected async continueAsNew(): Promise<never> {
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
