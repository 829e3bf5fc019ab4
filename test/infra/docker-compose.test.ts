// The compose stack registers its search attributes in a shell loop; the dev server gets them from
// scripts/temporal-cli.ts. Both lists must stay equal or the workflow's upserts fail on one of them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../scripts/temporal-cli';

interface ComposeService {
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  secrets?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
}

const compose = (): ComposeFile =>
  parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;

describe('docker-compose.yml', () => {
  it('registers the same search attributes as the dev server', () => {
    const registered = compose().services['temporal-setup']?.environment?.SEARCH_ATTRIBUTES ?? '';
    assert.deepEqual(registered.split(/\s+/).filter(Boolean), SEARCH_ATTRIBUTES);
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
