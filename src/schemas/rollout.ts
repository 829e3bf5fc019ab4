// The rollout workflow's input: a resolved rollout — its waves in order, each with its members (and, for `start`,
// each member's migration request), effective parallelism, soak, gates and failure budget, and per-project caps.
// The manifest (src/rollout/) resolves to this; the stock Temporal CLI may send it too, so the workflow has it
// checked (checkRolloutInput activity) before anything happens and refuses it naming each bad field's path.
// Members' requests are checked with the migration's own schema here, and again by each member's workflow.
import { z } from 'zod';
import { expected, strictObject } from './field-rules';
import { MigrationRequestSchema, NotifyTargetSchema, formatIssues, inputIssues } from './request';
import { ServiceNameSchema } from './resource-name-schemas';

/** What a rollout drives each member to: started and REPLICATION, cut over (completeMigration), or cancelled. */
export const ROLLOUT_ACTIONS = ['start', 'complete', 'cancel'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** A name that is part of the workflow id `rollout/<name>` and of every member's audit line. */
const RolloutNameSchema = z
  .string({ error: expected('a rollout name: lower-case letters, digits and -, at most 63') })
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and -, at most 63');

const count = (what: string, min: number, max: number) =>
  z
    .number({ error: expected(`${what}: a whole number from ${min} to ${max}`) })
    .int()
    .min(min)
    .max(max);

export const RolloutMemberSchema = strictObject('a member { service, request? }', {
  service: ServiceNameSchema,
  /** For `start`: the member's migration request (what `start --config` sends); its service must be `service`. */
  request: z.unknown().optional(),
});
export type RolloutMember = z.infer<typeof RolloutMemberSchema>;

/** What must hold of a wave's members, once all have settled, before its approval (or the next wave). */
export const HealthGateSchema = strictObject('a health gate { sourceHealthNotError?, verificationClean? }', {
  /** No member's source checks read ERROR (the SourceHealth search attribute). */
  sourceHealthNotError: z.boolean({ error: expected('true or false') }).default(true),
  /** `complete`: every member's verification after cutover is clean (a mismatch counts as a failed member). */
  verificationClean: z.boolean({ error: expected('true or false') }).default(true),
});

/** The failures a wave may have before the rollout pauses itself: max(count, ⌊percent × wave size / 100⌋). */
export const FailureBudgetSchema = strictObject('a failure budget { count?, percent? }', {
  count: count('failed members allowed', 0, 100_000).default(0),
  percent: z
    .number({ error: expected('a percentage from 0 to 100') })
    .min(0)
    .max(100)
    .default(0),
});
export type FailureBudget = z.infer<typeof FailureBudgetSchema>;

export const RolloutWaveSchema = strictObject(
  'a wave { name, canary?, members, maxParallel, soakSeconds?, approval?, healthGate?, failureBudget?, override? }',
  {
    name: z
      .string({ error: expected('a wave name of at most 63 characters') })
      .min(1)
      .max(63),
    /** The canary wave: the first, and only the first. */
    canary: z.boolean({ error: expected('true or false') }).default(false),
    members: z.array(RolloutMemberSchema).min(1, 'a wave needs at least one member').max(5000),
    /** The effective count (the manifest's count or percentage, the stricter one) of members in progress at once. */
    maxParallel: count('members in progress at once', 1, 5000),
    /** How long the wave's members must stay healthy after all have settled, before the health gate. */
    soakSeconds: z
      .number({ error: expected('a number of seconds from 0 to 2592000') })
      .min(0)
      .max(2_592_000)
      .default(0),
    /** `required`: the wave waits for an `approve` update; `auto`: the rollout advances once the gates pass. */
    approval: z.enum(['required', 'auto'], { error: expected("'required' or 'auto'") }).default('required'),
    healthGate: HealthGateSchema.default({ sourceHealthNotError: true, verificationClean: true }),
    failureBudget: FailureBudgetSchema.default({ count: 0, percent: 0 }),
    /** `complete`: cutover checks accepted by name for this wave's members (as `complete --override`). */
    override: z
      .array(
        z
          .string({ error: expected('a check id such as workloads.moved') })
          .max(100)
          .regex(/^[a-zA-Z]+(\.[a-zA-Z]+)*$/, 'must be a check id such as workloads.moved'),
      )
      .max(50)
      .optional(),
  },
);
export type RolloutWave = z.infer<typeof RolloutWaveSchema>;

export const RolloutInputSchema = strictObject(
  'a rollout { name, action, waves, projectCaps?, reconcileSeconds?, continueAsNewAfterEvents?, notify? }',
  {
    name: RolloutNameSchema,
    action: z.enum(ROLLOUT_ACTIONS, { error: expected("'start', 'complete' or 'cancel'") }),
    waves: z.array(RolloutWaveSchema).min(1, 'a rollout needs at least one wave').max(100),
    /** At most this many members of a project in progress at once (Google's per-project quotas); by project id. */
    projectCaps: z.record(z.string().regex(/^[a-z][a-z0-9.:-]{0,62}$/), count('a project cap', 1, 5000)).default({}),
    /** How often members in progress are read while nothing changes (a read costs no history event). */
    reconcileSeconds: z
      .number({ error: expected('a number of seconds from 0.1 to 3600') })
      .min(0.1)
      .max(3600)
      .default(30),
    /** Continue as new past this many history events (besides the server's suggestion and between waves). */
    continueAsNewAfterEvents: count('history events', 20, 50_000).optional(),
    /** Where the rollout's notifications go (as a migration's `options.notify`). */
    notify: z.array(NotifyTargetSchema).max(10).optional(),
  },
).superRefine((rollout, ctx) => {
  const seen = new Map<string, number>();
  rollout.waves.forEach((wave, w) => {
    if (wave.canary && w > 0) {
      ctx.addIssue({ code: 'custom', path: ['waves', w, 'canary'], message: 'only the first wave may be the canary' });
    }
    if (wave.override !== undefined && rollout.action !== 'complete') {
      const message = 'overrides cutover checks, so it is only for the complete action';
      ctx.addIssue({ code: 'custom', path: ['waves', w, 'override'], message });
    }
    wave.members.forEach((member, m) => {
      const path = ['waves', w, 'members', m];
      const earlier = seen.get(member.service);
      if (earlier !== undefined) {
        const where = `wave ${earlier + 1} (${rollout.waves[earlier]!.name})`;
        ctx.addIssue({ code: 'custom', path: [...path, 'service'], message: `is already a member of ${where}` });
      }
      seen.set(member.service, w);
      if (rollout.action !== 'start') {
        if (member.request !== undefined) {
          const message = `is only for the start action (a ${rollout.action} decides on the running migration)`;
          ctx.addIssue({ code: 'custom', path: [...path, 'request'], message });
        }
        return;
      }
      if (member.request === undefined) {
        ctx.addIssue({ code: 'custom', path: [...path, 'request'], message: 'is required for the start action' });
        return;
      }
      const parsed = MigrationRequestSchema.safeParse(member.request);
      if (!parsed.success) {
        for (const issue of inputIssues(parsed.error)) {
          const field = issue.path === '(root)' ? [] : issue.path.split('.');
          ctx.addIssue({ code: 'custom', path: [...path, 'request', ...field], message: issue.message });
        }
      } else if (parsed.data.service !== member.service) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'request', 'service'],
          message: "must be the member's service",
        });
      }
    });
  });
});
export type RolloutInput = z.infer<typeof RolloutInputSchema>;
export type RolloutInputArg = z.input<typeof RolloutInputSchema>;

/** The rollout as parsed (defaults filled in), or each bad field as a `path: message` line. */
export type RolloutCheck = { rollout: RolloutInput } | { issues: string };

export function checkRolloutInput(input: unknown): RolloutCheck {
  const parsed = RolloutInputSchema.safeParse(input);
  return parsed.success ? { rollout: parsed.data } : { issues: formatIssues(parsed.error, 'rollout') };
}
