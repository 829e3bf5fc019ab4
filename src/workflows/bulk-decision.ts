// bulkDecision: complete or cancel for many migrations at once (a wave, a label selector, a list), durably. Each
// member is asked through its own requestComplete / requestCancel update by an activity, so each goes through its own
// validator and cutover gate; the answers make a per-member report (accepted, refused with the member's reason,
// already done, not found). The migrations are never this workflow's children: it only asks them.
//
// Paced per project (the project in the member's service name): at most `requestsPerSecond` decisions begun per
// second and `maxInFlight` awaiting their answer, since every accepted decision becomes that project's API calls.
// History stays bounded: a run asks at most BATCH members, and stops beginning new ones once its history is long
// (or the server suggests it); then it continues as new, carrying the report so far and each project's pacing.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { MemberAnswer, MemberResult } from '../activities/bulk-decision';
import { FailureType } from '../migration/failure-types';
import type * as BulkSchemas from '../schemas/bulk-decision';
import type { BulkDecisionRequest, BulkDecisionRequestInput, BulkMember } from '../schemas/bulk-decision';
import { ending } from './failures';
import { BULK_REFUSED_SHOWN, recordBulkDecisionSignal, rolloutWorkflowId } from './rollout/messages';
import { schemas } from './schemas-on-demand';

/** One member's line of the report. `failed`: it could not be asked at all (Temporal did not answer in time). */
export interface BulkMemberReport extends Omit<MemberAnswer, 'result'> {
  service: string;
  result: MemberResult | 'failed';
  /** When the decision was sent (workflow time). */
  at: string;
}

export type BulkCounts = Record<MemberResult | 'failed' | 'pending', number>;

export interface BulkDecisionReport {
  action: 'complete' | 'cancel';
  who: string;
  why: string;
  changeReference?: string;
  members: BulkMemberReport[];
  counts: BulkCounts;
  /** Runs so far (continue-as-new starts another). */
  runs: number;
  /** The rollout this decision belongs to, and whether its audit trail got the record (set at the end). */
  rollout?: { name: string; recorded: 'recorded' | 'rollout not running' | string };
}

/** What continue-as-new carries: the report so far and, per project, when its next decision may begin (epoch ms). */
export interface BulkDecisionCarried {
  members: BulkMemberReport[];
  nextStartAt: Record<string, number>;
  runs: number;
}

export interface BulkDecisionArgs {
  request: BulkDecisionRequestInput;
  /** Set only by this workflow's own continue-as-new. */
  carried?: BulkDecisionCarried;
}

/** The report so far: every member asked, with the counts (pending: not asked yet). */
export const reportQuery = defineQuery<BulkDecisionReport>('report');

/** Members a run asks at most: bounds its pending activities and its history, whatever the pacing. */
const BATCH = 200;

const { requestMemberDecision } = proxyActivities<Pick<Activities, 'requestMemberDecision'>>({
  // A complete runs the member's cutover checks (reads of the source) before it answers.
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
});

export async function bulkDecision(args: BulkDecisionArgs): Promise<BulkDecisionReport> {
  const request = parseRequest(args);
  const carried = args.carried ?? { members: [], nextStartAt: {}, runs: 0 };
  const done = new Map(carried.members.map((member) => [member.service, member]));
  const nextStartAt = { ...carried.nextStartAt };
  const runs = carried.runs + 1;
  const report = (): BulkDecisionReport => reportOf(request, [...done.values()], runs);
  setHandler(reportQuery, report);

  const todo = request.members.filter((member) => !done.has(member.service)).slice(0, BATCH);
  let begun = 0;
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= request.maxHistoryEvents;
  const ask = async (member: BulkMember): Promise<void> => {
    const at = new Date().toISOString();
    const answer = await requestMemberDecision({
      workflowId: member.workflowId,
      action: request.action,
      by: request.who,
      reason: reasonOf(request),
      override: overrideOf(request, member),
      // Stable across attempts and runs: a retried send attaches to the update already sent.
      updateId: memberUpdateId(workflowInfo().workflowId, member.service),
    }).catch((err: unknown) => failedAnswer(err));
    done.set(member.service, { service: member.service, at, ...answer });
  };
  // Each project its own lane, in the input's order; the lanes run side by side.
  await Promise.all(
    [...byProject(todo)].map(async ([project, members]) => {
      const inFlight = new Set<Promise<void>>();
      for (const member of members) {
        await condition(() => inFlight.size < request.pacing.maxInFlight);
        const wait = (nextStartAt[project] ?? 0) - Date.now();
        if (wait > 0) await sleep(wait);
        // Right before beginning: a run always begins at least one, so continuing as new always makes progress.
        if (begun > 0 && historyFull()) break;
        nextStartAt[project] = Date.now() + 1000 / request.pacing.requestsPerSecond;
        begun += 1;
        const asked: Promise<void> = ask(member).finally(() => inFlight.delete(asked));
        inFlight.add(asked);
      }
      await Promise.all(inFlight);
    }),
  );
  if (done.size < request.members.length) {
    await condition(allHandlersFinished);
    return continueAsNew<typeof bulkDecision>({
      request: args.request,
      carried: { members: [...done.values()], nextStartAt, runs },
    });
  }
  const final = report();
  if (request.rollout === undefined) return final;
  return { ...final, rollout: { name: request.rollout, recorded: await recordInRollout(request.rollout, final) } };
}

