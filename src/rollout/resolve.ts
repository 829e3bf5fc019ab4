// A checked manifest → the rollout it describes: waves in order with concrete, validated member requests, the
// effective caps per wave and per project, and every conflict. Membership: a service listed by name belongs to
// that wave wherever a selector would match it; selectors then take, wave by wave in order, the services not yet
// placed — so a canary of named services and a later `env: prod` wave do not collide. Pure: lint runs it offline,
// plan before its reads, and the rollout workflow (next) will take its output as input.
import { parseServiceResourceName } from '../schemas';
import type { ApiVersion, MigrationRequest } from '../schemas';
import { type CapSide, allowedFailures, effectiveCap } from './caps';
import { parseDuration } from './duration';
import { GOOGLE_IDENTITY_QPS } from './manifest-schema';
import type { Labels, RolloutManifest, RolloutPolicies, WaveGate, WaveSpec } from './manifest-schema';
import { checkMember } from './member-request';
import { type RolloutProblem, error, warning } from './problems';
import { ROLLOUT_CARRIED_BYTES_LIMIT, carriedBytes, tooLargeMessage } from '../schemas/rollout';
import { GOOGLE_SERVICES_PER_REGION, migrationPeakReads, overQuota, projectPeakReads, roundRate } from './quota';
import { formatSelector, matchesSelector } from './selectors';

export interface ResolvedMember {
  service: string;
  project: string;
  labels: Labels;
  /** Where it is in the manifest's migrations[]. */
  index: number;
  /** Absent when its request is invalid (the problems say why): a rollout with errors does not run. */
  request?: MigrationRequest;
}

export interface ProjectCap {
  project: string;
  members: number;
  /** At most this many of the project's members of the wave at once: the stricter of the wave's and the policy's. */
  limit: number;
  decidedBy: 'wave' | 'project count' | 'project percent' | 'none';
  /** Estimated Metastore API reads/s with `limit` members running at their busiest (rollout/quota.ts). */
  readsPerSecond: number;
}

export interface ResolvedWave {
  /** 1-based, as engineers count waves and as `advance` will be guarded by. */
  number: number;
  name: string;
  canary: boolean;
  /** How its members were chosen: 'services' (by name) or the selector as kubectl writes one. */
  selection: string;
  members: ResolvedMember[];
  maxParallel: { limit: number; decidedBy: CapSide };
  perProject: ProjectCap[];
  soakSeconds: number;
  gate: WaveGate;
  /** Failures tolerated before the rollout pauses: the looser of the budget's count and percentage. */
  allowedFailures: number;
}

export interface ResolvedRollout {
  name: string;
  description?: string;
  kind: RolloutManifest['template']['kind'];
  waves: ResolvedWave[];
  /** Services of migrations[] no wave takes: they are not migrated by this rollout. */
  unplaced: string[];
  policies: RolloutPolicies;
}

export function resolveManifest(
  manifest: RolloutManifest,
  apiVersion: ApiVersion,
): { rollout: ResolvedRollout; problems: RolloutProblem[] } {
  const problems: RolloutProblem[] = [];
  const members = memberRequests(manifest, apiVersion, problems);
  const placement = placeMembers(manifest, members, problems);
  const waves = manifest.waves.map((wave, w) => resolveWave(wave, w, placement[w] ?? [], manifest.policies));
  waveProblems(manifest, problems);
  const bytes = carriedBytes(manifest.template, manifest.migrations);
  if (bytes > ROLLOUT_CARRIED_BYTES_LIMIT)
    problems.push(error('rollout-too-large', 'migrations', tooLargeMessage(bytes, manifest.migrations.length)));
  for (const wave of waves) quotaProblems(wave, manifest.policies.apiBudgetPerProject, problems);
  const placed = new Set(placement.flat().map((member) => member.service));
  const unplaced = [...members.values()].filter((member) => !placed.has(member.service));
  for (const member of unplaced)
    problems.push(
      warning(
        'service-in-no-wave',
        `migrations.${member.index}.service`,
        'is in no wave: this rollout leaves it alone',
      ),
    );
  return {
    rollout: {
      name: manifest.metadata.name,
      ...(manifest.metadata.description !== undefined && { description: manifest.metadata.description }),
      kind: manifest.template.kind,
      waves,
      unplaced: unplaced.map((member) => member.service),
      policies: manifest.policies,
    },
    problems,
  };
}

