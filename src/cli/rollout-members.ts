// Which members a bulk decision (`rollout complete|cancel`) asks: a wave of the manifest, the manifest's migrations a
// label selector matches, or services by name (of the manifest, or without one, any). Offline: the manifest is read
// as lint reads it; a selection that names nothing, or something the manifest does not have, is a usage error.
import type { Config } from '../config';
import { checkManifestText } from '../rollout/manifest';
import { matchesSelector } from '../rollout/selectors';
import { ServiceNameSchema } from '../schemas';
import type { Options } from './args';
import { UsageError } from './errors';
import { readManifest } from './rollout-commands';
import { formatProblemsSection } from './rollout-format';

export interface BulkSelection {
  /** The middle of the workflow id bulk/LABEL/ID: the rollout's name, or `services` for a list without a manifest. */
  label: string;
  /** How the members were chosen, said before the question and in the report. */
  chosenBy: string;
  services: string[];
  /** The manifest's API budget per project, when there is one. */
  apiBudgetPerProject?: number;
  /** complete: each chosen member's wave's `override` in the manifest, by service (members without one: absent). */
  waveOverrides?: Record<string, string[]>;
}

const SELECTORS = ['wave', 'selector', 'services'] as const;

export async function bulkSelection(config: Config, options: Options): Promise<BulkSelection> {
  const given = SELECTORS.filter((name) => typeof options.values[name] === 'string');
  const one = 'one of --wave NAME, --selector K=V,… or --services LIST';
  if (typeof options.values.manifest !== 'string') {
    if (given.some((name) => name !== 'services'))
      throw new UsageError(`--${given[0]} needs --manifest FILE (or name the services with --services LIST alone)`);
    if (given.length === 0) throw new UsageError('which members: --services LIST, or --manifest FILE with ' + one);
    return { label: 'services', chosenBy: 'by name', services: listOf(options) };
  }
  if (given.length !== 1) throw new UsageError(`with --manifest: ${one}${given.length > 1 ? ', not several' : ''}`);
  const { path, text } = await readManifest(options);
  const check = checkManifestText(text, config.metastore.apiVersion);
  // Member requests with errors do not matter to a decision about running migrations; the waves must resolve.
  if (!check.rollout || !check.manifest)
    throw new UsageError(`${path}: invalid\n${formatProblemsSection(check.problems)}`);
  const { rollout, manifest } = check;
  // As the rollout's own complete: each member's wave's cutover overrides (a member in no wave has none).
  const waveOverrides: Record<string, string[]> = {};
  rollout.waves.forEach((wave, w) => {
    const override = manifest.waves[w]?.override;
    if (override === undefined || override.length === 0) return;
    for (const member of wave.members) waveOverrides[member.service] ??= override;
  });
  const base = { label: rollout.name, apiBudgetPerProject: rollout.policies.apiBudgetPerProject };
  const chosen = (services: string[]) => {
    const own = Object.fromEntries(services.flatMap((s) => (waveOverrides[s] ? [[s, waveOverrides[s]]] : [])));
    return { services, ...(Object.keys(own).length > 0 && { waveOverrides: own }) };
  };
  const [how] = given;
  if (how === 'wave') {
    const name = options.values.wave as string;
    // By name, or by number as `rollout status` shows it; a wave named with digits only is found by its name first.
    const wave =
      rollout.waves.find((w) => w.name === name) ??
      (/^[1-9][0-9]*$/.test(name) ? rollout.waves.find((w) => w.number === Number(name)) : undefined);
    if (!wave)
      throw new UsageError(
        `--wave ${name}: no such wave in ${path}; its waves: ${rollout.waves.map((w) => w.name).join(', ')}`,
      );
    return { ...base, chosenBy: `wave ${wave.number} ${wave.name}`, ...chosen(wave.members.map((m) => m.service)) };
  }
  if (how === 'selector') {
    const matchLabels = selectorOf(options.values.selector as string);
    const services = manifest.migrations
      .filter((migration) => matchesSelector(migration.labels ?? {}, { matchLabels }))
      .map((migration) => migration.service);
    if (services.length === 0)
      throw new UsageError(`--selector ${options.values.selector as string}: matches no migration of ${path}`);
    return { ...base, chosenBy: `selector ${options.values.selector as string}`, ...chosen(services) };
  }
  const listed = listOf(options);
  const known = new Set(manifest.migrations.map((migration) => migration.service));
  const strangers = listed.filter((service) => !known.has(service));
  if (strangers.length > 0) throw new UsageError(`--services: not migrations of ${path}: ${strangers.join(', ')}`);
  return { ...base, chosenBy: 'by name', ...chosen(listed) };
}

function listOf(options: Options): string[] {
  const services = (options.values.services as string).split(',').map((service) => service.trim());
  if (services.some((service) => service === '')) throw new UsageError('--services: an empty name in the list');
  for (const service of services) {
    const parsed = ServiceNameSchema.safeParse(service);
    if (!parsed.success)
      throw new UsageError(`--services: ${service}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return services;
}

/** `env=prod,tier=gold` as matchLabels; anything else is a usage error naming the bad part. */
export function selectorOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*([^=\s]*)\s*$/.exec(part);
    if (!match) throw new UsageError(`--selector: "${part}" is not key=value (env=prod,tier=gold)`);
    const [, key = '', value = ''] = match;
    if (key in labels) throw new UsageError(`--selector: ${key} is given twice`);
    labels[key] = value;
  }
  return labels;
}
