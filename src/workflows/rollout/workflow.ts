// The rollout workflow (`rollout/<name>`): drives one action — start, complete or cancel — over its waves in order,
// canary first. Read top to bottom: check the input; per wave, drive members within the wave's and the projects'
// caps and reconcile them until each has reached the target, failed or been skipped (the failure budget pauses the
// rollout by itself); then the soak, the health gate and the approval; continue-as-new between waves. Members are
// the services' own migration workflows, never children: the rollout reads them (retry-as-poll, no slot held while
// they work) and a lost message costs a read, never a member. Each member driven joins the rollout (joinRollout), so
// the reads are one listing of its RolloutId; member→rollout signals are not used: the reads are the source of truth.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, MemberDriveResult } from '../../activities';
import type { RolloutInput } from '../../schemas/rollout';
import { PATCHES } from '../patches';
import { raceUntil } from '../race';
import { installRolloutHandlers } from './handlers';
import { validRollout } from './input';
import type { RolloutArgs, RolloutResult, RolloutState } from './messages';
import { RolloutNotifier } from './notify';
import {
  type ClassifyRules,
  applyDrive,
  applyObservations,
  failedCount,
  failureBudget,
  healthProblem,
  initialRolloutState,
  membersToCancel,
  nextToDrive,
  overBudget,
  phaseOf,
  record,
  resultOf,
  servicesOf,
  statusOf,
} from './state';

/** Driving a batch and reading members: retried without limit (Temporal's frontend being away is no ending). */
const acts = proxyActivities<Pick<Activities, 'driveRolloutMembers' | 'readRolloutMembers'>>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

const now = () => new Date().toISOString();
/** Members driven per activity: a wave's maxParallel may be thousands, a payload must stay under 2 MB. */
const DRIVE_BATCH = 100;

export async function rollout(args: RolloutArgs): Promise<RolloutResult> {
  const valid = await validRollout(args);
  const input = valid.rollout;
  const state = valid.state ?? initialRolloutState(input);
  installRolloutHandlers(input, state);
  return new RolloutRun(input, state).run();
}

class RolloutRun {
  private readonly notifier: RolloutNotifier;
  /**
   * Retry as poll: an attempt that finds no member changed fails benignly and the server comes back after the
   * reconcile interval; TRY_CANCEL, so a command (pause, skip, abort …) is acted on at once.
   */
  private readonly watcher: Pick<Activities, 'watchRolloutMembers'>;

