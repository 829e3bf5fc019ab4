// A rollout's I/O: its input checked, and its members driven and read. Members are never the rollout's children —
// each is the service's own migration workflow (`migration/<service>`), started or reused here through the
// worker's client, exactly as the CLI's `start` starts it (migrationStartOptions), so aborting or terminating a
// rollout can never end a migration. complete/cancel go through each member's own updates (and so its cutover
// gate); the answers come back per member. A member of a `start` is the template with its own overrides merged in,
// checked here as lint checks it (src/rollout/member-request.ts): one whose request is invalid is a failed member
// with the field's path, never the rollout's failure. Each member driven is joined to the rollout (joinRollout): it
// carries RolloutId/RolloutWave, and a migration another running rollout holds is refused and becomes a failed member.
// Progress is read from visibility in bulk (one listing of `RolloutId="R"`), with a describe of each member the
// listing does not show running yet (visibility is eventually consistent): the workflows are the source of truth,
// so a lost message costs a read, never a member.
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { Client, WorkflowExecutionDescription, WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey } from '@temporalio/common';
import { migrationStartOptions } from '../migration/start-options';
import { workflowIdFor } from '../migration/names';
import { type BackfillOutcome, backfillFailed, backfillVerdict } from '../migration/backfill';
import type { MigrationResult, MigrationStatus } from '../migration/state';
import { redact } from '../secrets/redact';
import { type MigratorMetrics, NO_METRICS } from '../metrics/migrator-metrics';
import type { ApiVersion } from '../schemas';
import { checkRolloutInput } from '../schemas/rollout';
import type { MemberConfig, RolloutAction, RolloutCheck, RolloutTemplate } from '../schemas/rollout';
import { checkMemberConfig } from '../rollout/member-request';
import { migrationModeOf, sendDecision } from './decision-update';
import { unchanged } from './failures';

// The migration workflow's search attributes, by name (their definitions are workflow code, which activities do
// not import: src/workflows/messages.ts).
const MigrationStageKey = defineSearchAttributeKey('MigrationStage', 'KEYWORD');
const SourceHealthKey = defineSearchAttributeKey('SourceHealth', 'KEYWORD');
/** The migration workflow's joinRollout update (src/workflows/messages.ts). */
const JOIN_ROLLOUT_UPDATE = 'joinRollout';
/** Listing page size: a few pages for thousands of members. */
const LIST_PAGE_SIZE = 1000;
/** The migration workflow's status query (src/workflows/messages.ts). */
const STATUS_QUERY = 'status';

/** Members are read and driven this many at a time: the frontend's load, not the API budget (each member paces
 * its own API calls). */
const CONCURRENCY = 16;

/** Well inside the workflow's heartbeat timeout for driving members (1 min). A repeat after a lost attempt is safe:
 * a start joins the run the first attempt started, and a repeated decision is accepted again by the member. */
const HEARTBEAT_MS = 10_000;

/** What became of one member's start, complete or cancel. */
export interface MemberDriveResult {
  service: string;
  /** accepted: started, joined (already running) or the decision accepted; refused: by its workflow (the cutover
   * gate, its state) or by Temporal; alreadyDone: its migration already ended, or a complete has nothing to ask of
   * it (in its rollback window; a BACKFILL, which ends by itself) — not asked; notFound: no migration workflow;
   * invalid: start: its request (the template with its config merged in) is not valid — reason names the fields. */
  result: 'accepted' | 'refused' | 'alreadyDone' | 'notFound' | 'invalid';
  reason?: string;
}

export interface DriveArgs {
  rollout: string;
  /** 1-based, as people count waves. */
  wave: number;
  action: RolloutAction;
  members: { service: string; config?: MemberConfig }[];
  /** start: the request every member begins from (its config merged over it). */
  template?: RolloutTemplate;
  /** Why, for the members' audit trails (their `reason`). */
  why: string;
  /** complete: the cutover checks the wave accepts by name. */
  override?: string[];
}

