// The fleet `npm run bench:rollout` rolls out: N services spread over projects of `perProject` services each (Google
// allows 20 per region per project), in four waves — a canary of 5, then about 25 %, 25 % and 50 % of the fleet —
// each advancing by itself (no soak, no approval), so the bench measures the machinery and not a person.
import type { z } from 'zod';
import type { RolloutManifestSchema } from '../../src/rollout/manifest-schema';

/** A manifest as written (YAML), before the schema's defaults. */
type Manifest = z.input<typeof RolloutManifestSchema>;

export interface BenchFleet {
  services: string[];
  /** Waves in order: name and members (indices into services run consecutively, so each spans the projects). */
  waves: { name: string; services: string[] }[];
  projects: number;
}

/** 5 / ~25 % / 25 % / 50 % of n (the canary 5 at n = 2,000, fewer below 400), every wave at least one member. */
export function waveSizes(n: number): [number, number, number, number] {
  if (n < 4) throw new Error(`--size must be at least 4 (one member per wave), not ${n}`);
  const canary = Math.min(5, Math.max(1, Math.round(n / 400)));
  const quarter = Math.max(1, Math.round(n / 4));
  const second = Math.max(1, quarter - canary);
  const third = quarter;
  return [canary, second, third, n - canary - second - third];
}

/** n services, service i in project i mod P (P = n / perProject, rounded up): each project holds perProject. */
export function fleetServices(n: number, perProject: number, prefix: string): string[] {
  const projects = Math.ceil(n / perProject);
  return Array.from(
    { length: n },
    (_, i) => `projects/${prefix}-${i % projects}/locations/us-central1/services/svc-${i}`,
  );
}

export function benchFleet(n: number, perProject: number, prefix = 'bench-rollout'): BenchFleet {
  const projects = Math.ceil(n / perProject);
  // Consecutive services fall in different projects, so every wave reaches every project, as a fleet's waves by
  // environment or tier do.
  const services = fleetServices(n, perProject, prefix);
  const names = ['canary', 'early', 'middle', 'rest'];
  let next = 0;
  const waves = waveSizes(n).map((size, i) => {
    const members = services.slice(next, next + size);
    next += size;
    return { name: names[i]!, services: members };
  });
  return { services, waves, projects };
}

export interface ManifestOptions {
  name: string;
  template: Manifest['template'];
  /** Members of one project in progress at once; a wave's cap is this times the projects it spans. */
  perProjectParallel: number;
  reconcileInterval: string;
}

/**
 * Every wave `gate.advance: auto` with no soak, capped at `perProjectParallel` per project and that many times the
 * projects it spans — enough to keep each project's API budget busy, so a wave moves at the budget's pace.
 */
export function benchManifest(fleet: BenchFleet, options: ManifestOptions): Manifest {
  const projectOf = (service: string) => service.split('/')[1]!;
  return {
    apiVersion: 'metastore-migrator/v1alpha1',
    kind: 'Rollout',
    metadata: { name: options.name },
    template: options.template,
    migrations: fleet.services.map((service) => ({ service })),
    waves: fleet.waves.map((wave, i) => ({
      name: wave.name,
      ...(i === 0 ? { canary: true } : {}),
      members: { services: wave.services },
      maxParallel: { count: options.perProjectParallel * new Set(wave.services.map(projectOf)).size },
      gate: { advance: 'auto' },
    })),
    policies: {
      perProject: { maxParallel: { count: options.perProjectParallel } },
      reconcileInterval: options.reconcileInterval,
    },
  };
}
