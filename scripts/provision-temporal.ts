// npm run temporal:provision — makes sure the pinned Temporal CLI is in the cache (instant when it already is).
import { execFileSync } from 'node:child_process';
import { ensureTemporalCli } from './temporal-cli';

async function main(): Promise<void> {
  const started = Date.now();
  const path = await ensureTemporalCli();
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`${path}\n${version}\nprovisioned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
