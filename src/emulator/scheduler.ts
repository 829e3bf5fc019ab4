// Delayed state transitions. Tasks run lazily: every request calls advance() first, so reads always see the
// state a real server would have by now. One unref'd timer nudges the earliest task so transitions also
// happen while nobody is asking; close() clears it, so nothing outlives the emulator.

interface Task {
  dueAt: number;
  seq: number;
  run: (at: number) => void;
}

export class Scheduler {
  private tasks: Task[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** Runs `run(dueAt)` once `delayMs` has passed; `at` is the due time, so timestamps do not drift. */
  after(delayMs: number, run: (at: number) => void): void {
    if (this.closed) return;
    this.tasks.push({ dueAt: this.now() + Math.max(0, delayMs), seq: this.seq++, run });
    this.tasks.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    this.arm();
  }

  /** Applies every transition that is due, in due order (a task may schedule more). */
  advance(): void {
    const now = this.now();
    for (let task = this.tasks[0]; task && task.dueAt <= now; task = this.tasks[0]) {
      this.tasks.shift();
      task.run(task.dueAt);
    }
    this.arm();
  }

  close(): void {
    this.closed = true;
    this.tasks = [];
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.tasks[0];
    if (this.closed || !next) return;
    this.timer = setTimeout(
      () => {
        try {
          this.advance();
        } catch (error) {
          // A timer callback has no caller to report to; a throwing task is an emulator bug, not a crash.
          console.error('metastore emulator: transition failed', error);
        }
      },
      Math.max(0, next.dueAt - this.now()),
    );
    this.timer.unref();
  }
}
