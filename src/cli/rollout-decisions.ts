// `rollout complete` and `rollout cancel`: a bulk decision. The members are chosen offline (./rollout-members.ts),
// the engineer confirms on a terminal, and a bulkDecision workflow asks each member through its own update (so each
// through its own cutover gate), paced per project; the CLI waits for its report and prints one line per member.
// Exit 0 when every member accepted or had already decided or ended, 1 when any was refused, not found or not asked.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Config } from '../config';
import { BULK_MAX_REQUESTS_PER_SECOND, BulkDecisionRequestSchema } from '../schemas/bulk-decision';
import type { BulkDecisionRequest } from '../schemas/bulk-decision';
import { formatIssues, inputIssues } from '../schemas';
import { workflowIdFor } from '../migration/names';
import type { BulkDecisionReport, bulkDecision } from '../workflows/bulk-decision';
import { type Options, overridesOf } from './args';
import { confirmOnTerminal, needsConfirmation } from './confirm';
import { UsageError } from './errors';
import { type BulkSelection, bulkSelection } from './rollout-members';
import { requireWorker } from './worker-check';

// commands.ts's Printer, restated: importing it from there would close an import circle (commands.ts imports this).
type Printer = (value: unknown, text: string) => void;

const BULK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export async function rolloutDecision(
  config: Config,
  options: Options,
  print: Printer,
  action: 'complete' | 'cancel',
  connect: () => Promise<Client>,
): Promise<number> {
  const selection = await bulkSelection(config, options);
  if (options.values['dry-run'] === true) {
    const flags = action === 'complete' ? overridesOf(options) : [];
    const members = selection.services.map((service) => {
      const override = mergedOverride(flags, action === 'complete' ? selection.waveOverrides?.[service] : undefined);
      return { service, workflowId: workflowIdFor(service), ...(override.length > 0 && { override }) };
    });
    print(
      { action, dryRun: true, chosenBy: selection.chosenBy, members },
      [`${action} would ask ${count(members.length)} (${selection.chosenBy}); nothing was started`]
        .concat(members.map((m) => `  ${m.service}${m.override ? `  (override ${m.override.join(', ')})` : ''}`))
        .join('\n'),
    );
    return 0;
  }
  const request = bulkRequest(options, action, selection);
  const id = options.values.id;
  if (typeof id === 'string' && !BULK_ID.test(id))
    throw new UsageError('--id: must be 1-100 of letters, digits, ".", "_" and "-", starting with a letter or digit');
  const workflowId = `bulk/${selection.label}/${typeof id === 'string' ? id : randomUUID()}`;
  const client = await connect();
  await requireWorker(client, config, `rollout ${action}`);
  const terminal = { stdinIsTTY: process.stdin.isTTY === true, stdoutIsTTY: process.stdout.isTTY === true };
  if (needsConfirmation({ yes: options.values.yes === true, ...terminal }))
    await confirmOnTerminal(action, '', bulkConsequences(action, selection));
  const report = await client.workflow
    .start<typeof bulkDecision>('bulkDecision', {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ request }],
      // A given id names one decision: asked again, the CLI waits for that one (running or ended) instead of a second.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `${action} ${count(request.members.length)} (${selection.chosenBy}) by ${request.who}`,
    })
    .catch((err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        return client.workflow.getHandle<typeof bulkDecision>(workflowId);
      throw err;
    })
    .then((handle) => handle.result());
  print({ workflowId, ...report }, [formatBulkReport(workflowId, report), ...overrideLines(request)].join('\n'));
  const { refused, notFound, failed } = report.counts;
  return refused + notFound + failed === 0 ? 0 : 1;
}

