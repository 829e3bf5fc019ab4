// The managed-migration workflow: precheck → (disable backups) → start → wait for the engineer →
// complete | cancel, and scheduled backups restored whatever the ending. Deterministic: all I/O is in
// activities, time comes from the SDK's Date, request ids from uuid4(), jitter from the SDK's Math.random.
import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  isCancellation,
  patched,
  uuid4,
} from '@temporalio/workflow';
import { FailureType } from '../failure-types';
import type { MigrationRequestInput } from '../schemas';
import { failureType } from './failures';
import { installHandlers } from './handlers';
import type { CutoverHooks } from './handlers';
import { CUTOVER_GATE_PATCH, recordBaseline } from './cutover-gate';
import { SOURCE_HEALTH_PATCH, SourceHealthWatch } from './source-health';
import {
  carriedState,
  initialState,
  isReplicating,
  isKnownRead,
  isTerminalExecution,
  precheckProblems,
  recordDecision,
  sameScheduledBackup,
  snapshotChanged,
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
import { MigrationRunBase } from './migration-run-base';
import { publishVisibility } from './visibility';

export interface ManagedMigrationArgs {
  request: MigrationRequestInput;
  /** Set only by continue-as-new. */
  state?: MigrationState;
}

const now = () => new Date().toISOString();

export { RETRY_AS_POLL_PATCH } from './migration-run-base';

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

/** The stages; what they share (calls with retries, polls, state changes, the gate) is in MigrationRunBase. */
class MigrationRun extends MigrationRunBase {
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
}