  constructor(
    private readonly input: RolloutInput,
    private readonly state: RolloutState,
  ) {
    this.notifier = new RolloutNotifier(input, state);
    const interval = Math.max(1, Math.min(60, input.reconcileSeconds)) * 1000;
    this.watcher = proxyActivities<Pick<Activities, 'watchRolloutMembers'>>({
      startToCloseTimeout: '5m',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: interval },
      cancellationType: 'TRY_CANCEL',
    });
  }

  async run(): Promise<RolloutResult> {
    const { input, state } = this;
    while (state.wave < input.waves.length && !state.aborted) {
      await this.runWave();
      if (state.aborted) break;
      this.waveDone();
      // Between waves: the next wave starts with a fresh history, whatever this one cost.
      if (state.wave < input.waves.length) await this.continueAsNew();
    }
    const cancelled = state.aborted?.cancelMembers ? await this.cancelMembers() : undefined;
    const ending = state.aborted
      ? `aborted by ${state.aborted.by}: ${state.aborted.reason}`
      : `finished: ${input.waves.length} wave(s)`;
    this.notifier.once('finished', 'rollout_finished', `rollout ${input.name} ${ending}`);
    this.publish();
    await this.notifier.flush();
    await condition(allHandlersFinished);
    return { ...resultOf(input, state), ...(cancelled && { cancelled }) };
  }

  /** Returns once the current wave has passed its gates (or the rollout was aborted). */
  private async runWave(): Promise<void> {
    const { input, state } = this;
    // The ETA's pace counts from here (kept across continue-as-new; only status reads it).
    state.waveStartedAt ??= now();
    for (;;) {
      if (state.aborted) return;
      if (this.historyIsLong()) await this.continueAsNew();
      this.publish();
      const wave = input.waves[state.wave]!;
      const number = state.wave + 1;
      if (state.paused) {
        await this.nextCommand();
        continue;
      }
      if (state.gate === 'members') {
        if (overBudget(state, wave)) {
          this.pauseForBudget();
          continue;
        }
        // Bounded batches keep each activity's input (members' overrides) far below Temporal's payload limit.
        const next = nextToDrive(input, state).slice(0, DRIVE_BATCH);
        if (next.length > 0) {
          const why = `rollout ${input.name}: wave ${number} (${wave.name})`;
          const override = wave.override ? { override: wave.override } : {};
          // start: the template once per batch, each member's overrides beside it (merged by the activity).
          const template = input.template ? { template: input.template } : {};
          const args = {
            rollout: input.name,
            wave: number,
            action: input.action,
            members: next,
            why,
            ...template,
            ...override,
          };
          const results = await acts.driveRolloutMembers(args);
          applyDrive(state, results);
          this.recordDrive(results);
          continue;
        }
        const inProgress = servicesOf(wave).filter((service) => phaseOf(state, service) === 'inProgress');
        if (inProgress.length > 0) {
          await this.watch(inProgress);
          continue;
        }
        // Every member has reached the target, failed within the budget, or been skipped.
        state.gate = 'soak';
        state.soakUntil = new Date(Date.now() + wave.soakSeconds * 1000).toISOString();
        continue;
      }
      if (state.advanced === number) return;
      if (state.gate === 'soak') {
        const left = Date.parse(state.soakUntil ?? now()) - Date.now();
        if (left > 0) await this.nextCommand(left);
        else state.gate = 'health';
        continue;
      }
      if (state.gate === 'health') {
        if (await this.healthPasses()) state.gate = 'approval';
        continue;
      }
      if (wave.gate.advance === 'auto' || state.approvals[String(number)]) return;
      const approval = `wave ${number} (${wave.name}) waits for approval (approve with wave ${number})`;
      this.notifier.once(`approval:${number}`, 'rollout_approval_waiting', approval);
      await this.nextCommand();
    }
  }

  /** Reads the wave's members again after the soak: each must still be at its target, none's source ERROR. */
  private async healthPasses(): Promise<boolean> {
    const { input, state } = this;
    const wave = input.waves[state.wave]!;
    const services = servicesOf(wave).filter((service) => phaseOf(state, service) === 'reached');
    const observed = services.length > 0 ? await acts.readRolloutMembers({ services, rollout: input.name }) : [];
    applyObservations(input, state, observed, this.classifyRules());
    if (servicesOf(wave).some((service) => phaseOf(state, service) === 'inProgress') || overBudget(state, wave)) {
      // A member left its target during the soak: back to the members (and the budget), then the gates again.
      state.gate = 'members';
      return false;
    }
    state.healthProblem = healthProblem(wave, observed);
    if (state.healthProblem === undefined) return true;
    await this.nextCommand(input.reconcileSeconds * 1000);
    return false;
  }

  private async watch(services: string[]): Promise<void> {
    const { input, state } = this;
    const known = Object.fromEntries(services.map((service) => [service, state.members[service]?.seen ?? '']));
    const commands = state.commands;
    const decisions = input.action === 'start' ? {} : { decisionsOf: { rollout: input.name, wave: state.wave + 1 } };
    // rollout: the members are read by one listing of RolloutId (an activity's input: no replay concern).
    const args = { services, known, delayMs: input.reconcileSeconds * 1000, rollout: input.name, ...decisions };
    const outcome = await raceUntil(
      () => this.watcher.watchRolloutMembers(args),
      () => state.commands !== commands,
    );
    if (outcome !== 'interrupted') applyObservations(input, state, outcome.value, this.classifyRules());
  }

  /**
   * How members are read (state.ts, ClassifyRules): each rule patched, since it changes when a wave settles — a
   * rollout from before goes on waiting as it did. Each patch is asked only of the action it concerns.
   */
  private classifyRules(): ClassifyRules {
    const { action } = this.input;
    if (action === 'start') return { outgoingBackfill: patched(PATCHES.rolloutOutgoingBackfill.id) };
    if (action === 'complete') return { rollbackWindowDone: patched(PATCHES.rolloutCompleteRollbackWindow.id) };
    return {};
  }

  private pauseForBudget(): void {
    const { input, state } = this;
    const wave = input.waves[state.wave]!;
    const failed = failedCount(state, wave);
    const first = servicesOf(wave)
      .filter((service) => phaseOf(state, service) === 'failed')
      .slice(0, 3)
      .map((service) => `${service}: ${state.members[service]?.reason ?? ''}`);
    const reason =
      `wave ${state.wave + 1} (${wave.name}): ${failed} member(s) failed, over its failure budget of ` +
      `${failureBudget(wave)}${state.acknowledgedFailures ? ` beyond the ${state.acknowledgedFailures} accepted` : ''}` +
      ` — ${first.join('; ')}`;
    state.paused = { by: 'failure budget', reason, at: now(), byBudget: true };
    record(state, { command: 'pause', by: 'failure budget', reason }, now());
    // Once per pause (its audit entry's position), not per read of the members while paused.
    this.notifier.once(`budget:${state.audit.length + state.auditDropped}`, 'rollout_paused', reason);
  }

  private recordDrive(results: readonly MemberDriveResult[]): void {
    const by = new Map<string, number>();
    for (const { result } of results) by.set(result, (by.get(result) ?? 0) + 1);
    const counts = [...by].map(([result, count]) => `${count} ${result}`).join(', ');
    const services = results.length === 1 ? { service: results[0]!.service } : {};
    record(this.state, { command: this.input.action, by: 'rollout', reason: counts, ...services }, now());
  }

  private waveDone(): void {
    const { input, state } = this;
    const wave = input.waves[state.wave]!;
    const counts = statusOf(input, state).waves[state.wave]!.counts;
    const message =
      `wave ${state.wave + 1} (${wave.name}) done: ${counts.reached} reached, ${counts.failed} failed, ` +
      `${counts.skipped} skipped`;
    this.notifier.once(`wave:${state.wave + 1}`, 'rollout_wave_done', message);
    state.wave++;
    state.gate = 'members';
    state.soakUntil = undefined;
    state.healthProblem = undefined;
    state.acknowledgedFailures = 0;
    state.waveStartedAt = undefined;
  }

  /** After abort with cancelMembers: each member the rollout drove whose migration still runs, through its gate. */
  private async cancelMembers() {
    const { input, state } = this;
    const services = membersToCancel(state);
    if (services.length === 0) return [];
    const why = `rollout ${input.name} aborted by ${state.aborted!.by}: ${state.aborted!.reason}`;
    const members = services.map((service) => ({ service }));
    const wave = Math.min(state.wave + 1, input.waves.length);
    return acts.driveRolloutMembers({ rollout: input.name, wave, action: 'cancel', members, why });
  }

  /** Waits for the next command (or `timeoutMs`, or the server's suggestion to continue as new). */
  private async nextCommand(timeoutMs?: number): Promise<void> {
    const commands = this.state.commands;
    const woken = () => this.state.commands !== commands || workflowInfo().continueAsNewSuggested;
    if (timeoutMs === undefined) await condition(woken);
    else await condition(woken, timeoutMs);
  }

  private historyIsLong(): boolean {
    const info = workflowInfo();
    const limit = this.input.continueAsNewAfterEvents;
    return info.continueAsNewSuggested || (limit !== undefined && info.historyLength >= limit);
  }

  private async continueAsNew(): Promise<never> {
    await condition(allHandlersFinished);
    await this.notifier.flush();
    this.state.continuedAsNew++;
    return continueAsNew<typeof rollout>({ rollout: this.input, state: this.state });
  }

  /** The Web UI's current details: the wave and its gate (no command, no history event). */
  private publish(): void {
    const { input, state } = this;
    const status = statusOf(input, state);
    const paused = state.paused ? ` — paused: ${state.paused.reason}` : '';
    setCurrentDetails(
      `${input.action} · wave ${Math.min(status.currentWave, input.waves.length)}/${input.waves.length} · ${status.gate}${paused}`,
    );
  }
}