/** Every migration once (a repeated service is an error at the repeat), its request checked. */
function memberRequests(
  manifest: RolloutManifest,
  apiVersion: ApiVersion,
  problems: RolloutProblem[],
): Map<string, ResolvedMember> {
  const members = new Map<string, ResolvedMember>();
  // The template's own faults, once each however many members share them.
  const fromTemplate = new Map<string, { path: string; message: string; count: number; first: number }>();
  manifest.migrations.forEach((entry, index) => {
    const first = members.get(entry.service);
    if (first) {
      problems.push(
        error(
          'duplicate-service',
          `migrations.${index}.service`,
          `is listed again (first at migrations.${first.index})`,
        ),
      );
      return;
    }
    const checked = checkMember(entry, index, manifest.template, apiVersion);
    for (const issue of checked.memberIssues) problems.push(error('invalid-member-request', issue.path, issue.message));
    for (const issue of checked.templateIssues) {
      const key = `${issue.path}\n${issue.message}`;
      const seen = fromTemplate.get(key);
      if (seen) seen.count += 1;
      else fromTemplate.set(key, { ...issue, count: 1, first: index });
    }
    const project = parseServiceResourceName(entry.service)?.project ?? '';
    members.set(entry.service, {
      service: entry.service,
      project,
      labels: entry.labels,
      index,
      ...(checked.request && { request: checked.request }),
    });
  });
  for (const issue of fromTemplate.values()) {
    const who =
      issue.count === 1 ? `migrations.${issue.first}` : `${issue.count} members, first migrations.${issue.first}`;
    problems.push(error('invalid-member-request', issue.path, `${issue.message} (the request of ${who})`));
  }
  return members;
}

/** The members of each wave, in the order of the manifest's migrations[]. */
function placeMembers(
  manifest: RolloutManifest,
  members: Map<string, ResolvedMember>,
  problems: RolloutProblem[],
): ResolvedMember[][] {
  const waveOf = new Map<string, number>();
  // Named services first: a name is a decision, and wins over any selector.
  manifest.waves.forEach((wave, w) => {
    const services = wave.members.services;
    if (services === undefined) return;
    const at = `waves.${w}.members.services`;
    if (services.length === 0) problems.push(error('empty-wave', at, `wave ${wave.name} names no service`));
    services.forEach((service, k) => {
      if (!members.has(service)) {
        problems.push(error('unknown-service', `${at}.${k}`, 'is not in migrations[] (add it there, with its labels)'));
        return;
      }
      const earlier = waveOf.get(service);
      if (earlier !== undefined) {
        const where = earlier === w ? 'again in this wave' : `in wave ${manifest.waves[earlier]?.name} too`;
        problems.push(error('service-in-two-waves', `${at}.${k}`, `is listed ${where}: a service belongs to one wave`));
        return;
      }
      waveOf.set(service, w);
    });
  });
  manifest.waves.forEach((wave, w) => {
    const selector = wave.members.selector;
    if (selector === undefined) return;
    const matched = [...members.values()].filter((member) => matchesSelector(member.labels, selector));
    const at = `waves.${w}.members.selector`;
    if (matched.length === 0) {
      problems.push(error('selector-matches-nothing', at, `${formatSelector(selector)} matches no migration's labels`));
      return;
    }
    const left = matched.filter((member) => !waveOf.has(member.service));
    if (left.length === 0)
      problems.push(
        error(
          'empty-wave',
          at,
          `wave ${wave.name} is empty: its selector matches ${matched.length}, all named by a wave or taken by an earlier one`,
        ),
      );
    for (const member of left) waveOf.set(member.service, w);
  });
  const placement: ResolvedMember[][] = manifest.waves.map(() => []);
  for (const member of members.values()) {
    const w = waveOf.get(member.service);
    if (w !== undefined) placement[w]?.push(member);
  }
  return placement;
}

