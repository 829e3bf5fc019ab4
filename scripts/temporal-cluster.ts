// npm run temporal:cluster [-- --namespace NS --history-hosts 2 --dir D --base-port P] — a Temporal cluster on
// PostgreSQL (see scripts/lib/temporal-cluster.ts), up until Ctrl-C or SIGTERM, then everything stopped by pid.
import { parseArgs } from 'node:util';
import { startTemporalCluster } from './lib/temporal-cluster';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      namespace: { type: 'string', default: 'default' },
      'history-hosts': { type: 'string', default: '1' },
      dir: { type: 'string' },
      'base-port': { type: 'string' },
    },
  });
  const hosts = Number(values['history-hosts']);
  if (hosts !== 1 && hosts !== 2) throw new Error(`--history-hosts: 1 or 2, not ${values['history-hosts']}`);
  const basePort = values['base-port'] === undefined ? undefined : Number(values['base-port']);
  if (basePort !== undefined && !(Number.isInteger(basePort) && basePort > 1024 && basePort < 32_700))
    throw new Error(`--base-port: an integer in 1025–32699 (the cluster's ports must stay ≤ 32767)`);
  const log = (line: string) => console.error(line);
  const cluster = await startTemporalCluster({
    namespace: values.namespace,
    historyHosts: hosts,
    dir: values.dir,
    basePort,
    log,
  });
  const env = `TEMPORAL_ADDRESS=${cluster.address} TEMPORAL_NAMESPACE=${cluster.namespace}`;
  console.log(
    [
      `Temporal cluster at ${cluster.address}, namespace ${cluster.namespace} (config, data and logs in ${cluster.dir})`,
      ...cluster.processes.map((p) => `  ${p.name.padEnd(9)} pid ${p.pid}`),
      'Point the worker and the CLI at it:',
      `  ${env} npm run worker`,
      `  ${env} npm run cli -- status --all`,
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      // The reaper's own listener would SIGKILL every server at once; here the first signal stops them gracefully
      // (a second one ends this process, and the reaper's exit hook still kills what is left). Ours goes on
      // before the others come off, so the signal is never without a listener (and so fatal) in between.
      const stop = () => resolve();
      process.once(signal, stop);
      for (const listener of process.listeners(signal)) if (listener !== stop) process.off(signal, listener);
    }
  });
  log('temporal-cluster: stopping');
  await cluster.stop();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
