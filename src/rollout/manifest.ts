// A manifest file's text → the checked, resolved rollout and every problem with its field path. `rollout lint`
// is this alone; `rollout plan` adds the online reads.
import { parse as parseYaml } from 'yaml';
import { inputIssues } from '../schemas';
import type { ApiVersion } from '../schemas';
import { RolloutManifestSchema } from './manifest-schema';
import type { RolloutManifest } from './manifest-schema';
import { type RolloutProblem, error } from './problems';
import { type ResolvedRollout, resolveManifest } from './resolve';

export interface ManifestCheck {
  /** Present once the manifest's shape is valid (the rollout may still have errors: see problems). */
  manifest?: RolloutManifest;
  rollout?: ResolvedRollout;
  problems: RolloutProblem[];
  /** No error (warnings allowed). */
  ok: boolean;
}

/** `apiVersion`: the Metastore API version the worker calls (the outgoing kind's INCREMENTAL_SYNC needs v1beta+). */
export function checkManifestText(text: string, apiVersion: ApiVersion): ManifestCheck {
  let raw: unknown;
  try {
    // uniqueKeys (the default): a key written twice is an error, not the last one silently winning.
    raw = parseYaml(text);
  } catch (err) {
    // The first line says what and where; the lines after it quote the file.
    const reason = ((err as Error).message.split('\n')[0] ?? '').replace(/:$/, '');
    return done([error('invalid-field', '(root)', `not valid YAML: ${reason}`)]);
  }
  if (raw === null || raw === undefined)
    return done([error('invalid-field', '(root)', 'the file is empty; expected a rollout manifest')]);
  const parsed = RolloutManifestSchema.safeParse(raw);
  if (!parsed.success)
    return done(inputIssues(parsed.error).map((issue) => error('invalid-field', issue.path, issue.message)));
  const { rollout, problems } = resolveManifest(parsed.data, apiVersion);
  return { ...done(problems), manifest: parsed.data, rollout };
}

function done(problems: RolloutProblem[]): ManifestCheck {
  return { problems, ok: problems.every((problem) => problem.severity !== 'error') };
}
