// A secured Temporal, as Temporal Cloud or a hardened cluster is: TLS with a private CA, a client certificate
// required, an API key checked. The worker and the CLI reach it through the envconfig variables and a TOML profile
// (the stock temporal CLI reads the same profile), and every wrong setting is refused with a message that says
// which one — never the key.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { type Certificates, type GrpcTlsProxy, makeCertificates, startGrpcTlsProxy } from '../helpers/grpc-tls-proxy';
import { snakeCaseConfigYaml, waitFor } from '../helpers/migration';
import { type Stack, startStack } from '../helpers/stack';
import { type DevServer, startDevServer } from '../helpers/temporal';
import { freePort } from '../helpers/ports';

const API_KEY = 'tmprl-test-key-5c2e81f0a9';

let temporal: DevServer;
let certs: Certificates;
let proxy: GrpcTlsProxy;
let stack: Stack;
let workDir: string;
let secured: Record<string, string>;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-tls-e2e-'));
  temporal = await startDevServer();
  certs = makeCertificates();
  proxy = await startGrpcTlsProxy({
    upstream: temporal.address,
    certificates: certs,
    requireClientCert: true,
    apiKey: API_KEY,
  });
  stack = await startStack(temporal);
  secured = {
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caPath,
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCertPath,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKeyPath,
    TEMPORAL_API_KEY: API_KEY,
  };
  await writeFile(join(workDir, 'migration.yaml'), snakeCaseConfigYaml());
});

after(async () => {
  await Promise.allSettled([stack?.close(), proxy?.close()]);
  await temporal?.close();
  certs?.remove();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function assertNoKey(...texts: string[]): void {
  for (const text of texts) assert.ok(!text.includes(API_KEY), `the API key in: ${text.slice(0, 500)}`);
}

describe('a secured Temporal (TLS, mTLS, API key) through envconfig', () => {
  it('runs a migration with the worker and the CLI on mTLS and an API key; the stock CLI reads the same profile', async () => {
    const worker = await stack.startWorker(secured);
    assert.match(worker.output(), new RegExp(`on ${proxy.address} \\(TLS \\(mTLS\\), API key\\)`));
    const service = await stack.seedService();
    const start = ['start', '--service', service, '--config', join(workDir, 'migration.yaml')];
    const started = await stack.cliWithEnv(secured, ...start, '--poll-interval', '1', '--json');
    assert.equal(started.code, 0, started.stderr);
    await waitFor('REPLICATION over TLS', async () => {
      const status = await stack.cliWithEnv(secured, 'status', '--service', service, '--json');
      return status.code === 0 && (JSON.parse(status.stdout) as { stage: string }).stage === 'REPLICATION';
    });
    assert.deepEqual([...proxy.apiKeysSeen], [API_KEY], 'every client sent the key, and only it');

    // The same settings as a TOML profile: this CLI and the stock temporal CLI both connect with it.
    const profile = join(workDir, 'temporal.toml');
    await writeFile(
      profile,
      [
        '[profile.secured]',
        `address = "${proxy.address}"`,
        `namespace = "${stack.namespace}"`,
        `api_key = "${API_KEY}"`,
        '[profile.secured.tls]',
        `server_ca_cert_path = "${certs.caPath}"`,
        `client_cert_path = "${certs.clientCertPath}"`,
        `client_key_path = "${certs.clientKeyPath}"`,
        '',
      ].join('\n'),
    );
    const viaProfile = { TEMPORAL_CONFIG_FILE: profile, TEMPORAL_PROFILE: 'secured' };
    const status = await stack.cliWithEnv(viaProfile, 'status', '--service', service, '--json');
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as { stage: string }).stage, 'REPLICATION');
    const stock = await promisify(execFile)(
      await ensureTemporalCli(),
      ['workflow', 'describe', '--workflow-id', `migration/${service}`, '-o', 'json'],
      { env: { PATH: process.env.PATH, HOME: workDir, ...viaProfile } },
    );
    assert.match(stock.stdout, /"status":\s*"WORKFLOW_EXECUTION_STATUS_RUNNING"/);

    const cancelled = await stack.cliWithEnv(secured, 'cancel', '--service', service, '--json');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assertNoKey(worker.output(), started.stdout, started.stderr, status.stdout, cancelled.stdout);
  });

  it('refuses a server certificate its CA did not sign, naming the TLS settings', async () => {
    const wrongCa = { ...secured, TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.wrongCaPath };
    const cli = await stack.cliWithEnv(wrongCa, 'list-workflows');
    assert.equal(cli.code, 1);
    assert.match(
      cli.stderr,
      new RegExp(
        `TLS with Temporal at ${proxy.address} \\(TEMPORAL_ADDRESS; TLS \\(mTLS\\), API key\\) failed: .*certificate.*Check TEMPORAL_TLS_SERVER_CA_CERT_PATH`,
      ),
    );
    await assert.rejects(stack.startWorker(wrongCa), /TLS with Temporal at .* failed: .*UnknownIssuer/);
    assertNoKey(cli.stderr, cli.stdout);
  });

  it('is refused without the client certificate or with another API key, and says which', async () => {
    const { TEMPORAL_TLS_CLIENT_CERT_PATH: _cert, TEMPORAL_TLS_CLIENT_KEY_PATH: _key, ...noCert } = secured;
    const withoutCert = await stack.cliWithEnv(
      { ...noCert, TEMPORAL_TLS_CLIENT_CERT_PATH: undefined, TEMPORAL_TLS_CLIENT_KEY_PATH: undefined },
      'list-workflows',
    );
    assert.equal(withoutCert.code, 1);
    assert.match(
      withoutCert.stderr,
      /TLS with Temporal at .*\(TEMPORAL_ADDRESS; TLS, API key\) failed: .*certificate required/,
    );
    const otherKey = await stack.cliWithEnv({ ...secured, TEMPORAL_API_KEY: 'another-key' }, 'list-workflows');
    assert.equal(otherKey.code, 1);
    assert.match(otherKey.stderr, /refused the credentials: .*invalid API key\. Check TEMPORAL_API_KEY/);
    assert.ok(!otherKey.stderr.includes('another-key'), otherKey.stderr);
  });

  it('says it cannot reach an address where nothing listens, and an unreadable certificate before connecting', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const unreachable = await stack.cliWithEnv({ TEMPORAL_ADDRESS: closed }, 'list-workflows');
    assert.equal(unreachable.code, 1);
    assert.match(
      unreachable.stderr,
      new RegExp(`cannot reach Temporal at ${closed} \\(TEMPORAL_ADDRESS; plaintext\\): .*ECONNREFUSED`),
    );
    const missing = join(workDir, 'no-such-cert.pem');
    const unreadable = await stack.cliWithEnv({ ...secured, TEMPORAL_TLS_CLIENT_CERT_PATH: missing }, 'list-workflows');
    assert.equal(unreadable.code, 1);
    assert.match(unreadable.stderr, new RegExp(`TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read ${missing} \\(ENOENT\\)`));
  });
});