/** One member as read: its workflow's status, and what the migration publishes of itself. */
export interface MemberObservation {
  service: string;
  /** The workflow's status (RUNNING, COMPLETED, FAILED, TERMINATED …), or NOT_FOUND. */
  status: string;
  stage?: string;
  sourceHealth?: string;
  /** Once ended: the migration's outcome (COMPLETED) and verification, or the failure (`TYPE: message`). */
  outcome?: string;
  verification?: 'ok' | 'mismatch' | 'skipped';
  reason?: string;
  /** complete/cancel: the rollout's decision was set aside by the member (the API refused it), with the reason. */
  setAside?: string;
  /** Outgoing kind, its backfill SUCCEEDED but lost tables: its verdict, naming the first few (bounded). */
  backfillFailures?: string;
}

export interface WatchArgs {
  services: string[];
  /** The observations the workflow already has, by service (JSON): an attempt that finds the same fails benignly. */
  known: Record<string, string>;
  /** Until the next attempt when nothing changed. */
  delayMs: number;
  /** complete/cancel: the rollout and wave whose decisions to look for among a waiting member's requests. */
  decisionsOf?: { rollout: string; wave: number };
  /** The rollout whose members these are: read by one listing of RolloutId. Absent (rollouts from before it):
   * each member is described. */
  rollout?: string;
}

