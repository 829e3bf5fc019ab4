// The rollout manifest as an engineer writes it (YAML): a header, a shared migration request template, the
// migrations (services with labels and their own overrides), the waves in order and the rollout's policies. This
// schema checks the manifest's own shape; each member's request is checked by the request schemas themselves
// (./member-request.ts), so a rule of the migration request is never written twice.
import { z } from 'zod';
import { CutoverOverrideSchema } from '../schemas/cutover-override';
import { STAGES } from '../migration/state';
import { NotifyTargetSchema, ServiceNameSchema, expected, strictObject } from '../schemas';
import { RolloutTemplateSchema } from '../schemas/rollout';
import type { RolloutTemplate } from '../schemas/rollout';
import { parseDuration } from './duration';

export const ROLLOUT_API_VERSION = 'metastore-migrator/v1alpha1';
export const ROLLOUT_KIND = 'Rollout';

/**
 * The rollout's workflow id will be `rollout/NAME`: Temporal takes ids of up to 255 characters, so 63 (a DNS
 * label, as Google's own resource ids) leaves room for any prefix; lower case so that two spellings are not two
 * rollouts.
 */
export const ROLLOUT_NAME = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
export const MAX_ROLLOUT_NAME = 63;

/** Google's Metastore API quota per project (requests per second), and its part per calling identity. */
export const GOOGLE_PROJECT_QPS = 20;
export const GOOGLE_IDENTITY_QPS = 5;

const RolloutNameSchema = z
  .string({ error: expected('a rollout name: 1-63 of a-z, 0-9 and -, starting with a letter') })
  .max(MAX_ROLLOUT_NAME, `must be at most ${MAX_ROLLOUT_NAME} characters (it becomes part of a workflow id)`)
  .regex(ROLLOUT_NAME, 'must be 1-63 of a-z, 0-9 and -, start with a letter and not end with -');

// Labels as Kubernetes writes them: engineers select by them the way they select pods or Argo CD apps.
const LABEL_KEY = /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;
const LabelKeySchema = z.string().regex(LABEL_KEY, 'must be a label key: [prefix/]name, 1-63 of letters, digits, -_.');
const LabelValueSchema = z
  .string({ error: expected('a label value (a string; quote numbers and true/false in YAML)') })
  .regex(LABEL_VALUE, 'must be a label value: at most 63 of letters, digits, -_., starting and ending alphanumeric');
const LabelsSchema = z.record(LabelKeySchema, LabelValueSchema, { error: expected('a mapping of label: value') });
export type Labels = z.infer<typeof LabelsSchema>;

/** A mapping whose content the request schemas check (per member, with the template merged in). */
const ConfigMapping = z.record(z.string(), z.unknown(), { error: expected('a mapping') });

/**
 * The migration request every member starts from: its kind and that kind's migrationExecution body (as a config
 * file holds it), and the request's options. A member's `config` overrides it field by field. The rollout
 * workflow's input carries it as written (src/schemas/rollout.ts), so it is defined there, once.
 */
const TemplateSchema = RolloutTemplateSchema;
export type { RolloutTemplate };

const MemberConfigSchema = strictObject(
  'a config { migrationExecution?, options? } overriding the template',
  { migrationExecution: ConfigMapping.optional(), options: ConfigMapping.optional() },
  { service: 'belongs to the migration entry, beside config', kind: 'is the template’s, for every member' },
);

const MigrationEntrySchema = strictObject('a migration { service, labels?, config? }', {
  service: ServiceNameSchema,
  labels: LabelsSchema.default({}),
  config: MemberConfigSchema.optional(),
});
export type MigrationEntry = z.infer<typeof MigrationEntrySchema>;

export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists'] as const;

const MatchExpressionSchema = strictObject('a match expression { key, operator, values? }', {
  key: LabelKeySchema,
  operator: z.enum(SELECTOR_OPERATORS, { error: expected(`one of ${SELECTOR_OPERATORS.join(', ')}`) }),
  values: z.array(LabelValueSchema).optional(),
}).superRefine((expression, ctx) => {
  const needsValues = expression.operator !== 'Exists';
  const count = expression.values?.length ?? 0;
  if (needsValues && count === 0)
    ctx.addIssue({ code: 'custom', path: ['values'], message: `${expression.operator} needs at least one value` });
  if (!needsValues && expression.values !== undefined)
    ctx.addIssue({ code: 'custom', path: ['values'], message: 'Exists takes no values' });
});

/** The label selector of Kubernetes and Argo CD: every matchLabels pair and every expression must hold. */
const SelectorSchema = strictObject('a selector { matchLabels?, matchExpressions? }', {
  matchLabels: LabelsSchema.optional(),
  matchExpressions: z.array(MatchExpressionSchema).optional(),
});
export type LabelSelector = z.infer<typeof SelectorSchema>;

const MembersSchema = strictObject('members { services } or { selector }', {
  services: z.array(ServiceNameSchema, { error: expected('a list of service resource names') }).optional(),
  selector: SelectorSchema.optional(),
}).superRefine((members, ctx) => {
  if ((members.services === undefined) === (members.selector === undefined))
    ctx.addIssue({ code: 'custom', message: 'must give exactly one of services (a list) or selector' });
});

const wholeCount = (what: string) => z.number({ error: expected(what) }).int();
const percent = z
  .number({ error: expected('a percentage from 0 to 100') })
  .min(0)
  .max(100);

