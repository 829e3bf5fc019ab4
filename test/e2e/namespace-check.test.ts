// The worker as a process against a dev server: on a namespace that does not exist, or one without the search
// attributes the workflow upserts, it refuses to start (exit 1) and prints the commands that fix it; run with the
// stock `temporal` CLI, those commands make the namespace one it starts on.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { NativeConnection } from '@temporalio/worker';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { spawnService } from '../../scripts/lib/services';
import { checkNamespace } from '../../src/runtime/search-attributes';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/messages';
import { makeCertificates, startGrpcTlsProxy, type Certificates } from '../helpers/grpc-tls-proxy';
import { waitFor } from '../helpers/migration';
import { startStack, type Stack } from '../helpers/stack';
import { requiresOwnTemporal, startDevServer, type DevServer } from '../helpers/temporal';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '..', '..');

let server: DevServer;
let stack: Stack;
let cli: string;

before(async () => {
  server = await startDevServer();
  stack = await startStack(server);
  cli = await ensureTemporalCli();
});
after(async () => {
  await Promise.allSettled([stack?.close(), server?.close()]);
});

/** A worker on `namespace` that is expected to refuse: its exit code and output. */
async function refusedWorker(namespace: string): Promise<{ code: number | null; output: string }> {
  const worker = spawnService({
    name: 'worker',
    command: process.execPath,
    args: ['--import', 'tsx', 'src/worker.ts'],
    cwd: root,
    env: { ...stack.env, TEMPORAL_NAMESPACE: namespace },
  });
  const code = await worker.exited;
  return { code, output: worker.output() };
}

/** The `temporal …` command lines of a refusal, as printed. */
const commandsIn = (output: string) =>
  output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('temporal operator '));

describe(
  'the worker checks its namespace before polling',
  // It creates namespaces, which cannot be deleted: a shared server would keep them, run after run.
  { skip: requiresOwnTemporal('it creates namespaces of its own') },
  () => {
    it('refuses a namespace that does not exist, naming the namespace create and the attribute creates', async () => {
      const namespace = `nowhere-${process.pid}`;
      const { code, output } = await refusedWorker(namespace);
      assert.equal(code, 1, output);
      assert.match(output, new RegExp(`worker failed: the namespace ${namespace} does not exist`));
      assert.doesNotMatch(output, /worker polling/);
      const commands = commandsIn(output);
      assert.equal(commands[0], `temporal operator namespace create --namespace ${namespace}`);
      assert.equal(commands.length, 1 + SEARCH_ATTRIBUTE_KEYS.length);
    });

    it('refuses a namespace without the attributes, and starts once the printed commands ran', async () => {
      const namespace = `bare-${process.pid}`;
      await execFileAsync(cli, [
        'operator',
        'namespace',
        'create',
        '--namespace',
        namespace,
        '--address',
        server.address,
      ]);
      const { code, output } = await refusedWorker(namespace);
      assert.equal(code, 1, output);
      assert.match(output, /lacks the search attribute\(s\) MetastoreService, MigrationStage, .*RolloutWave/);
      const commands = commandsIn(output);
      assert.deepEqual(
        commands.map((command) => command.split(' ').slice(0, 8).join(' ')),
        SEARCH_ATTRIBUTE_KEYS.map(
          (key) => `temporal operator search-attribute create --namespace ${namespace} --name ${key.name}`,
        ),
      );
      for (const command of commands) {
        const [, ...args] = command.split(' ');
        await execFileAsync(cli, [...args, '--address', server.address]);
      }
      // The server serves a new attribute once its namespace cache refreshed: wait for the check to pass.
      const connection = await NativeConnection.connect({ address: server.address });
      try {
        await waitFor(
          'the namespace ready',
          async () => (await checkNamespace(connection, namespace)).kind === 'ready',
        );
      } finally {
        await connection.close();
      }
      const worker = await stack.startWorker({ TEMPORAL_NAMESPACE: namespace });
      assert.match(worker.output(), new RegExp(`worker polling .*\\(namespace ${namespace}\\)`));
    });

    it('warns and starts when its credentials may not list the attributes (a Temporal Cloud API key may not)', async () => {
      let certs: Certificates | undefined;
      const proxy = await startGrpcTlsProxy({
        upstream: server.address,
        certificates: (certs = makeCertificates()),
        denied: ['/temporal.api.operatorservice.v1.OperatorService/ListSearchAttributes'],
      });
      try {
        // A namespace lacking every attribute: the denied call, not the namespace, is what lets the worker start.
        const namespace = `unlisted-${process.pid}`;
        await execFileAsync(cli, [
          'operator',
          'namespace',
          'create',
          '--namespace',
          namespace,
          '--address',
          server.address,
        ]);
        const worker = await stack.startWorker({
          TEMPORAL_ADDRESS: proxy.address,
          TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caPath,
          TEMPORAL_NAMESPACE: namespace,
        });
        assert.match(
          worker.output(),
          /WARNING: could not check namespace unlisted-\d+'s search attributes \(.*(?:PERMISSION_DENIED|unauthorized)/i,
        );
        assert.match(worker.output(), /worker polling/);
        await worker.stop();
      } finally {
        await proxy.close();
        certs.remove();
      }
    });

    it('starts on the namespace the dev server set up with every attribute', async () => {
      const worker = await stack.startWorker();
      assert.match(worker.output(), /worker polling .*\(namespace default\)/);
      assert.doesNotMatch(worker.output(), /could not check/);
    });
  },
);
