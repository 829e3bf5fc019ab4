// The rollout workflow's input: a resolved rollout — for `start`, the migration request template once; its waves in
// order, each with its members (and each member's overrides of the template, a merge patch), effective parallelism
// and per-project caps, soak, gate and failure budget. The manifest (src/rollout/) resolves to this
// (src/rollout/to-rollout-input.ts) in the manifest's own words (gate.advance, gate.health, failureBudget,
// perProject); the stock Temporal CLI may send it too, so the workflow has it checked (checkRolloutInput activity)
// before anything happens and refuses it naming each bad field's path. The template is sent once, not per member:
// 2,000 members' full requests (≈1 KB each) would reach Temporal's 2 MB payload limit, in the input and again on
// every continue-as-new. Each member's request is merged and checked where it is started (driveRolloutMembers):
// a member whose request is invalid fails, with the field's path, and the rest of the rollout goes on.
import { z } from 'zod';
import { STAGES } from '../migration/state';
import type { Stage } from '../migration/state';
import { expected, strictObject } from './field-rules';
import { NotifyTargetSchema, formatIssues } from './request';
import { ServiceNameSchema } from './resource-name-schemas';

/** What a rollout drives each member to: started and REPLICATION, cut over (completeMigration), or cancelled. */
export const ROLLOUT_ACTIONS = ['start', 'complete', 'cancel'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** A name that is part of the workflow id `rollout/<name>` and of every member's audit line. */
export const RolloutNameSchema = z
  .string({ error: expected('a rollout name: lower-case letters, digits and -, at most 63') })
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and -, at most 63');

const count = (what: string, min: number, max: number) =>
  z
    .number({ error: expected(`${what}: a whole number from ${min} to ${max}`) })
    .int()
    .min(min)
    .max(max);

/** A mapping whose content the migration request's schema checks (per member, the template merged in). */
const ConfigMapping = z.record(z.string(), z.unknown(), { error: expected('a mapping') });

/**
 * The migration request every member of a `start` begins from: its kind and that kind's migrationExecution body (as
 * a config file holds it), and the request's options. The manifest's `template`, as written.
 */
export const RolloutTemplateSchema = strictObject('a template { kind, migrationExecution, options? }', {
  kind: z.enum(['incoming', 'outgoing'], { error: expected('incoming or outgoing') }),
  migrationExecution: ConfigMapping,
  options: ConfigMapping.optional(),
});
export type RolloutTemplate = z.infer<typeof RolloutTemplateSchema>;

/** A member's own values over the template (RFC 7386 merge patch: mappings merge, null removes). */
export const MemberConfigSchema = strictObject(
  'a config { migrationExecution?, options? } overriding the template',
  { migrationExecution: ConfigMapping.optional(), options: ConfigMapping.optional() },
  { service: 'belongs to the member, beside config', kind: 'is the template’s, for every member' },
);
export type MemberConfig = z.infer<typeof MemberConfigSchema>;

export const RolloutMemberSchema = strictObject('a member { service, config? }', {
  service: ServiceNameSchema,
  /** For `start`: the member's overrides of the template; merged and checked when the member is started. */
  config: MemberConfigSchema.optional(),
});
export type RolloutMember = z.infer<typeof RolloutMemberSchema>;

/**
 * The stage each action holds its members to, and the only one a wave's `gate.health.stage` may name: what the
 * workflow waits for before a wave's gates, and what the health gate reads again (members still there).
 */
export const ROLLOUT_TARGET_STAGE = {
  start: 'REPLICATION',
  complete: 'DONE',
  cancel: 'DONE',
} as const satisfies Record<RolloutAction, Stage>;

/** What must hold of a wave's members, once all have settled, before its approval (or the next wave). */
export const HealthGateSchema = strictObject('health criteria { stage?, sourceHealthNotError?, verificationClean? }', {
  /** The stage every member must still be at: only the action's target (ROLLOUT_TARGET_STAGE) is accepted. */
  stage: z.enum(STAGES, { error: expected(`a stage: ${STAGES.join(', ')}`) }).optional(),
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

const HEALTH_DEFAULT = { sourceHealthNotError: true, verificationClean: true };

/** The manifest's gate: `approval` waits for an `approve` update; `auto` advances once the soak and health pass. */
export const WaveGateSchema = strictObject('a gate { advance, health? }', {
  advance: z.enum(['approval', 'auto'], { error: expected('approval or auto') }).default('approval'),
  health: HealthGateSchema.default(HEALTH_DEFAULT),
});

export const RolloutWaveSchema = strictObject(
  'a wave { name, canary?, members, maxParallel, perProject?, soakSeconds?, gate?, failureBudget?, override? }',
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
    /** At most this many of a project's members of this wave at once (Google's per-project quotas), by project id:
     * the manifest's policies.perProject.maxParallel and the wave's own cap, the stricter. */
    perProject: z.record(z.string().regex(/^[a-z][a-z0-9.:-]{0,62}$/), count('a project cap', 1, 5000)).default({}),
    /** How long the wave's members must stay healthy after all have settled, before the health gate. */
    soakSeconds: z
      .number({ error: expected('a number of seconds from 0 to 2592000') })
      .min(0)
      .max(2_592_000)
      .default(0),
    gate: WaveGateSchema.default({ advance: 'approval', health: HEALTH_DEFAULT }),
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

/**
 * What the rollout carries across continue-as-new — its input and every member's state, one payload — must stay
 * under Temporal's 2 MiB payload limit (`limit.blobSize.error`), or the rollout could not go on. 1.5 MiB leaves room
 * for the audit trail and each member's last observation. About 5,000 members of ~60-character names fit.
 */
export const ROLLOUT_CARRIED_BYTES_LIMIT = 1_572_864;
/** Per member, besides its name (in the input and as the state's key): its phase, reason and last observation. */
const MEMBER_STATE_BYTES = 200;

/** An estimate of the bytes a rollout carries (JSON): the template, and per member its name twice, config and state. */
export function carriedBytes(template: unknown, members: readonly { service: string; config?: unknown }[]): number {
  let bytes = JSON.stringify(template ?? null).length;
  for (const member of members) {
    const config = member.config === undefined ? 0 : JSON.stringify(member.config).length;
    bytes += 2 * member.service.length + config + MEMBER_STATE_BYTES;
  }
  return bytes;
}

/** Why a rollout of that many bytes is refused: the size, the limit and what to do. */
export function tooLargeMessage(bytes: number, members: number): string {
  const kib = (n: number) => `${Math.round(n / 1024).toLocaleString('en-US')} KiB`;
  return (
    `${members.toLocaleString('en-US')} members would carry about ${kib(bytes)} across continue-as-new (the input ` +
    `and each member's state, one payload), above ${kib(ROLLOUT_CARRIED_BYTES_LIMIT)}: Temporal refuses a payload ` +
    'over 2 MiB, so the rollout could not go on. Split the migrations into several rollouts (by region, team or wave)'
  );
}

export const RolloutInputSchema = strictObject(
  'a rollout { name, action, template?, waves, reconcileSeconds?, continueAsNewAfterEvents?, notify? }',
  {
    name: RolloutNameSchema,
    action: z.enum(ROLLOUT_ACTIONS, { error: expected("'start', 'complete' or 'cancel'") }),
    /** For `start`: the request every member begins from (its own config merged over it). */
    template: RolloutTemplateSchema.optional(),
    waves: z.array(RolloutWaveSchema).min(1, 'a rollout needs at least one wave').max(100),
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
  if (rollout.action === 'start' && rollout.template === undefined) {
    ctx.addIssue({ code: 'custom', path: ['template'], message: 'is required for the start action' });
  }
  if (rollout.action !== 'start' && rollout.template !== undefined) {
    const message = `is only for the start action (a ${rollout.action} decides on the running migration)`;
    ctx.addIssue({ code: 'custom', path: ['template'], message });
  }
  const everyMember = rollout.waves.flatMap((wave) => wave.members);
  const bytes = carriedBytes(rollout.template, everyMember);
  if (bytes > ROLLOUT_CARRIED_BYTES_LIMIT) {
    ctx.addIssue({ code: 'custom', path: ['waves'], message: tooLargeMessage(bytes, everyMember.length) });
  }
  const seen = new Map<string, number>();
  rollout.waves.forEach((wave, w) => {
    if (wave.canary && w > 0) {
      ctx.addIssue({ code: 'custom', path: ['waves', w, 'canary'], message: 'only the first wave may be the canary' });
    }
    // Any other stage would be ignored (the workflow holds members to its action's target): refused, not dropped.
    const stage = wave.gate.health.stage;
    const target = ROLLOUT_TARGET_STAGE[rollout.action];
    if (stage !== undefined && stage !== target) {
      const message = `is ${stage}, but a ${rollout.action} rollout holds its members to ${target}, the only stage it accepts`;
      ctx.addIssue({ code: 'custom', path: ['waves', w, 'gate', 'health', 'stage'], message });
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
      if (member.config !== undefined && rollout.action !== 'start') {
        const message = `is only for the start action (a ${rollout.action} decides on the running migration)`;
        ctx.addIssue({ code: 'custom', path: [...path, 'config'], message });
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