/**
 * Records the decision in its rollout's audit trail: a signal, which the rollout cannot refuse and which reaches it
 * even while it continues as new. No such rollout running (never started, or ended) is said in the report, no error:
 * the members have been asked either way.
 */
async function recordInRollout(name: string, report: BulkDecisionReport): Promise<string> {
  const { pending: _pending, ...counts } = report.counts;
  const refused = report.members
    .filter((member) => member.result === 'refused' || member.result === 'failed')
    .slice(0, BULK_REFUSED_SHOWN)
    .map((member) => ({ service: member.service, reason: [member.type, member.reason].filter(Boolean).join(': ') }));
  try {
    await getExternalWorkflowHandle(rolloutWorkflowId(name)).signal(recordBulkDecisionSignal, {
      id: workflowInfo().workflowId,
      action: report.action,
      by: report.who,
      reason: report.why,
      ...(report.changeReference !== undefined && { changeReference: report.changeReference }),
      counts,
      refused,
    });
    return 'recorded';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The server answers a signal to no running workflow with its "not found" cause.
    return /not found/i.test(message) ? 'rollout not running' : `not recorded: ${message}`;
  }
}

/**
 * The input, parsed: anything else fails the run at once with INVALID_ARGUMENT naming each bad field, before any
 * member is asked. Carried state is taken only from this workflow's own continue-as-new.
 */
function parseRequest(args: unknown): BulkDecisionRequest {
  const input = (typeof args === 'object' && args !== null ? args : {}) as Partial<BulkDecisionArgs>;
  if (input.carried !== undefined && workflowInfo().continuedFromExecutionRunId === undefined)
    throw ending(
      FailureType.InvalidArgument,
      "invalid bulk decision:\ncarried: is set only by the workflow's own continue-as-new",
    );
  // Lazily: the schemas are megabytes of zod, evaluated only in the workflows that need them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see schemas-on-demand.ts
  const { BulkDecisionRequestSchema } = require('../schemas/bulk-decision') as typeof BulkSchemas;
  const { formatIssues } = schemas();
  const parsed = BulkDecisionRequestSchema.safeParse(input.request);
  if (!parsed.success)
    throw ending(FailureType.InvalidArgument, `invalid bulk decision:\n${formatIssues(parsed.error, 'request')}`);
  return parsed.data;
}

/** What every member records as the decision's reason: why, the change reference, and which bulk decision. */
function reasonOf(request: BulkDecisionRequest): string {
  const change = request.changeReference ? ` (change ${request.changeReference})` : '';
  return `${request.why}${change}; bulk decision ${workflowInfo().workflowId}`;
}

/** The checks a member's gate is asked to accept: the decision's, then the member's own (its manifest wave's), each
 * once. A member without its own gets the decision's as it is (as before members had their own). */
function overrideOf(request: BulkDecisionRequest, member: BulkMember): string[] | undefined {
  if (member.override === undefined) return request.override;
  return [...new Set([...(request.override ?? []), ...member.override])];
}

/** Members by the project of their service name, each list in the input's order. */
function byProject(members: readonly BulkMember[]): Map<string, BulkMember[]> {
  const lanes = new Map<string, BulkMember[]>();
  for (const member of members) {
    const project = member.service.split('/')[1] ?? '';
    lanes.set(project, [...(lanes.get(project) ?? []), member]);
  }
  return lanes;
}

function failedAnswer(err: unknown): Omit<BulkMemberReport, 'service' | 'at'> {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const type = cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : ((cause as Error)?.name ?? 'Error');
  const message = cause instanceof Error ? cause.message : String(cause);
  return { result: 'failed', type, reason: `could not be asked: ${message}`.slice(0, 500) };
}

function reportOf(request: BulkDecisionRequest, members: BulkMemberReport[], runs: number): BulkDecisionReport {
  const counts: BulkCounts = { accepted: 0, refused: 0, alreadyDone: 0, notFound: 0, failed: 0, pending: 0 };
  for (const member of members) counts[member.result] += 1;
  counts.pending = request.members.length - members.length;
  // In the input's order, whatever order the answers came in.
  const order = new Map(request.members.map((member, index) => [member.service, index]));
  const sorted = [...members].sort((a, b) => (order.get(a.service) ?? 0) - (order.get(b.service) ?? 0));
  return {
    action: request.action,
    who: request.who,
    why: request.why,
    ...(request.changeReference !== undefined && { changeReference: request.changeReference }),
    members: sorted,
    counts,
    runs,
  };
}

/** Temporal's ID limit on SQL clusters (`limit.maxIDLength: 255`), which applies to update ids too. */
const ID_LIMIT = 255;

/**
 * The update id of one member's decision: `<bulk workflow id>/<service>`, or the bulk's id alone when that would
 * pass the ID limit (a 63-character rollout, a UUID and a long service do) — the server would refuse the update.
 * An update id is unique per target workflow already, so the bulk's id alone still names one decision; ids that
 * fit are unchanged, so a running bulk decision sends what it sent before, and a repeat of an accepted decision
 * is accepted again (updateRefusal), so a changed id for a send in flight at an upgrade decides nothing twice.
 */
export function memberUpdateId(bulkWorkflowId: string, service: string): string {
  const id = `${bulkWorkflowId}/${service}`;
  return id.length <= ID_LIMIT ? id : bulkWorkflowId;
}