export function createRolloutActivities(deps: { apiVersion: ApiVersion; metrics?: MigratorMetrics }) {
  const metrics = deps.metrics ?? NO_METRICS;
  return {
    /** Pure and quick: zod stays out of the workflow sandbox, and the answer is recorded once in history. */
    async checkRolloutInput(input: unknown): Promise<RolloutCheck> {
      return checkRolloutInput(input);
    },

    /** For a migration asked to join another rollout: whether the rollout holding it still runs. */
    async rolloutRunning(args: { rollout: string }): Promise<boolean> {
      try {
        const description = await Context.current().client.workflow.getHandle(`rollout/${args.rollout}`).describe();
        return description.status.name === 'RUNNING';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },

    async driveRolloutMembers(args: DriveArgs): Promise<MemberDriveResult[]> {
      const ctx = Context.current();
      const by = decisionBy(args.rollout, args.wave);
      const overrides = args.action === 'complete' && args.override ? { override: args.override } : {};
      const decision = { by, reason: args.why, ...overrides };
      // A member's complete waits for its cutover checks (up to minutes against a slow source): heartbeat all along.
      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
      try {
        const results = await pool(args.members, async (member): Promise<MemberDriveResult> => {
          if (args.action === 'start') {
            const started = await startMember(ctx.client, ctx.info.taskQueue, member, args.template, deps.apiVersion);
            if (started.result !== 'accepted') return { service: member.service, ...started };
            const refused = await joinRollout(ctx.client, member.service, args.rollout, args.wave, by);
            return { service: member.service, ...(refused ?? started) };
          }
          // A decision is the holder's to make: join first (a migration another running rollout holds is refused).
          const refused = await joinRollout(ctx.client, member.service, args.rollout, args.wave, by);
          return {
            service: member.service,
            ...(refused ?? (await decide(ctx.client, member.service, args.action, decision))),
          };
        });
        // Counted once the whole attempt has returned (a retried attempt counts again: it drives them again).
        for (const { result } of results) metrics.memberDriven(args.action, result);
        return results;
      } finally {
        clearInterval(beat);
      }
    },

    /**
     * One read of the members in progress (retry-as-poll): what changed since `known`, or, when nothing did, a
     * benign failure that brings the server back after `delayMs` — no slot held and no history written meanwhile.
     */
    async watchRolloutMembers(args: WatchArgs): Promise<MemberObservation[]> {
      const client = Context.current().client;
      const by = args.decisionsOf && decisionBy(args.decisionsOf.rollout, args.decisionsOf.wave);
      const seen = await observeMembers(client, args.services, args.rollout, by);
      const changed = seen.some((o) => JSON.stringify(o) !== args.known[o.service]);
      if (!changed) throw unchanged(args.delayMs, `no member of ${args.services.length} changed`);
      return seen;
    },

    /** The same read, answered at once: for the health gate and after a command. */
    async readRolloutMembers(args: { services: string[]; rollout?: string }): Promise<MemberObservation[]> {
      return observeMembers(Context.current().client, args.services, args.rollout);
    },
  };
}

/** Who a rollout's decisions are from, in each member's audit trail. */
function decisionBy(rollout: string, wave: number): string {
  return `rollout ${rollout} wave ${wave}`;
}

type Driven = Omit<MemberDriveResult, 'service'>;

async function startMember(
  client: Client,
  taskQueue: string,
  member: { service: string; config?: MemberConfig },
  template: RolloutTemplate | undefined,
  apiVersion: ApiVersion,
): Promise<Driven> {
  const before = await describe(client, member.service);
  if (before?.status.name === 'RUNNING') return { result: 'accepted', reason: 'already running: joined' };
  if (template === undefined) return { result: 'invalid', reason: 'template: is required for the start action' };
  // Checked at the worker's API version, as lint and start check it; the member's run checks it again.
  const checked = checkMemberConfig(member.service, member.config, 'config', template, apiVersion);
  if (!checked.request) {
    const issues = [...checked.memberIssues, ...checked.templateIssues];
    return { result: 'invalid', reason: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') };
  }
  const request = checked.request;
  const { workflowType, ...options } = migrationStartOptions(request, taskQueue);
  try {
    await client.workflow.start(workflowType, {
      ...options,
      // A run started meanwhile (by an engineer, or this activity's earlier attempt) is the member: no second one.
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A migration that ended well (SUCCEEDED, CANCELLED) is not started over; one that failed may be (retry).
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    return { result: 'accepted' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { result: 'alreadyDone', reason: `its migration ended ${before?.status.name ?? ''}`.trim() };
    }
    throw err;
  }
}

async function decide(
  client: Client,
  service: string,
  action: 'complete' | 'cancel',
  args: { by: string; reason: string; override?: string[] },
): Promise<Driven> {
  const before = await describe(client, service);
  if (!before) return { result: 'notFound', reason: `no migration workflow ${workflowIdFor(service)}` };
  if (before.status.name !== 'RUNNING') return { result: 'alreadyDone', reason: await endedAs(client, service) };
  const stage = before.typedSearchAttributes.get(MigrationStageKey);
  // An outgoing migration in its rollback window has SUCCEEDED: its cutover is done and it refuses a complete (only a
  // rollback applies there), so it is not asked — as the bulk decision counts it already done.
  if (action === 'complete' && stage === 'ROLLBACK_WINDOW')
    return { result: 'alreadyDone', reason: 'its migration SUCCEEDED and is in its rollback window: not asked' };
  // An outgoing BACKFILL ends by itself when its backfill ends, and refuses a complete ("nothing to complete"): not
  // asked, it stays in progress until then — its rollback window (or SUCCEEDED) reached, a failed backfill failed.
  // Never in REPLICATION, where members wait for a complete: only the others' mode is asked (one query each).
  if (
    action === 'complete' &&
    stage !== 'REPLICATION' &&
    (await migrationModeOf(client, workflowIdFor(service))) === 'BACKFILL'
  )
    return {
      result: 'alreadyDone',
      reason: 'a BACKFILL migration completes by itself when its backfill ends: not asked',
    };
  try {
    // The same send as the CLI's complete/cancel and the bulk decision's (the arguments built one way).
    await sendDecision(client, workflowIdFor(service), action, args);
    return { result: 'accepted' };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { result: 'refused', reason: failureText(err.cause) };
    if (err instanceof WorkflowNotFoundError) return { result: 'notFound', reason: err.message };
    // Ended between the describe and the update: say how.
    const after = await describe(client, service);
    if (after && after.status.name !== 'RUNNING')
      return { result: 'alreadyDone', reason: await endedAs(client, service) };
    throw err;
  }
}

/**
 * Joins the member to the rollout: undefined once it is a member (or cannot say: a run from a build before
 * joinRollout, or one that ended meanwhile — its reads tell), a refused member otherwise, with the member's reason.
 */
async function joinRollout(
  client: Client,
  service: string,
  rollout: string,
  wave: number,
  by: string,
): Promise<Driven | undefined> {
  try {
    await client.workflow.getHandle(workflowIdFor(service)).executeUpdate(JOIN_ROLLOUT_UPDATE, {
      args: [{ rollout, wave, by }],
    });
    return undefined;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause;
      // A run from before joinRollout has no handler: it stays driven, read by describe as before.
      if (cause instanceof Error && /No registered handler for update/.test(cause.message)) return undefined;
      if (cause instanceof ApplicationFailure && cause.type === 'Refused') {
        return { result: 'refused', reason: redact(cause.message) };
      }
      return { result: 'refused', reason: failureText(cause) };
    }
    if (err instanceof WorkflowNotFoundError) return undefined;
    // Ended between the start (or describe) and the join: its reads say how.
    const after = await describe(client, service);
    if (after && after.status.name !== 'RUNNING') return undefined;
    throw err;
  }
}

/** The query that lists a rollout's members (a Keyword value in double quotes). */
export function membersQuery(rollout: string): string {
  return `RolloutId="${rollout.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * Observations of `services`: the running ones from one paged listing of the rollout's members (stage and source
 * health are search attributes), the rest — not listed yet (visibility lags a join), listed as closed (how it ended
 * needs its result, and an earlier run may be listed), or without a rollout to list by — each described.
 */
export async function observeMembers(
  client: Client,
  services: readonly string[],
  rollout?: string,
  decisionBy?: string,
): Promise<MemberObservation[]> {
  const running = new Map<string, MemberObservation>();
  if (rollout !== undefined) {
    const wanted = new Set(services.map(workflowIdFor));
    const newest = new Map<string, { startTime: number; info: WorkflowExecutionInfo }>();
    for await (const info of client.workflow.list({ query: membersQuery(rollout), pageSize: LIST_PAGE_SIZE })) {
      if (!wanted.has(info.workflowId)) continue;
      const startTime = info.startTime.getTime();
      const seen = newest.get(info.workflowId);
      if (!seen || seen.startTime < startTime) newest.set(info.workflowId, { startTime, info });
    }
    for (const { info } of newest.values()) {
      if (info.status.name === 'RUNNING') running.set(info.workflowId, fromAttributes(serviceOf(info), info));
    }
  }
  return pool(services, async (service) => {
    const listed = running.get(workflowIdFor(service));
    if (!listed) return observe(client, service, decisionBy);
    return withSetAside(client, service, listed, decisionBy);
  });
}

/** The service a listed migration is of (its workflow id is `migration/<service>`). */
function serviceOf(info: WorkflowExecutionInfo): string {
  return info.workflowId.slice(info.workflowId.indexOf('/') + 1);
}

/** What a member publishes of itself, the same whether listed or described (the workflow compares them as JSON). */
function fromAttributes(
  service: string,
  execution: Pick<WorkflowExecutionInfo, 'status' | 'typedSearchAttributes'>,
): MemberObservation {
  const attributes = execution.typedSearchAttributes;
  const stage = attributes.get(MigrationStageKey);
  const sourceHealth = attributes.get(SourceHealthKey);
  return {
    service,
    status: execution.status.name,
    ...(stage !== undefined && { stage }),
    ...(sourceHealth !== undefined && { sourceHealth }),
  };
}

async function withSetAside(
  client: Client,
  service: string,
  observation: MemberObservation,
  decisionBy?: string,
): Promise<MemberObservation> {
  // An outgoing member in its rollback window: its backfill ended; what it lost decides whether it reached a start,
  // its verification whether it reached a complete.
  if (observation.stage === 'ROLLBACK_WINDOW') {
    const status = await client.workflow
      .getHandle(workflowIdFor(service))
      .query<Pick<MigrationStatus, 'backfill' | 'verification'>>(STATUS_QUERY)
      .catch(() => undefined);
    const backfillFailures = failuresOf(status?.backfill);
    const verification = status?.verification?.status;
    return {
      ...observation,
      ...(verification !== undefined && { verification }),
      ...(backfillFailures !== undefined && { backfillFailures }),
    };
  }
  // Back waiting after the rollout's decision: the API refused it and the member set it aside (its status says so).
  if (decisionBy !== undefined && observation.stage === 'REPLICATION') {
    const setAside = await setAsideDecision(client, service, decisionBy);
    if (setAside !== undefined) return { ...observation, setAside };
  }
  return observation;
}

async function observe(client: Client, service: string, decisionBy?: string): Promise<MemberObservation> {
  const description = await describe(client, service);
  if (!description) return { service, status: 'NOT_FOUND' };
  const observation = fromAttributes(service, description);
  if (description.status.name !== 'RUNNING') return { ...observation, ...(await ending(client, service)) };
  return withSetAside(client, service, observation, decisionBy);
}

/** The note of the member's newest request from `by`, if it was not accepted; undefined if none or unreadable. */
async function setAsideDecision(client: Client, service: string, by: string): Promise<string | undefined> {
  const status = await client.workflow
    .getHandle(workflowIdFor(service))
    .query<Pick<MigrationStatus, 'requests'>>(STATUS_QUERY)
    .catch(() => undefined);
  const newest = status?.requests.filter((request) => request.by === by).at(-1);
  return newest && !newest.accepted ? redact(newest.note ?? 'not accepted') : undefined;
}

/** How a closed member ended: its result's outcome and verification, or its failure. */
async function ending(client: Client, service: string): Promise<Partial<MemberObservation>> {
  try {
    const result = (await client.workflow.getHandle(workflowIdFor(service)).result()) as MigrationResult;
    const backfillFailures = failuresOf(result.backfill);
    return {
      outcome: result.outcome,
      ...(result.verification && { verification: result.verification.status }),
      ...(backfillFailures !== undefined && { backfillFailures }),
      ...(result.message && { reason: redact(result.message) }),
    };
  } catch (err) {
    return { reason: err instanceof WorkflowFailedError ? failureText(err.cause ?? err) : failureText(err) };
  }
}

/** A backfill that lost tables (or databases, partitions): its one-line verdict, which names the first five. */
function failuresOf(backfill: BackfillOutcome | undefined): string | undefined {
  return backfill && backfillFailed(backfill) ? redact(backfillVerdict(backfill)) : undefined;
}

async function endedAs(client: Client, service: string): Promise<string> {
  const end = await ending(client, service);
  return `its migration ended ${end.outcome ?? ''}${end.reason ? `: ${end.reason}` : ''}`.replace('  ', ' ');
}

async function describe(client: Client, service: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await client.workflow.getHandle(workflowIdFor(service)).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** `TYPE: message` of a failure (an ApplicationFailure's type, else the error's name), redacted. */
function failureText(err: unknown): string {
  if (err instanceof ApplicationFailure) return redact(`${err.type ?? 'Error'}: ${err.message}`);
  if (err instanceof Error) {
    const type = (err as { type?: unknown }).type;
    return redact(`${typeof type === 'string' ? type : err.name}: ${err.message}`);
  }
  return redact(String(err));
}

/** `fn` over `items`, at most CONCURRENCY at once, results in the items' order. */
async function pool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}
