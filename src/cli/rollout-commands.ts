// `rollout lint` (offline) and `rollout plan` (offline, then read-only against Temporal and the Metastore API).
// Exit codes: 2 when the manifest has errors (as a usage error: the input is wrong), 1 when plan's reads find a
// conflict (a service already migrating), 0 otherwise — warnings are printed and do not fail.
import { readFile } from 'node:fs/promises';
import type { Config } from '../config';
import { checkManifestText } from '../rollout/manifest';
import { UsageError } from './errors';
import { required } from './args';
import type { Options } from './args';
import { formatOnline, formatProblemsSection, formatRollout } from './rollout-format';
import { type OnlineReads, onlineChecks } from './rollout-online';

// commands.ts's Printer, restated: importing it from there would close an import circle (commands.ts imports this).
type Printer = (value: unknown, text: string) => void;

export async function readManifest(options: Options): Promise<{ path: string; text: string }> {
  const path = required(options, 'manifest');
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (err) {
    throw new UsageError(`--manifest ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** The waves as JSON: members by service (their requests stay in the manifest; plan shows what decides). */
function wavesJson(check: ReturnType<typeof checkManifestText>) {
  return check.rollout?.waves.map((wave) => ({ ...wave, members: wave.members.map((member) => member.service) }));
}

export async function rolloutLint(config: Config, options: Options, print: Printer): Promise<number> {
  const { path, text } = await readManifest(options);
  const check = checkManifestText(text, config.metastore.apiVersion);
  const summary = check.rollout ? `${formatRollout(check.rollout)}\n` : '';
  print(
    { manifest: path, ok: check.ok, problems: check.problems, waves: wavesJson(check) },
    `${path}: ${check.ok ? 'valid' : 'invalid'}\n${summary}${formatProblemsSection(check.problems)}`,
  );
  return check.ok ? 0 : 2;
}

export async function rolloutPlan(
  config: Config,
  options: Options,
  print: Printer,
  connect: () => Promise<OnlineReads>,
): Promise<number> {
  const { path, text } = await readManifest(options);
  const check = checkManifestText(text, config.metastore.apiVersion);
  // A manifest that did not resolve has no members to read about; one with errors still does, and plan shows all.
  const online = check.rollout ? await onlineChecks(check.rollout, await connect()) : undefined;
  const problems = [...check.problems, ...(online?.problems ?? [])];
  const report = [
    `${path}: ${check.ok ? 'valid' : 'invalid'}`,
    ...(check.rollout ? [formatRollout(check.rollout)] : []),
    ...(online ? [formatOnline(online)] : []),
    formatProblemsSection(problems),
  ].join('\n');
  print(
    {
      manifest: path,
      ok: problems.every((problem) => problem.severity !== 'error'),
      waves: wavesJson(check),
      unplaced: check.rollout?.unplaced,
      online: online && { ...online, problems: undefined },
      problems,
    },
    report,
  );
  if (!check.ok) return 2;
  return online?.problems.some((problem) => problem.severity === 'error') ? 1 : 0;
}