function resolveWave(wave: WaveSpec, w: number, members: ResolvedMember[], policies: RolloutPolicies): ResolvedWave {
  const maxParallel = effectiveCap(wave.maxParallel, members.length);
  const byProject = new Map<string, number>();
  for (const member of members) byProject.set(member.project, (byProject.get(member.project) ?? 0) + 1);
  const perProject = [...byProject.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([project, count]): ProjectCap => {
      const byWave = Math.min(maxParallel.limit, count);
      const policy = effectiveCap(policies.perProject?.maxParallel, count);
      const limit = Math.min(byWave, policy.limit);
      const rates = members.filter((member) => member.project === project).map(memberPeakReads);
      const cap = { project, members: count, limit, readsPerSecond: roundRate(projectPeakReads(rates, limit)) };
      if (limit === count) return { ...cap, decidedBy: 'none' };
      if (byWave < policy.limit) return { ...cap, decidedBy: 'wave' };
      return { ...cap, decidedBy: policy.decidedBy === 'count' ? 'project count' : 'project percent' };
    });
  return {
    number: w + 1,
    name: wave.name,
    canary: wave.canary,
    selection: wave.members.selector ? formatSelector(wave.members.selector) : 'services',
    members,
    maxParallel,
    perProject,
    soakSeconds: wave.soak === undefined ? 0 : (parseDuration(wave.soak) ?? 0),
    gate: wave.gate,
    allowedFailures: allowedFailures(wave.failureBudget, members.length),
  };
}

/** A member's busiest reads/s, by its own poll options (an invalid request: the defaults). */
const memberPeakReads = (member: ResolvedMember): number => migrationPeakReads(member.request?.options);

/**
 * Per project of the wave: reads at its cap above the API budget or Google's quota, and more services in one
 * region than Dataproc Metastore's default quota (20) — a sign the manifest names the wrong project or region.
 */
function quotaProblems(wave: ResolvedWave, apiBudgetPerProject: number, problems: RolloutProblem[]): void {
  const at = `waves.${wave.number - 1}`;
  for (const cap of wave.perProject) {
    const over = overQuota(cap.readsPerSecond, apiBudgetPerProject);
    if (over.length > 0)
      problems.push(
        warning(
          'wave-reads-above-quota',
          `${at}.maxParallel`,
          `project ${cap.project}: ${cap.limit} at once read about ${cap.readsPerSecond} req/s at their busiest, ` +
            `above ${over.map((o) => `${o.what} (${o.limit} req/s)`).join(' and ')}: lower the wave's or ` +
            "policies.perProject maxParallel, or lengthen the members' fastPollSeconds",
        ),
      );
  }
  const byRegion = new Map<string, number>();
  for (const member of wave.members) {
    const region = `${member.project}/${parseServiceResourceName(member.service)?.location ?? '?'}`;
    byRegion.set(region, (byRegion.get(region) ?? 0) + 1);
  }
  for (const [region, count] of byRegion)
    if (count > GOOGLE_SERVICES_PER_REGION)
      problems.push(
        warning(
          'services-above-region-quota',
          at,
          `${count} services in ${region}: Dataproc Metastore allows ${GOOGLE_SERVICES_PER_REGION} per region per ` +
            "project by default — check the project and region, or the project's raised quota",
        ),
      );
}

/** What is wrong with the waves and policies themselves, whoever their members are. */
function waveProblems(manifest: RolloutManifest, problems: RolloutProblem[]): void {
  const names = new Map<string, number>();
  manifest.waves.forEach((wave, w) => {
    const first = names.get(wave.name);
    if (first !== undefined)
      problems.push(error('duplicate-wave', `waves.${w}.name`, `is the name of waves.${first} too: names must differ`));
    else names.set(wave.name, w);
    if (wave.override !== undefined)
      problems.push(
        warning(
          'override-only-for-complete',
          `waves.${w}.override`,
          'applies only when the rollout completes (rollout start --action complete): a start or cancel ignores it',
        ),
      );
    if (wave.canary && wave.gate.advance === 'auto')
      problems.push(
        warning(
          'canary-auto-advance',
          `waves.${w}.gate.advance`,
          'auto on a canary wave: the next wave begins without anyone approving what the canary showed',
        ),
      );
  });
  const budget = manifest.policies.apiBudgetPerProject;
  if (budget > GOOGLE_IDENTITY_QPS)
    problems.push(
      warning(
        'api-budget-above-identity-quota',
        'policies.apiBudgetPerProject',
        `${budget} req/s is above Google's ${GOOGLE_IDENTITY_QPS} req/s per calling identity: the worker would need ` +
          'several identities, or it is throttled (429)',
      ),
    );
}
