// What a chaos run will do, drawn from one seed before anything starts: each migration's fate (an engineer's
// complete or cancel, or a failure or cancel from outside), when it is acted on, and when the worker dies.
// Pure, so the same seed gives the same plan on any machine; what the processes then do is timing, not plan.
import { createRng } from '../../src/emulator/rng';
import type { Rng } from '../../src/emulator/rng';

export type Fate = 'complete' | 'cancel' | 'external-fail' | 'external-cancel';

export interface MigrationPlan {
  service: string;
  fate: Fate;
  /** Seconds after the mass start at which the decision is sent (or the outside action taken). */
  actAtSeconds: number;
}

export interface WorkerDeath {
  /** Seconds after the previous worker came up at which it is SIGKILLed. */
  afterSeconds: number;
  /** Seconds with no worker alive before the next one starts (0: at once). */
  downSeconds: number;
}

export interface ChaosPlan {
  seed: number;
  migrations: MigrationPlan[];
  /** Worker deaths in order; the run uses as many as fit before every decision is in. */
  deaths: WorkerDeath[];
  /** Seconds after the mass start at which the Temporal dev server is stopped and started again. */
  serverRestartAtSeconds: number;
}

export interface PlanOptions {
  seed: number;
  migrations: number;
  /** Decisions are spread over [decisionFromSeconds, decisionFromSeconds + decisionWindowSeconds]. */
  decisionFromSeconds: number;
  decisionWindowSeconds: number;
  killEverySeconds: readonly [number, number];
  /** Services per Google project (the API budget is per project). */
  servicesPerProject: number;
}

/** Outside failures and cancels get a tenth each, engineers' cancels 15 %, completes the rest; at least one each. */
export function fateQuota(n: number): Record<Fate, number> {
  const share = (fraction: number) => Math.max(1, Math.round(n * fraction));
  const external = n >= 4 ? { 'external-fail': share(0.1), 'external-cancel': share(0.1), cancel: share(0.15) } : {};
  const taken = Object.values(external).reduce((sum, count) => sum + count, 0);
  return { 'external-fail': 0, 'external-cancel': 0, cancel: 0, ...external, complete: n - taken };
}

export function drawPlan(options: PlanOptions): ChaosPlan {
  const rng = createRng(options.seed);
  const fates = shuffle(
    Object.entries(fateQuota(options.migrations)).flatMap(([fate, count]) => Array<Fate>(count).fill(fate as Fate)),
    rng,
  );
  const between = (low: number, high: number) => low + rng() * (high - low);
  const migrations = fates.map((fate, index) => ({
    service:
      `projects/chaos-${options.seed}-p${Math.floor(index / options.servicesPerProject)}` +
      `/locations/us-central1/services/chaos-${index}`,
    fate,
    actAtSeconds: round(
      between(options.decisionFromSeconds, options.decisionFromSeconds + options.decisionWindowSeconds),
    ),
  }));
  const [low, high] = options.killEverySeconds;
  const deaths = Array.from({ length: 200 }, () => ({
    afterSeconds: round(between(low, high)),
    // Half the deaths leave the fleet without a worker for a few seconds: decisions sent then must wait.
    downSeconds: rng() < 0.5 ? 0 : round(between(2, 8)),
  }));
  const serverRestartAtSeconds = round(options.decisionFromSeconds + options.decisionWindowSeconds * 0.4);
  return { seed: options.seed, migrations, deaths, serverRestartAtSeconds };
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;
