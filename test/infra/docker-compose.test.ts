// The compose stack creates its namespace and registers its search attributes in a shell step (temporal-setup); the
// dev server gets them from scripts/temporal-cli.ts. Both must hold SEARCH_ATTRIBUTE_KEYS or the workflow's upserts
// fail on one of them. No Docker engine runs here: the setup step's script runs as is against a dev server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { NativeConnection } from '@temporalio/worker';
import { parse } from 'yaml';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { checkNamespace } from '../../src/runtime/search-attributes';
import { SEARCH_ATTRIBUTE_KEYS, SEARCH_ATTRIBUTE_TYPE_NAMES } from '../../src/workflows/messages';
import { requiresOwnTemporal, startDevServer, type DevServer } from '../helpers/temporal';

interface ComposeService {
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  secrets?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
}

const root = join(__dirname, '..', '..');
const compose = (): ComposeFile =>
  parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;

describe('docker-compose.yml', () => {
  it('registers exactly the search attributes the workflow upserts, with their types', () => {
    const registered = compose().services['temporal-setup']?.environment?.SEARCH_ATTRIBUTES ?? '';
    assert.deepEqual(
      registered.split(/\s+/).filter(Boolean),
      SEARCH_ATTRIBUTE_KEYS.map((key) => `${key.name}=${SEARCH_ATTRIBUTE_TYPE_NAMES[key.type]}`),
    );
  });

  it("sets up the workers' namespace, not only auto-setup's default", () => {
    const { services } = compose();
    const setup = services['temporal-setup'];
    assert.equal(setup?.environment?.TEMPORAL_NAMESPACE, services['worker-1']?.environment?.TEMPORAL_NAMESPACE);
    const script = setup?.command?.join('\n') ?? '';
    assert.match(script, /namespace create --namespace "\$\$TEMPORAL_NAMESPACE"/);
    assert.match(script, /search-attribute create --namespace "\$\$TEMPORAL_NAMESPACE"/);
  });

  it("runs Temporal Server 1.29.1 with the recipe's dynamic config: IDs limited to 255 characters", () => {
    const temporal = compose().services.temporal;
    assert.equal(temporal?.image, 'temporalio/auto-setup:1.29.1');
    const path = temporal?.environment?.DYNAMIC_CONFIG_FILE_PATH ?? '';
    const mount = temporal?.volumes?.find((volume) => volume.split(':')[1] === path) ?? '';
    assert.ok(mount, `a volume mounted at ${path}`);
    const file = parse(readFileSync(join(root, mount.split(':')[0] ?? ''), 'utf8')) as Record<
      string,
      Array<{ value: unknown }>
    >;
    assert.deepEqual(file['limit.maxIDLength'], [{ value: 255 }]);
  });

  it('runs two workers on one task queue, each health-checked with its metrics published on its own port', () => {
    const { services } = compose();
    const workers = ['worker-1', 'worker-2'].map((name) => services[name]!);
    assert.deepEqual(
      workers.map((w) => w.environment?.TEMPORAL_TASK_QUEUE),
      ['metastore-migration', 'metastore-migration'],
    );
    assert.deepEqual(
      workers.map((w) => w.ports),
      [['127.0.0.1:9464:9464'], ['127.0.0.1:9465:9464']],
    );
    for (const worker of workers) {
      assert.equal(worker.environment?.METASTORE_MIGRATOR_METRICS_ADDRESS, '0.0.0.0:9464');
      assert.match(worker.healthcheck?.test.join(' ') ?? '', /9464\/metrics/);
      // The connection is envconfig's: API key and TLS pass through, empty meaning unset.
      for (const variable of ['TEMPORAL_ADDRESS', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS_CLIENT_CERT_PATH']) {
        assert.ok(variable in (worker.environment ?? {}), `${variable} on the worker`);
      }
      assert.equal(worker.depends_on?.['temporal-setup']?.condition, 'service_completed_successfully');
    }
  });

  it('serves the codec server to the Web UI, and waits for a healthy Temporal before setup and the UI', () => {
    const { services } = compose();
    assert.deepEqual(services['codec-server']?.ports, ['127.0.0.1:8888:8888']);
    assert.equal(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT, 'http://127.0.0.1:8888');
    assert.ok(services['codec-server']?.command?.includes('http://127.0.0.1:8080'), 'the UI origin allowed');
    assert.ok(!services['codec-server']?.command?.includes('--no-auth-for-local-dev'), 'the token is required');
    assert.equal(services['temporal-ui']?.environment?.TEMPORAL_CODEC_INCLUDE_CREDENTIALS, 'true');
    assert.ok(services.temporal?.healthcheck);
    for (const name of ['temporal-setup', 'temporal-ui']) {
      assert.equal(services[name]?.depends_on?.temporal?.condition, 'service_healthy', name);
    }
  });
});

describe('docker-compose.yml codec server token', () => {
  it('comes from a secret file, not from the environment or the command line', () => {
    const file = compose();
    const codec = file.services['codec-server'];
    assert.deepEqual(codec?.secrets, ['codec_server_token']);
    assert.equal(codec?.environment?.METASTORE_MIGRATOR_CODEC_SERVER_TOKEN_FILE, '/run/secrets/codec_server_token');
    assert.ok(!('METASTORE_MIGRATOR_CODEC_SERVER_TOKEN' in (codec?.environment ?? {})));
    assert.match(file.secrets?.codec_server_token?.file ?? '', /secrets\/codec-server-token/);
  });
});

describe(
  "docker-compose.yml's setup step, run against a dev server",
  // It creates namespaces, which cannot be deleted: a shared server would keep them, run after run.
  { skip: requiresOwnTemporal('it creates namespaces of its own') },
  () => {
    let server: DevServer;
    let connection: NativeConnection;
    const execFileAsync = promisify(execFile);
    before(async () => {
      server = await startDevServer();
      connection = await NativeConnection.connect({ address: server.address });
    });
    after(async () => {
      await connection?.close();
      await server?.close();
    });

    it('creates a namespace the worker accepts, and runs again without error', async () => {
      const setup = compose().services['temporal-setup'];
      // Compose turns $$ into $ before the shell sees the script.
      const script = (setup?.command?.[0] ?? '').replaceAll('$$', '$');
      const namespace = `compose-${process.pid}`;
      const env = {
        PATH: `${dirname(await ensureTemporalCli())}:${process.env.PATH}`,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: namespace,
        SEARCH_ATTRIBUTES: setup?.environment?.SEARCH_ATTRIBUTES,
      };
      assert.equal((await checkNamespace(connection, namespace)).kind, 'no-namespace');
      for (let run = 1; run <= 2; run++) {
        const { stdout } = await execFileAsync('/bin/sh', ['-c', script], { env, timeout: 60_000 });
        assert.match(stdout, new RegExp(`namespace ${namespace} ready`), `run ${run}`);
        assert.deepEqual(await checkNamespace(connection, namespace), { kind: 'ready' });
      }
    });
  },
);
