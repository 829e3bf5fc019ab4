// One verification, as the workflow's activity does it, for bench-verify.ts: VERIFY_SOURCE (connection JSON) and
// VERIFY_ENDPOINT (thrift://…) in, one JSON line out with the times and this process's peak RSS.
import { readMetastoreInventory } from '../../src/hive/read-inventory';
import { reconcile } from '../../src/hive/reconcile';
import { verificationSummary } from '../../src/migration/verification';
import { readSourceInventory } from '../../src/source/inventory';

async function main(): Promise<void> {
  const source = JSON.parse(process.env.VERIFY_SOURCE ?? '{}');
  const endpoint = process.env.VERIFY_ENDPOINT ?? '';
  const began = Date.now();
  const [sourceInventory, sourceMs] = await timed(() => readSourceInventory(source));
  const [dpmsInventory, dpmsMs] = await timed(() => readMetastoreInventory(endpoint));
  const [report, compareMs] = await timed(async () => reconcile(sourceInventory, dpmsInventory));
  const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const ms = { source: sourceMs, dpms: dpmsMs, compare: compareMs, total: Date.now() - began };
  process.stdout.write(`${JSON.stringify({ ms, maxRssMiB, ok: report.ok, summary: verificationSummary(report) })}\n`);
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const began = Date.now();
  const value = await work();
  return [value, Date.now() - began];
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
