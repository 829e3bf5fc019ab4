// npm run temporal:server:provision — makes sure Temporal Server and its SQL tool are in the cache (instant when
// they already are), so that CI pays the build in a step of its own rather than inside a test's time-out.
import { ensureTemporalServer } from './lib/temporal-server';

async function main(): Promise<void> {
  const started = Date.now();
  const binaries = await ensureTemporalServer();
  console.log(
    `${binaries.server}\n${binaries.sqlTool}\nprovisioned in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