/** At most this many at once: the count, the percentage of the members it applies to, or both (the stricter). */
const CapSchema = strictObject('a cap { count?, percent? }', {
  count: wholeCount('a whole number of at least 1').min(1).optional(),
  percent: percent.gt(0, 'must be more than 0 (0 would let nobody run)').optional(),
}).refine((cap) => cap.count !== undefined || cap.percent !== undefined, 'must give count, percent or both');
export type Cap = z.infer<typeof CapSchema>;

/** Failures a wave tolerates before the rollout pauses: the larger of the count and the percentage (as Google's ALM). */
const FailureBudgetSchema = strictObject('a failure budget { count?, percent? }', {
  count: wholeCount('a whole number of failures, 0 or more').min(0).optional(),
  percent: percent.optional(),
}).refine((budget) => budget.count !== undefined || budget.percent !== undefined, 'must give count, percent or both');
export type FailureBudget = z.infer<typeof FailureBudgetSchema>;

const DurationSchema = z
  .string({ error: expected('a duration such as 30m, 24h or 2d') })
  .refine(
    (value) => parseDuration(value) !== undefined,
    'must be a duration such as 30m, 24h, 1h30m or 2d (at most 90d)',
  );

/** What must hold of a wave's members before the next wave may begin. */
const HealthSchema = strictObject('health criteria { stage?, verificationClean?, sourceHealthNotError? }', {
  /** Every member has reached this stage (default: the one the rollout's action aims at). */
  stage: z.enum(STAGES, { error: expected(`a stage: ${STAGES.join(', ')}`) }).optional(),
  verificationClean: z.boolean({ error: expected('true or false') }).default(true),
  sourceHealthNotError: z.boolean({ error: expected('true or false') }).default(true),
});

const GateSchema = strictObject('a gate { advance, health? }', {
  /** approval: a person approves the next wave; auto: it begins once the soak is over and health holds. */
  advance: z.enum(['approval', 'auto'], { error: expected('approval or auto') }),
  health: HealthSchema.default(HealthSchema.parse({})),
});
export type WaveGate = z.infer<typeof GateSchema>;

const WaveSchema = strictObject(
  'a wave { name, members, canary?, maxParallel?, soak?, gate?, failureBudget?, override? }',
  {
    name: z
      .string({ error: expected('a wave name') })
      .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be 1-40 of a-z, 0-9 and -, starting with a letter'),
    members: MembersSchema,
    canary: z.boolean({ error: expected('true or false') }).default(false),
    maxParallel: CapSchema.optional(),
    soak: DurationSchema.optional(),
    gate: GateSchema.default({ advance: 'approval', health: HealthSchema.parse({}) }),
    failureBudget: FailureBudgetSchema.default({ count: 0 }),
    /** complete: cutover checks this wave's members accept by name (their gates run them all the same). */
    override: CutoverOverrideSchema.optional(),
  },
);
export type WaveSpec = z.infer<typeof WaveSchema>;

const PoliciesSchema = strictObject('policies { perProject?, apiBudgetPerProject?, notify?, reconcileInterval? }', {
  perProject: strictObject('perProject { maxParallel }', { maxParallel: CapSchema }).optional(),
  /** Metastore API requests per second per project for the rollout's calls (Google allows 20, 5 per identity). */
  apiBudgetPerProject: z
    .number({ error: expected(`requests per second, more than 0 and at most ${GOOGLE_PROJECT_QPS}`) })
    .gt(0)
    .max(GOOGLE_PROJECT_QPS, `must be at most ${GOOGLE_PROJECT_QPS}: Google's Metastore API quota per project`)
    .default(3),
  /** Where the rollout's own notifications go (approval waiting, paused, wave done, finished): as options.notify. */
  notify: z
    .array(NotifyTargetSchema, { error: expected('a list of notification targets') })
    .max(10)
    .optional(),
  /** How often the rollout reads its members in progress while nothing changes (default 30s; a read costs no
   * history). */
  reconcileInterval: DurationSchema.refine(
    (value) => (parseDuration(value) ?? 0) >= 1 && (parseDuration(value) ?? 0) <= 3600,
    'must be from 1s to 1h',
  ).optional(),
});
export type RolloutPolicies = z.infer<typeof PoliciesSchema>;

export const RolloutManifestSchema = strictObject(
  'a rollout manifest { apiVersion, kind, metadata, template, migrations, waves, policies? }',
  {
    apiVersion: z.literal(ROLLOUT_API_VERSION, { error: expected(ROLLOUT_API_VERSION) }),
    kind: z.literal(ROLLOUT_KIND, { error: expected(ROLLOUT_KIND) }),
    metadata: strictObject('metadata { name, description? }', {
      name: RolloutNameSchema,
      description: z
        .string({ error: expected('a string') })
        .max(2000)
        .optional(),
    }),
    template: TemplateSchema,
    migrations: z
      .array(MigrationEntrySchema, { error: expected('a list of migrations') })
      .min(1, 'must list at least one migration'),
    waves: z.array(WaveSchema, { error: expected('a list of waves, in order') }).min(1, 'must list at least one wave'),
    policies: PoliciesSchema.default(PoliciesSchema.parse({})),
  },
);
export type RolloutManifest = z.infer<typeof RolloutManifestSchema>;
