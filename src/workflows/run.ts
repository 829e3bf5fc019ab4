// The run context of one managedMigration run: its request and state, its activities and notifier, and the
// plumbing every stage uses — API calls retried with the error recorded, the polls and how a read is applied, stage
// changes and endings, continue-as-new. The stages themselves (the story) are in managed-migration.ts.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType } from '../migration/failure-types';
import type { MigrationKind } from '../migration/kinds';
import { kindOf } from '../migration/kinds';
import { isKnownRead, readyToComplete, unknownValuesOf } from '../migration/snapshot';
import type { MigrationSnapshot } from '../migration/snapshot';
import { applySnapshot, enterStage, externalEnding, recordIncident } from '../migration/state';
import type { MigrationState, Outcome, Stage } from '../migration/state';
import type { BiglakeMetastoreMigrationConfigInput, MigrationRequest } from '../schemas';
import { activityProxies } from './activity-proxies';
import type { OperationCheck } from '../activities/polling';
import type { PrecheckBatch } from '../activities/precheck-batch';
import type { ActivityProxies } from './activity-proxies';
import {
  backoffMs,
  ending,
  failureLine,
  failureMessage,
  failureType,
  isBudgetWait,
  isTransientFailure,
  rethrowBug,
} from './failures';
import { legacyAwaitOperation, legacyWaitForChange } from './legacy';
import type { ManagedMigrationWorkflow } from './messages';
import { Notifier } from './notifier';
import { isPatched } from './patch-gate';
import { PATCHES } from './patches';
import type { SourceHealthWatch } from './source-health-watch';
import { publishVisibility } from './visibility';

const now = () => new Date().toISOString();

export class MigrationRun {
  readonly acts: ActivityProxies;
  readonly service: string;
  readonly kind: MigrationKind;
  readonly notifier: Notifier;
  /** The outgoing kind's config (DPMS → Lakehouse); undefined for the incoming kind. */
  readonly outgoing?: BiglakeMetastoreMigrationConfigInput;
  /** The source health watch while REPLICATION lasts (kinds that read their source). */
  health?: SourceHealthWatch;
  /** The start's prechecks that read, answered with the request check (lean-start); absent: the batch runs itself. */
  beforeStart?: PrecheckBatch;

  constructor(
    readonly request: MigrationRequest,
    readonly state: MigrationState,
  ) {
    this.acts = activityProxies(request.options);
    this.service = request.service;
    this.kind = kindOf(request.migrationExecution);
    this.outgoing = request.migrationExecution.biglakeMetastoreMigrationConfig;
    // Said in state (status, the Web UI's details) only for the outgoing kind: an incoming run's state is unchanged.
    if (this.outgoing) state.kind = 'biglakeMetastoreMigrationConfig';
    this.notifier = new Notifier(
      request.options.notify ?? [],
      this.service,
      state,
      request.options.notifyErrorAfterSeconds,
    );
    publishVisibility(state, this.service);
  }

  // ---- calling the API ------------------------------------------------------------------------------