/** The workflow's input from the flags, checked here too so that a mistake is a usage error and starts nothing. */
export function bulkRequest(
  options: Options,
  action: 'complete' | 'cancel',
  selection: BulkSelection,
): BulkDecisionRequest {
  const { values } = options;
  if (typeof values.reason !== 'string') throw new UsageError('--reason is required: why, for every member’s record');
  const override = overridesOf(options);
  const budget = selection.apiBudgetPerProject;
  const parsed = BulkDecisionRequestSchema.safeParse({
    action,
    who: typeof values.by === 'string' ? values.by : userInfo().username,
    why: values.reason,
    changeReference: values['change-reference'],
    ...(override.length > 0 && { override }),
    // Chosen from a manifest: the decision records itself in that rollout's audit trail (if it runs).
    ...(selection.label !== 'services' && { rollout: selection.label }),
    // complete: each member's wave's manifest override, as the rollout's own complete applies it (the flags' apply
    // to every member: the workflow merges the two).
    members: selection.services.map((service) => {
      const own = action === 'complete' ? selection.waveOverrides?.[service] : undefined;
      return { service, workflowId: workflowIdFor(service), ...(own !== undefined && { override: own }) };
    }),
    // Half the manifest's budget, as plan's reads: the members' own calls take the rest.
    ...(budget !== undefined && { pacing: { requestsPerSecond: Math.min(budget / 2, BULK_MAX_REQUESTS_PER_SECOND) } }),
  });
  if (!parsed.success)
    throw new UsageError(`invalid arguments:\n${formatIssues(parsed.error)}`, inputIssues(parsed.error));
  return parsed.data;
}

/** Said before the question: how many, how chosen, that each member's own checks decide, and what cannot be undone. */
export function bulkConsequences(action: 'complete' | 'cancel', selection: BulkSelection): string {
  const who = `${count(selection.services.length)} (${selection.chosenBy})`;
  if (action === 'complete')
    return (
      `complete ${who}: each member's own cutover checks run first; each member that passes (or whose blocking ` +
      'checks are overridden) is cut over to its new database. A cutover cannot be undone.'
    );
  return (
    `cancel ${who}: each member's migration execution is cancelled unless its cutover is already under way, and ` +
    'its service stays on its source database. A cancelled migration is not resumed.'
  );
}

/** The flags' overrides, then the member's wave's, each once. */
function mergedOverride(flags: readonly string[], own: readonly string[] | undefined): string[] {
  return [...new Set([...flags, ...(own ?? [])])];
}

/** Which cutover checks the members' gates were asked to accept: one line per distinct set, with how many members. */
export function overrideLines(request: BulkDecisionRequest): string[] {
  const sets = new Map<string, number>();
  for (const member of request.members) {
    const key = mergedOverride(request.override ?? [], member.override).join(', ');
    sets.set(key, (sets.get(key) ?? 0) + 1);
  }
  if (sets.size === 1 && sets.has('')) return [];
  return [...sets].map(([checks, n]) => `${checks === '' ? 'no override' : `override ${checks}`}: ${count(n)}`);
}

const RESULT_WORDS = {
  accepted: 'accepted',
  refused: 'refused',
  alreadyDone: 'already done',
  notFound: 'not found',
  failed: 'not asked',
} as const;

export function formatBulkReport(workflowId: string, report: BulkDecisionReport): string {
  const width = Math.max(7, ...report.members.map((member) => member.service.length));
  const rows = report.members.map((member) => {
    const reason = [member.type, member.reason].filter(Boolean).join(': ');
    return `${member.service.padEnd(width)}  ${RESULT_WORDS[member.result].padEnd(12)}  ${reason}`.trimEnd();
  });
  const { counts } = report;
  const change = report.changeReference ? `, change ${report.changeReference}` : '';
  return [
    `${report.action} by ${report.who}${change} (${workflowId})`,
    `${'SERVICE'.padEnd(width)}  ${'RESULT'.padEnd(12)}  REASON`,
    ...rows,
    `accepted ${counts.accepted}, refused ${counts.refused}, already done ${counts.alreadyDone}, ` +
      `not found ${counts.notFound}${counts.failed > 0 ? `, not asked ${counts.failed}` : ''}`,
    ...(report.rollout ? [`rollout ${report.rollout.name}'s audit trail: ${report.rollout.recorded}`] : []),
  ].join('\n');
}

const count = (n: number) => `${n} member${n === 1 ? '' : 's'}`;
