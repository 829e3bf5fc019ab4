// The managed-migration workflow: precheck → (disable backups) → start → wait for the engineer →
// complete | cancel, and scheduled backups restored whatever the ending. Deterministic: all I/O is in
// activities, time comes from the SDK's Date, request ids from uuid4().
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType } from '../failure-types';
import { MigrationRequestSchema, formatIssues } from '../schemas';
import type { MigrationRequest, MigrationRequestInput } from '../schemas';
import { activityProxies } from './activity-proxies';
import type { ActivityProxies } from './activity-proxies';
import { cancelSignal, completeSignal, statusQuery } from './messages';
import {
  applySnapshot,
  enterStage,
  externalEnding,
  initialState,
  isReplicating,
  isTerminalExecution,
  precheckProblems,
  recordDecision,
  sameScheduledBackup,
} from './migration-state';
import type { Action, MigrationResult, MigrationSnapshot, MigrationState, Outcome, Stage } from './migration-state';
import { raceUntil } from './race';

export interface ManagedMigrationArgs {
  request: MigrationRequestInput;
  /** Set only by continue-as-new. */
  state?: MigrationState;
}

const now = () => new Date().toISOString();

const FAILURE_TYPE_OF: Record<Exclude<Outcome, 'SUCCEEDED' | 'CANCELLED'>, string> = {
  FAILED: FailureType.MigrationFailed,
  SERVICE_GONE: FailureType.ServiceGone,
  PRECHECK_FAILED: FailureType.PrecheckFailed,
};

export async function managedMigration(args: ManagedMigrationArgs): Promise<MigrationResult> {
  const parsed = MigrationRequestSchema.safeParse(args.request);
  if (!parsed.success) {
    throw ApplicationFailure.create({
      type: FailureType.InvalidArgument,
      message: `invalid migration request:\n${formatIssues(parsed.error, 'request')}`,
      nonRetryable: true,
    });
  }
  const state = args.state ?? initialState(now(), { disableBackups: uuid4(), start: uuid4(), restoreBackups: uuid4() });
  return new MigrationRun(parsed.data, state).execute();
}

class MigrationRun {
  private readonly acts: ActivityProxies;
  private readonly service: string;