  /**
   * Runs an API activity; transient failures (after the activity's own few quick attempts) are recorded in
   * `lastError`, so `status` shows them, and retried after a jittered backoff. Others fail at once.
   */
  async retrying<T>(call: () => Promise<T>, maxRounds = Infinity): Promise<T> {
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
        // Google's 429 asks to slow down, not to give up: paced by its Retry-After, it never uses up one of a
        // bounded call's rounds (a precheck under throttling would otherwise fail a start that nothing stopped).
        if (failureType(err) === 'RESOURCE_EXHAUSTED' && isPatched(PATCHES.throttlingIsPacing)) {
          this.noteError(err);
          await sleep(backoffMs(round, err));
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
   * An operation awaited by retry-as-poll on the control queue: no slot held between reads. `thenRead`: once done,
   * the migration is read in the same activity (its `snapshot`, not applied), when it can be.
   */
  awaitOperation(operation: string, thenRead?: { execution?: string }): Promise<OperationCheck> {
    const args = { operation, pollIntervalMs: this.request.options.operationPollSeconds * 1000 };
    if (!isPatched(PATCHES.retryAsPoll)) return legacyAwaitOperation(this.acts, args);
    const read = thenRead && { service: this.service, execution: thenRead.execution, last: this.state.lastSnapshot };
    return this.acts.operationChecks.checkOperation({ ...args, ...(read && { thenRead: read }) });
  }

  // ---- polls: reading the migration -------------------------------------------------------------------

  /** One read now (at a transition), applied; `publish: false` when the caller publishes it with the next stage. */
  async poll(execution?: string, publish = true): Promise<MigrationSnapshot> {
    const last = this.state.lastSnapshot;
    return this.apply(
      await this.retrying(() => this.acts.api.pollMigration({ service: this.service, execution, last })),
      publish,
    );
  }

  /** The next change (or the daily quiet return), by retry-as-poll on the poll queue. Not applied. */
  waitForChange(last: MigrationSnapshot, pollIntervalSeconds: number): Promise<MigrationSnapshot> {
    const options = this.request.options;
    const args = {
      service: this.service,
      execution: this.state.execution?.name ?? last.execution?.name,
      last,
      pollIntervalMs: pollIntervalSeconds * 1000,
      fastPollIntervalMs: Math.min(options.fastPollSeconds, pollIntervalSeconds) * 1000,
      fastUntil: this.state.fastPollUntil,
      maxQuietMs: options.maxQuietSeconds * 1000,
    };
    if (isPatched(PATCHES.retryAsPoll)) return this.acts.polls.pollMigrationChange(args);
    return legacyWaitForChange(this.acts, args);
  }

  /** A read becomes the state: what `status` shows, what is told, what the search attributes say. */
  apply(snapshot: MigrationSnapshot, publish = true): MigrationSnapshot {
    const before = this.state.execution?.state;
    applySnapshot(this.state, snapshot);
    this.noteUnknownValues(snapshot);
    const state = snapshot.execution?.state;
    const awaiting = state === 'AWAITING_USER_ACTION';
    if (awaiting && before !== state) {
      this.notifier.emit(
        'awaiting_user_action',
        snapshot.execution?.stateMessage ?? 'the migration waits for an engineer',
      );
    }
    // The CDC stream stops while the execution awaits the user: binlogs must last that long too.
    if (awaiting && before !== state) this.state.awaitingSince = snapshot.polledAt;
    if (!awaiting && this.state.awaitingSince) delete this.state.awaitingSince;
    if (awaiting !== (before === 'AWAITING_USER_ACTION')) this.health?.restart();
    if (snapshot.error) this.notifier.errorSeen(snapshot.error.type, snapshot.error.message);
    else this.notifier.errorCleared();
    if (snapshot.execution?.state !== before) this.pollFastFromNow();
    if (publish) publishVisibility(this.state, this.service);
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

  /** Around every transition the migration is polled fast for a while, then at the steady interval. */
  pollFastFromNow(): void {
    this.state.fastPollUntil = new Date(Date.now() + this.request.options.fastPollForSeconds * 1000).toISOString();
  }

  // ---- decisions ------------------------------------------------------------------------------------

  cancelRequested(): boolean {
    return this.state.decision?.action === 'cancel';
  }

  /** A decision that can be acted on now; it waits while the last read holds a state this tool does not know. */
  decisionActionable(): boolean {
    if (!isKnownRead(this.state.lastSnapshot)) return false;
    return (
      this.cancelRequested() || (this.state.decision?.action === 'complete' && readyToComplete(this.state.execution))
    );
  }

  // ---- stages and endings ---------------------------------------------------------------------------

  enter(stage: Stage): void {
    enterStage(this.state, stage, now());
    this.pollFastFromNow();
    publishVisibility(this.state, this.service);
    log.info('stage', { stage });
    // DONE is told as the outcome.
    if (stage !== 'DONE') this.notifier.emit('stage', `stage ${stage}`);
  }

  end(outcome: Outcome, message: string): void {
    this.state.outcome = outcome;
    this.state.outcomeMessage = message;
    publishVisibility(this.state, this.service);
    log.info('migration ended', { outcome, message });
  }

  /** If something outside ended the migration, record that outcome. */
  settleExternal(snapshot: MigrationSnapshot): boolean {
    const ending = externalEnding(snapshot);
    if (ending) this.end(ending.outcome, ending.message);
    return ending !== undefined;
  }

  /** A failed step: look at the migration; if it ended outside our control, that is the outcome. A bug propagates. */
  async settleAfterFailure(err: unknown): Promise<undefined> {
    if (isCancellation(err)) throw err;
    rethrowBug(err);
    this.noteError(err);
    const snapshot = await this.poll(this.state.execution?.name);
    if (this.settleExternal(snapshot)) return undefined;
    throw err;
  }

  /**
   * A complete or cancel the API refused, or whose operation failed: if the migration ended meanwhile, that is the
   * outcome; otherwise the decision is set aside with the API's reason, told, and the migration goes back to
   * waiting — the engineer may ask again. (Runs from before the patch end with the API's status, as they did.)
   */
  async decisionRefused(err: unknown): Promise<undefined> {
    if (isCancellation(err)) throw err;
    rethrowBug(err);
    this.noteError(err);
    const snapshot = await this.poll(this.state.execution?.name);
    if (this.settleExternal(snapshot)) return undefined;
    if (!isPatched(PATCHES.incidents)) throw err;
    const decision = this.state.decision;
    const reason = `refused by the API: ${failureLine(err)}`;
    if (decision) {
      decision.accepted = false;
      decision.note = reason;
    }
    this.state.decision = undefined;
    // The source inventory is recorded again right before the next cutover, not kept from this one.
    if (decision?.action === 'complete') delete this.state.cutoverInventory;
    log.warn('decision set aside', { action: decision?.action, reason });
    this.notifier.emit(
      'decision_refused',
      `${decision?.action ?? 'the decision'} was ${reason}; the migration goes on waiting: ask again when ready`,
    );
    // The outgoing kind waits in BACKFILL, which goes on to REPLICATION once an INCREMENTAL_SYNC backfill is done.
    this.enter(this.outgoing ? 'BACKFILL' : 'REPLICATION');
    return undefined;
  }

  noteError(err: unknown): void {
    const incident = recordIncident(
      this.state,
      { type: failureType(err) ?? 'Error', message: failureMessage(err) },
      now(),
    );
    this.notifier.errorSeen(incident.type, incident.message);
  }

  /** A failed activity becomes the run's failure, keeping the API's type and message. Only for mayEndRun errors. */
  asFailure(err: unknown) {
    this.noteError(err);
    if (!this.state.outcome) this.end('FAILED', failureMessage(err));
    const message = `${this.state.stage}: ${failureMessage(err)}`;
    return ending(failureType(err) ?? FailureType.MigrationFailed, message, err instanceof Error ? err : undefined);
  }

  /** The last word to the receivers, and whatever is still in flight, before the run closes. */
  async notifyOutcome(ending?: string): Promise<void> {
    const outcome = this.state.outcome ?? 'SUCCEEDED';
    this.notifier.emit('outcome', ending ?? `${outcome}: ${this.state.outcomeMessage ?? 'the migration ended'}`);
    await this.notifier.flush();
  }

  // ---- continue-as-new ------------------------------------------------------------------------------

  historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= this.request.options.maxHistoryEvents;
  }

  async continueAsNew(): Promise<never> {
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
    return continueAsNew<ManagedMigrationWorkflow>({ request: this.request, state });
  }
}
