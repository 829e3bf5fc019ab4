// `rollout plan`'s reads, changing nothing: which members already have a running migration workflow (one
// visibility query for every running migration, as `status --all` makes it) and each member's state from the
// Metastore API — by services.list per location (one request per page of up to 500 services), not one read per
// service, so a manifest of thousands costs tens of requests. Those are paced by the same per-project token bucket
// the worker uses (metastore/budget.ts) at half the manifest's apiBudgetPerProject, leaving the other half to the
// running migrations' polls, and at most READ_CONCURRENCY locations are read at once.
import { MetastoreApiError } from '../metastore/errors';
import { ApiBudget } from '../metastore/budget';
import { workflowIdFor } from '../migration/names';
import type { RolloutProblem } from '../rollout/problems';
import { error, warning } from '../rollout/problems';
import type { ResolvedMember, ResolvedRollout } from '../rollout/resolve';
import { eachPaced } from './paced';
import type { FleetRow } from './watch';

export const READ_CONCURRENCY = 4;
const PAGE_SIZE = 500;
/** As the client's MAX_LIST_PAGES: a server that never stops handing out tokens is not read forever. */
const MAX_PAGES = 100;

export interface OnlineReads {
  /** Every running migration workflow (one visibility query, paginated by the SDK). */
  runningMigrations(): Promise<FleetRow[]>;
  /** services.list of `parent` (projects/P/locations/L), one page. */
  listServices(
    parent: string,
    page: { pageSize: number; pageToken?: string },
  ): Promise<{ services?: { name: string; state?: string }[]; nextPageToken?: string }>;
}

export interface OnlineReport {
  problems: RolloutProblem[];
  /** The member's service state as read ('NOT_FOUND' when its location does not list it). */
  states: Record<string, string>;
  runningWorkflows: number;
  locations: number;
  requests: number;
  ratePerSecond: number;
  concurrency: number;
}

export async function onlineChecks(rollout: ResolvedRollout, reads: OnlineReads): Promise<OnlineReport> {
  const members = rollout.waves.flatMap((wave) => wave.members);
  const problems: RolloutProblem[] = [];
  const running = new Map((await reads.runningMigrations()).map((row) => [row.workflowId, row]));
  for (const member of members) {
    const row = running.get(workflowIdFor(member.service));
    if (row)
      problems.push(
        error(
          'workflow-running',
          pathOf(member),
          `a migration workflow is already running for it: ${row.workflowId} (stage ${row.stage ?? 'unknown'})`,
        ),
      );
  }
  const ratePerSecond = rollout.policies.apiBudgetPerProject / 2;
  const budget = new ApiBudget({
    ratePerSecond,
    maxControlWaiters: READ_CONCURRENCY,
    // Waiting for a token is the pacing itself: never give up on it.
    maxControlWaitMs: Number.POSITIVE_INFINITY,
  });
  const byLocation = groupBy(members, (member) => member.service.replace(/\/services\/[^/]+$/, ''));
  const states: Record<string, string> = {};
  let requests = 0;
  // One key: at most READ_CONCURRENCY locations at once (each location's reads are paced by the budget below).
  await eachPaced(
    [...byLocation.entries()],
    () => '',
    READ_CONCURRENCY,
    READ_CONCURRENCY,
    async ([parent, local]) => {
      const listed = new Map<string, string>();
      try {
        let pageToken: string | undefined;
        for (let pages = 0; pages < MAX_PAGES; pages++) {
          await budget.take(local[0]?.project ?? '-', 'control', 'services.list', parent);
          requests += 1;
          const page = await reads.listServices(parent, { pageSize: PAGE_SIZE, ...(pageToken && { pageToken }) });
          for (const service of page.services ?? []) listed.set(service.name, service.state ?? 'STATE_UNSPECIFIED');
          pageToken = page.nextPageToken || undefined;
          if (!pageToken) break;
        }
      } catch (err) {
        if (!(err instanceof MetastoreApiError)) throw err;
        const [first, ...rest] = local;
        if (first)
          problems.push(
            error(
              'service-unreadable',
              pathOf(first),
              // The error's message already names the method, the location, the API's status and its message.
              `cannot read its location: ${err.message}` +
                (rest.length > 0 ? ` (${rest.length} more members there unchecked)` : ''),
            ),
          );
        return;
      }
      for (const member of local) {
        const state = listed.get(member.service) ?? 'NOT_FOUND';
        states[member.service] = state;
        problems.push(...stateProblems(member, state));
      }
    },
  );
  return {
    problems,
    states,
    runningWorkflows: running.size,
    locations: byLocation.size,
    requests,
    ratePerSecond,
    concurrency: READ_CONCURRENCY,
  };
}

function stateProblems(member: ResolvedMember, state: string): RolloutProblem[] {
  if (state === 'ACTIVE') return [];
  if (state === 'MIGRATING')
    return [
      error('service-migrating', pathOf(member), 'the service is MIGRATING (Metastore API): a migration is in flight'),
    ];
  if (state === 'NOT_FOUND')
    return [
      error('service-unreadable', pathOf(member), 'no such service: its location does not list it (services.list)'),
    ];
  return [warning('service-not-active', pathOf(member), `the service is ${state}, not ACTIVE (Metastore API)`)];
}

const pathOf = (member: ResolvedMember) => `migrations.${member.index}.service`;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