  constructor(
    private readonly request: MigrationRequest,
    private readonly state: MigrationState,
  ) {
    this.acts = activityProxies(request.options);
    this.service = request.service;
    this.installHandlers();
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
      if (!continuing) await CancellationScope.nonCancellable(() => this.restoreBackups());
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
    };
  }

  private installHandlers(): void {
    const record = (action: Action) => (args?: { by?: unknown; reason?: unknown }) => {
      const by = typeof args?.by === 'string' ? args.by : undefined;
      const reason = typeof args?.reason === 'string' ? args.reason : undefined;
      const decision = recordDecision(this.state, { action, by, reason, at: now(), via: 'signal' });
      log.info(`${action} requested`, { by, accepted: decision.accepted, note: decision.note });
    };
    setHandler(completeSignal, record('complete'));
    setHandler(cancelSignal, record('cancel'));
    setHandler(statusQuery, () => ({
      ...this.state,
      service: this.service,
      workflowId: workflowInfo().workflowId,
      runId: workflowInfo().runId,
    }));
  }

  private async runStages(): Promise<void> {
    const steps: Partial<Record<Stage, () => Promise<void>>> = {
      PRECHECK: () => this.precheck(),
      DISABLING_BACKUPS: () => this.disableBackups(),
      STARTING: () => this.start(),
      REPLICATION: () => this.waitForDecision(),
      COMPLETING: () => this.complete(),
      CANCELLING: () => this.cancel(),
    };
    for (let step = steps[this.state.stage]; step && !this.state.outcome; step = steps[this.state.stage]) {
      await step();
    }
  }

  private async precheck(): Promise<void> {
    const facts = await this.acts.precheck.checkService({ service: this.service });
    this.state.serviceState = facts.state;
    const problems = precheckProblems(facts);
    if (problems.length > 0) return this.end('PRECHECK_FAILED', `precheck failed: ${problems.join('; ')}`);
    await this.acts.precheck.checkSecrets({ migrationExecution: this.request.migrationExecution });
    this.state.savedScheduledBackup = facts.scheduledBackup;
    if (this.cancelRequested()) return this.end('CANCELLED', 'cancelled before the migration started');
    this.enter(facts.scheduledBackup.enabled ? 'DISABLING_BACKUPS' : 'STARTING');
  }

  private async disableBackups(): Promise<void> {
    // Marked before the call: if the patch lands and we fail right after, `finally` still restores.
    this.state.backupsDisabled = true;
    const { operation } = await CancellationScope.nonCancellable(() =>
      this.acts.api.disableScheduledBackups({ service: this.service, requestId: this.state.requestIds.disableBackups }),
    );
    await this.acts.operations.awaitOperation({ operation, pollIntervalMs: this.operationPollMs() });
    this.enter('STARTING');
  }

  private async start(): Promise<void> {
    if (this.cancelRequested()) return this.end('CANCELLED', 'cancelled before the migration started');
    // Not cancellable: once sent, we must know the operation, or a cancel could race the start.
    const started = await CancellationScope.nonCancellable(() =>
      this.acts.api.startMigration({
        service: this.service,
        migrationExecution: this.request.migrationExecution,
        migrationExecutionId: this.request.migrationExecutionId,
        requestId: this.state.requestIds.start,
      }),
    );
    if (started.migrationExecution) this.state.execution = { name: started.migrationExecution };
    const finished = await raceUntil(
      () =>
        this.acts.operations.awaitOperation({ operation: started.operation, pollIntervalMs: this.operationPollMs() }),
      () => this.cancelRequested(),
    ).catch((err) => this.settleAfterFailure(err));
    if (finished === 'interrupted') return this.enter('CANCELLING');
    if (!finished) return;
    const snapshot = await this.poll(finished.value.migrationExecution ?? started.migrationExecution);
    if (!this.settleExternal(snapshot)) this.enter('REPLICATION');
  }

  /** REPLICATION: wait, with no deadline, for the engineer or for something outside to change. */
  private async waitForDecision(): Promise<void> {
    let last = this.state.lastSnapshot ?? (await this.poll(this.state.execution?.name));
    for (;;) {
      if (this.settleExternal(last)) return;
      if (this.cancelRequested()) return this.enter('CANCELLING');
      if (this.state.decision?.action === 'complete' && isReplicating(this.state.execution)) {
        return this.enter('COMPLETING');
      }
      if (workflowInfo().continueAsNewSuggested) await this.continueAsNew();
      const watched = await raceUntil(
        () =>
          this.acts.watcher.watchMigration({
            service: this.service,
            execution: this.state.execution?.name,
            last,
            pollIntervalMs: this.request.options.pollIntervalSeconds * 1000,
            maxQuietMs: this.request.options.maxQuietSeconds * 1000,
          }),
        () => this.decisionActionable(),
      );
      if (watched !== 'interrupted') last = this.apply(watched.value);
    }
  }

  private complete(): Promise<void> {
    return this.finish('completeMigration', 'SUCCEEDED');
  }

  private cancel(): Promise<void> {
    return this.finish('cancelMigration', 'CANCELLED');
  }

  /** completeMigration or cancelMigration, await its operation, then watch until the migration settles. */
  private async finish(call: 'completeMigration' | 'cancelMigration', expected: 'SUCCEEDED' | 'CANCELLED') {
    const args = { service: this.service, execution: this.state.execution?.name };
    const requested = await this.acts.api[call](args).catch((err) => this.settleAfterFailure(err));
    if (!requested) return;
    if (requested.operation) {
      const done = await this.acts.operations
        .awaitOperation({ operation: requested.operation, pollIntervalMs: this.operationPollMs() })
        .catch((err) => this.settleAfterFailure(err));
      if (!done) return;
    }
    await this.untilSettled(expected);
  }

  /** Watches until the execution is terminal and the service has left MIGRATING, then records the outcome. */
  private async untilSettled(expected: 'SUCCEEDED' | 'CANCELLED'): Promise<void> {
    let snapshot = await this.poll(this.state.execution?.name);
    while (
      snapshot.serviceFound &&
      (!isTerminalExecution(snapshot.execution?.state) || snapshot.serviceState === 'MIGRATING')
    ) {
      snapshot = this.apply(
        await this.acts.watcher.watchMigration({
          service: this.service,
          execution: this.state.execution?.name ?? snapshot.execution?.name,
          last: snapshot,
          pollIntervalMs: this.operationPollMs(),
          maxQuietMs: this.request.options.maxQuietSeconds * 1000,
        }),
      );
    }
    const state = snapshot.execution?.state;
    if (state === expected && snapshot.serviceState === 'ACTIVE') {
      const by = this.state.decision?.by ? ` by ${this.state.decision.by}` : '';
      return this.end(expected, `migration execution ${snapshot.execution?.name} ${expected}${by}`);
    }
    if (!this.settleExternal(snapshot)) {
      this.end(
        'FAILED',
        `expected ${expected} and service ACTIVE, found execution ${state ?? 'unknown'} and service ${snapshot.serviceState ?? 'gone'}`,
      );
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
        await this.cancel();
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
    if (this.state.backupsDisabled && !this.state.backupsRestored && this.state.savedScheduledBackup) {
      this.enter('RESTORING_BACKUPS');
      const saved = this.state.savedScheduledBackup;
      try {
        const { operation } = await this.acts.api.restoreScheduledBackups({
          service: this.service,
          saved,
          requestId: this.state.requestIds.restoreBackups,
        });
        await this.acts.operations.awaitOperation({ operation, pollIntervalMs: this.operationPollMs() });
        const after = await this.acts.api.checkService({ service: this.service });
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

  // ---- helpers -------------------------------------------------------------------------------------

  private async poll(execution?: string): Promise<MigrationSnapshot> {
    return this.apply(await this.acts.api.pollMigration({ service: this.service, execution }));
  }

  private apply(snapshot: MigrationSnapshot): MigrationSnapshot {
    applySnapshot(this.state, snapshot);
    return snapshot;
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
    log.info('migration ended', { outcome, message });
  }

  private enter(stage: Stage): void {
    enterStage(this.state, stage, now());
    log.info('stage', { stage });
  }

  private cancelRequested(): boolean {
    return this.state.decision?.action === 'cancel';
  }

  private decisionActionable(): boolean {
    return (
      this.cancelRequested() || (this.state.decision?.action === 'complete' && isReplicating(this.state.execution))
    );
  }

  private operationPollMs(): number {
    return this.request.options.operationPollSeconds * 1000;
  }

  private noteError(err: unknown): void {
    this.state.lastError = { type: failureType(err) ?? 'Error', message: failureMessage(err), at: now() };
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

  private async continueAsNew(): Promise<never> {
    await condition(allHandlersFinished);
    this.state.continuedAsNew += 1;
    return continueAsNew<typeof managedMigration>({ request: this.request, state: this.state });
  }
}

function failureType(err: unknown): string | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause.type ?? undefined;
  if (err instanceof ApplicationFailure) return err.type ?? undefined;
  return undefined;
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
