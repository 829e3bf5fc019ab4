// The bulk decision's input: complete or cancel for many migrations at once, each member through its own
// requestComplete / requestCancel (so through its own cutover gate), paced per project. The input is untrusted
// (the stock Temporal CLI can start the workflow with anything), so the workflow parses it with this schema and
// refuses it, naming each bad field, before it asks anything of any member.
import { z } from 'zod';
import { CutoverOverrideSchema } from './cutover-override';
import { workflowIdFor } from '../migration/names';
import { expected, strictObject } from './field-rules';
import { DecisionArgsSchema } from './request';
import { ServiceNameSchema } from './resource-name-schemas';
import { RolloutNameSchema } from './rollout';

/**
 * The worker's default Metastore API budget per project (METASTORE_MIGRATOR_API_BUDGET, 3 req/s). Every accepted
 * decision becomes API calls of its member (completeMigration or cancelMigration, then the reads that watch it), so
 * a bulk decision never asks faster than the budget those calls go through; by default it takes half of it, as
 * `rollout plan` does, leaving the rest to the members' own polls.
 */
export const BULK_MAX_REQUESTS_PER_SECOND = 3;
export const BULK_DEFAULT_REQUESTS_PER_SECOND = 1.5;
/** Google's per-identity share of a project's Metastore quota (5 QPS): more decisions in flight would only queue. */
export const BULK_MAX_IN_FLIGHT = 5;
/** A wave of the issue's benchmark is 1,000; twice that bounds the input and the report carried by continue-as-new. */
export const BULK_MAX_MEMBERS = 2000;

/** A member's own cutover checks (its manifest wave's `override`), by name. */
const MemberOverrideSchema = CutoverOverrideSchema.min(1, 'must name at least one check (leave it out for none)');

const MemberSchema = strictObject('a member { service, workflowId, override? }', {
  service: ServiceNameSchema,
  workflowId: z.string({ error: expected('the migration workflow id, migration/SERVICE') }).max(300),
  /** complete only: this member's cutover checks accepted by name, besides the decision's `override`. */
  override: MemberOverrideSchema.optional(),
}).superRefine((member, ctx) => {
  // Only the member's own migration workflow: a bulk decision must not be a way to send an update to any workflow.
  if (member.workflowId !== workflowIdFor(member.service))
    ctx.addIssue({
      code: 'custom',
      path: ['workflowId'],
      message: 'must be the migration workflow of the member’s service: migration/ followed by the service',
    });
});
export type BulkMember = z.infer<typeof MemberSchema>;

const PacingSchema = strictObject('pacing { requestsPerSecond?, maxInFlight? }', {
  /** Decisions sent per second to the members of one project. */
  requestsPerSecond: z
    .number({ error: expected(`requests per second, more than 0 and at most ${BULK_MAX_REQUESTS_PER_SECOND}`) })
    .gt(0, 'must be more than 0')
    .max(
      BULK_MAX_REQUESTS_PER_SECOND,
      `must be at most ${BULK_MAX_REQUESTS_PER_SECOND}: the worker's default API budget per project`,
    )
    .default(BULK_DEFAULT_REQUESTS_PER_SECOND),
  /** Decisions of one project waiting for their member's answer at once (a complete runs the cutover checks). */
  maxInFlight: z
    .number({ error: expected(`a whole number from 1 to ${BULK_MAX_IN_FLIGHT}`) })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(BULK_MAX_IN_FLIGHT, `must be at most ${BULK_MAX_IN_FLIGHT}: Google's per-identity share of a project's quota`)
    .default(2),
});

export const BulkDecisionRequestSchema = strictObject(
  'a bulk decision { action, who, why, changeReference?, override?, rollout?, members, pacing?, maxHistoryEvents? }',
  {
    action: z.enum(['complete', 'cancel'], { error: expected('complete or cancel') }),
    /** Who decided: sent to every member as the decision's `by`. */
    who: DecisionArgsSchema.shape.by.unwrap().min(1, 'must name who decides'),
    /** Why: sent to every member as the decision's `reason`, with the change reference. */
    why: DecisionArgsSchema.shape.reason.unwrap().min(1, 'must say why'),
    changeReference: z
      .string({ error: expected('a change reference of at most 200 characters (a ticket, a change request)') })
      .min(1)
      .max(200)
      .optional(),
    /** complete only: cutover checks accepted by name, as `complete --override` — every member's gate honours them
     * (with the member's own `override`, if any). */
    override: DecisionArgsSchema.shape.override,
    /** The rollout whose members these are: the decision records itself in that rollout's audit trail at its end. */
    rollout: RolloutNameSchema.optional(),
    members: z
      .array(MemberSchema, { error: expected('a list of members { service, workflowId, override? }') })
      .min(1, 'must list at least one member')
      .max(BULK_MAX_MEMBERS, `must list at most ${BULK_MAX_MEMBERS} members; split the decision`),
    pacing: PacingSchema.default(PacingSchema.parse({})),
    /** Continue as new beyond this many history events (or when the server suggests it). */
    maxHistoryEvents: z
      .number({ error: expected('a whole number from 50 to 40000') })
      .int()
      .min(50)
      .max(40_000)
      .default(4000),
  },
).superRefine((request, ctx) => {
  if (request.action === 'cancel' && request.override !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['override'],
      message: 'only with complete: a cancel runs no cutover checks',
    });
  const seen = new Map<string, number>();
  request.members.forEach((member, index) => {
    if (request.action === 'cancel' && member.override !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['members', index, 'override'],
        message: 'only with complete: a cancel runs no cutover checks',
      });
    const first = seen.get(member.service);
    if (first !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['members', index, 'service'],
        message: `is listed twice (also members.${first}): one decision per member`,
      });
    else seen.set(member.service, index);
  });
});
export type BulkDecisionRequestInput = z.input<typeof BulkDecisionRequestSchema>;
export type BulkDecisionRequest = z.infer<typeof BulkDecisionRequestSchema>;
