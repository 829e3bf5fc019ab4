// The demo, tests and benchmarks talk to a dev server they started, never to whatever Temporal the engineer's own
// configuration names: their children get a TOML profile of their own (as envconfig reads it) and none of the
// caller's TEMPORAL_* variables, so a TEMPORAL_API_KEY or a TLS default profile in ~/.config cannot leak in.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit } from './reaper';

export const LOCAL_PROFILE = 'local-dev-server';

/**
 * `env` without TEMPORAL_* and with TEMPORAL_CONFIG_FILE/TEMPORAL_PROFILE naming a profile for `address` and
 * `namespace` (an existing server's may be another than the dev server's `default`).
 */
export function localTemporalEnv(
  address: string,
  env: NodeJS.ProcessEnv = process.env,
  namespace = 'default',
): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'metastore-migrator-temporal-'));
  removeOnExit(dir);
  const file = join(dir, 'temporal.toml');
  writeFileSync(file, `[profile.${LOCAL_PROFILE}]\naddress = "${address}"\nnamespace = "${namespace}"\n`);
  const own = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('TEMPORAL_')));
  return { ...own, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: LOCAL_PROFILE };
}
