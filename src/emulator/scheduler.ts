// Delayed state changes. Tasks run lazily: every request calls advance() first, so reads always see the
// state a real server would have by now. One unref'd timer nudges the earliest task so changes also happen
// while nobody is asking; close() clears it, so nothing outlives the emulator.
//
// Two kinds of task: a Transition (an operation's completion, plain data, so --state-file can persist it with
// its due time and a migration that was STARTING continues after a restart) and a callback (a scheduled
// scenario event: part of the scenario, not of the API's state, so it is not persisted). A transition with
// no due time is parked: an operation that never finishes (still listed, so operations.cancel can find it).
import type { Transition } from './transition-types';

export interface TransitionTask {
  /** Epoch ms; null = never (an operation fault's neverFinish). */
  dueAt: number | null;
  seq: number;
  transition: Transition;
}

interface CallbackTask {
  dueAt: number;
  seq: number;
  run: (at: number) => void;
}

type Task = (TransitionTask & { dueAt: number }) | CallbackTask;

export class Scheduler {
  private tasks: Task[] = [];
  private parked: TransitionTask[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly runTransition: (transition: Transition, at: number) => void,
    /** Called after tasks ran (the state changed). */
    private readonly onRun: () => void = () => {},
  ) {}

  /** Runs `run(dueAt)` once `delayMs` has passed; `at` is the due time, so timestamps do not drift. */
  after(delayMs: number, run: (at: number) => void): void {
    this.insert({ dueAt: this.now() + Math.max(0, delayMs), seq: this.seq++, run });
  }

  /** Schedules a transition `delayMs` from now, or parks it for good when `delayMs` is null. */
  schedule(delayMs: number | null, transition: Transition): void {
    const dueAt = delayMs === null ? null : this.now() + Math.max(0, delayMs);
    this.restore([{ dueAt, seq: this.seq++, transition }]);
  }

  /** Removes and returns the pending transition of an operation (operations.cancel may put it back). */
  take(operation: string): TransitionTask | undefined {
    const match = (task: Task | TransitionTask) => 'transition' in task && task.transition.op === operation;
    const found = this.tasks.find(match) ?? this.parked.find(match);
    this.tasks = this.tasks.filter((task) => !match(task));
    this.parked = this.parked.filter((task) => !match(task));
    return found && 'transition' in found ? found : undefined;
  }

  /** Pending transitions with their due times, for the state file. */
  transitions(): TransitionTask[] {
    const due = this.tasks.filter((task): task is TransitionTask & { dueAt: number } => 'transition' in task);
    return structuredClone([...due, ...this.parked]);
  }

  /** Re-adds persisted transitions; ones already overdue run at the next advance(), at their due time. */
  restore(tasks: readonly TransitionTask[]): void {
    for (const task of tasks) {
      this.seq = Math.max(this.seq, task.seq + 1);
      if (task.dueAt === null) this.parked.push(task);
      else this.insert({ ...task, dueAt: task.dueAt });
    }
  }

  /** Applies every task that is due, in due order (a task may schedule more). */
  advance(): void {
    const now = this.now();
    let ran = false;
    for (let task = this.tasks[0]; task && task.dueAt <= now; task = this.tasks[0]) {
      this.tasks.shift();
      ran = true;
      try {
        if ('transition' in task) this.runTransition(task.transition, task.dueAt);
        else task.run(task.dueAt);
      } catch (error) {
        // A task runs on behalf of no request, so there is no caller to answer; a throw is an emulator bug.
        console.error('metastore emulator: scheduled task failed', error);
      }
    }
    this.arm();
    if (ran) this.onRun();
  }

  close(): void {
    this.closed = true;
    this.tasks = [];
    this.parked = [];
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private insert(task: Task): void {
    if (this.closed) return;
    this.tasks.push(task);
    this.tasks.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.tasks[0];
    if (this.closed || !next) return;
    // setTimeout takes at most 2^31-1 ms (~24.8 days); a later task just re-arms when this one fires.
    const wait = Math.min(Math.max(0, next.dueAt - this.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => this.advance(), wait);
    this.timer.unref();
  }
}
