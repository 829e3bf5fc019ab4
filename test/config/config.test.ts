import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, TASK_QUEUE, loadConfig } from '../../src/config';
import { MigrationOptionsSchema, formatIssues } from '../../src/schemas';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.name, 'ConfigError');
    return err;
  }
  assert.fail('expected the environment to be refused');
}

describe('loadConfig', () => {
  it('defaults to a local Temporal and Google’s endpoint when nothing is set', () => {
    assert.deepEqual(loadConfig({}), {
      temporal: {
        address: '127.0.0.1:7233',
        addressSource: 'the default; set TEMPORAL_ADDRESS',
        namespace: 'default',
        connectionOptions: { address: '127.0.0.1:7233', apiKey: undefined, tls: undefined, metadata: undefined },
        security: 'plaintext',
        taskQueue: TASK_QUEUE,
      },
      metastore: {
        emulatorHost: undefined,
        emulatorToken: undefined,
        endpoint: 'https://metastore.googleapis.com',
        apiVersion: 'v1',
        timeoutMs: 20_000,
      },
      apiBudgetPerProject: 3,
      budgetShareSeconds: 30,
      fleetMetricsSeconds: 60,
      notifyDefaults: [],
      secretPolicy: { env: [], projects: [] },
      sourceTlsPolicy: 'required',
      sizing: {
        workflowTaskSlots: 20,
        controlSlots: 200,
        pollSlots: 50,
        maxCachedWorkflows: 400,
        workflowTaskPollers: 4,
        activityTaskPollers: 4,
      },
      // Production floors under the request's intervals (src/activities/min-intervals.ts).
      minIntervals: { pollMs: 5000, fastPollMs: 1000, operationPollMs: 1000, sourceCheckMs: 60_000 },
    });
  });

  it('takes every setting from the environment and ignores unrelated variables', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: '127.0.0.1:17233',
      TEMPORAL_NAMESPACE: 'migrations',
      TEMPORAL_TASK_QUEUE: 'mm-test',
      METASTORE_EMULATOR_HOST: '127.0.0.1:8089',
      METASTORE_EMULATOR_TOKEN: 'rehearsal-token',
      METASTORE_ENDPOINT: 'https://metastore.mtls.googleapis.com',
      METASTORE_API_VERSION: 'v1beta',
      METASTORE_REQUEST_TIMEOUT_MS: '5000',
      METASTORE_MIGRATOR_API_BUDGET: '2.5',
      METASTORE_MIGRATOR_BUDGET_SHARE_SECONDS: '5',
      METASTORE_MIGRATOR_WORKFLOW_TASK_SLOTS: '8',
      METASTORE_MIGRATOR_CONTROL_SLOTS: '30',
      METASTORE_MIGRATOR_POLL_SLOTS: '10',
      METASTORE_MIGRATOR_MAX_CACHED_WORKFLOWS: '500',
      METASTORE_MIGRATOR_WORKFLOW_POLLERS: '2',
      METASTORE_MIGRATOR_ACTIVITY_POLLERS: '3',
      METASTORE_MIGRATOR_SECRET_ENV: 'HIVE_DB_PASSWORD, CDC_*',
      METASTORE_MIGRATOR_SECRET_DIR: '/run/secrets/metastore',
      METASTORE_MIGRATOR_SECRET_PROJECTS: 'secrets-prj,123456',
      METASTORE_MIGRATOR_SOURCE_TLS: 'off',
      METASTORE_MIGRATOR_MIN_POLL_SECONDS: '0.2',
      METASTORE_MIGRATOR_MIN_FAST_POLL_SECONDS: '0',
      METASTORE_MIGRATOR_MIN_OPERATION_POLL_SECONDS: '2',
      METASTORE_MIGRATOR_MIN_SOURCE_CHECK_SECONDS: '300',
      PATH: '/usr/bin',
    });
    assert.deepEqual(config, {
      temporal: {
        address: '127.0.0.1:17233',
        addressSource: 'TEMPORAL_ADDRESS',
        namespace: 'migrations',
        connectionOptions: { address: '127.0.0.1:17233', apiKey: undefined, tls: undefined, metadata: undefined },
        security: 'plaintext',
        taskQueue: 'mm-test',
      },
      metastore: {
        emulatorHost: '127.0.0.1:8089',
        emulatorToken: 'rehearsal-token',
        endpoint: 'https://metastore.mtls.googleapis.com',
        apiVersion: 'v1beta',
        timeoutMs: 5000,
      },
      apiBudgetPerProject: 2.5,
      budgetShareSeconds: 5,
      fleetMetricsSeconds: 60,
      notifyDefaults: [],
      secretPolicy: {
        env: ['HIVE_DB_PASSWORD', 'CDC_*'],
        dir: '/run/secrets/metastore',
        projects: ['secrets-prj', '123456'],
      },
      sourceTlsPolicy: 'off',
      sizing: {
        workflowTaskSlots: 8,
        controlSlots: 30,
        pollSlots: 10,
        maxCachedWorkflows: 500,
        workflowTaskPollers: 2,
        activityTaskPollers: 3,
      },
      minIntervals: { pollMs: 200, fastPollMs: 0, operationPollMs: 2000, sourceCheckMs: 300_000 },
    });
  });

  it('refuses a negative or non-numeric minimum interval, naming the variable', () => {
    const err = configError({
      METASTORE_MIGRATOR_MIN_POLL_SECONDS: '-1',
      METASTORE_MIGRATOR_MIN_SOURCE_CHECK_SECONDS: 'x',
    });
    assert.match(err.message, /^METASTORE_MIGRATOR_MIN_POLL_SECONDS: /m);
    assert.match(err.message, /^METASTORE_MIGRATOR_MIN_SOURCE_CHECK_SECONDS: /m);
  });

  it('treats empty strings as unset (docker-compose passes ${X:-} as "")', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: '',
      TEMPORAL_TASK_QUEUE: '',
      METASTORE_EMULATOR_HOST: '',
      METASTORE_API_VERSION: '',
      METASTORE_REQUEST_TIMEOUT_MS: '',
      METASTORE_MIGRATOR_SOURCE_TLS: '',
    });
    assert.deepEqual(config, loadConfig({}));
  });

  it('requires TLS to the source unless METASTORE_MIGRATOR_SOURCE_TLS is exactly off', () => {
    assert.equal(loadConfig({ METASTORE_MIGRATOR_SOURCE_TLS: 'required' }).sourceTlsPolicy, 'required');
    for (const value of ['false', 'OFF', 'no', '0']) {
      assert.throws(
        () => loadConfig({ METASTORE_MIGRATOR_SOURCE_TLS: value }),
        /METASTORE_MIGRATOR_SOURCE_TLS: must be 'required' or 'off'/,
        value,
      );
    }
  });

  it('refuses a METASTORE_EMULATOR_HOST that is not host:port, naming the variable', () => {
    for (const host of ['http://127.0.0.1:8089', '127.0.0.1', '127.0.0.1:80a', ' 127.0.0.1:8089']) {
      const err = configError({ METASTORE_EMULATOR_HOST: host });
      assert.match(err.message, /^METASTORE_EMULATOR_HOST: /m, host);
    }
  });

  it('refuses a secret allowlist entry that is not a name, a relative secret directory, a bad project', () => {
    const err = configError({
      METASTORE_MIGRATOR_SECRET_ENV: 'HIVE_DB_PASSWORD,$(cat /etc/passwd)',
      METASTORE_MIGRATOR_SECRET_DIR: 'secrets',
      METASTORE_MIGRATOR_SECRET_PROJECTS: 'Projects/With/Slashes',
    });
    assert.match(err.message, /^METASTORE_MIGRATOR_SECRET_ENV: entry 2 is not a variable name/m);
    assert.match(err.message, /^METASTORE_MIGRATOR_SECRET_DIR: must be an absolute path/m);
    assert.match(err.message, /^METASTORE_MIGRATOR_SECRET_PROJECTS: entry 1 is not a project id/m);
    assert.ok(!err.message.includes('/etc/passwd'), 'entries are named by position, never by value');
  });

  it('refuses a zero slot count and a budget of nothing, naming each variable', () => {
    const err = configError({ METASTORE_MIGRATOR_POLL_SLOTS: '0', METASTORE_MIGRATOR_API_BUDGET: '0' });
    assert.match(err.message, /^METASTORE_MIGRATOR_POLL_SLOTS: /m);
    assert.match(err.message, /^METASTORE_MIGRATOR_API_BUDGET: /m);
  });

  it('refuses an unknown API version and an out-of-range timeout, naming each variable', () => {
    const err = configError({ METASTORE_API_VERSION: 'v2', METASTORE_REQUEST_TIMEOUT_MS: '10' });
    assert.match(err.message, /^METASTORE_API_VERSION: /m);
    assert.match(err.message, /^METASTORE_REQUEST_TIMEOUT_MS: /m);
  });

  it('takes the worker’s notification targets, and refuses a bad one by position without quoting it', () => {
    const hook = 'https://hooks.example.com/services/T000/B000/XXXX';
    assert.deepEqual(loadConfig({ METASTORE_MIGRATOR_NOTIFY_URLS: ` chat:${hook}, env:OPS_HOOK ` }).notifyDefaults, [
      `chat:${hook}`,
      'env:OPS_HOOK',
    ]);
    const err = configError({ METASTORE_MIGRATOR_NOTIFY_URLS: `${hook},ftp://files.example.com/drop-secret` });
    assert.match(err.message, /^METASTORE_MIGRATOR_NOTIFY_URLS: entry 2 must be an http\(s\) URL/m);
    assert.ok(!err.message.includes('drop-secret'), err.message);
    assert.match(configError({ METASTORE_MIGRATOR_NOTIFY_URLS: 'worker' }).message, /entry 1 worker names this list/);
  });

  it('refuses a metrics address that is not host:port', () => {
    assert.equal(loadConfig({ METASTORE_MIGRATOR_METRICS_ADDRESS: '127.0.0.1:9464' }).metricsAddress, '127.0.0.1:9464');
    assert.match(
      configError({ METASTORE_MIGRATOR_METRICS_ADDRESS: '9464' }).message,
      /^METASTORE_MIGRATOR_METRICS_ADDRESS: /m,
    );
  });
});

describe('notification targets in a migration request', () => {
  it('accepts URLs, references and worker, chat: before any; refuses anything else with its field path', () => {
    const good = [
      'https://hooks.example.com/x',
      'chat:https://hooks.slack.com/services/T/B/K',
      'chat:env:TEAM_HOOK',
      'worker',
    ];
    assert.deepEqual(MigrationOptionsSchema.parse({ notify: good }).notify, good);
    const bad = MigrationOptionsSchema.safeParse({ notify: ['https://ok.example.com', 'mailto:ops@example.com'] });
    assert.ok(!bad.success);
    assert.match(formatIssues(bad.error), /^notify\.1: must be an http\(s\) URL/m);
    const badRef = MigrationOptionsSchema.safeParse({ notify: ['chat:env:not a name'] });
    assert.ok(!badRef.success);
    assert.match(formatIssues(badRef.error), /^notify\.0: /m);
  });
});

describe('options.sourceTls in a migration request', () => {
  it('takes the CA as a secret reference and an optional DNS serverName; nothing in it turns TLS off', () => {
    const ok = MigrationOptionsSchema.parse({
      sourceTls: { caCertificate: 'file:/secrets/server-ca.pem', serverName: 'abc123.us-central1.sql.goog' },
    });
    assert.deepEqual(ok.sourceTls, {
      caCertificate: 'file:/secrets/server-ca.pem',
      serverName: 'abc123.us-central1.sql.goog',
    });
    const pem = MigrationOptionsSchema.safeParse({ sourceTls: { caCertificate: '-----BEGIN CERTIFICATE-----\nMII' } });
    assert.ok(!pem.success);
    assert.match(formatIssues(pem.error), /^sourceTls\.caCertificate: /m);
    // Workflow input is untrusted: the lab opt-out is the worker's environment alone.
    for (const sourceTls of [
      { caCertificate: 'env:CA', enabled: false },
      { caCertificate: 'env:CA', rejectUnauthorized: false },
      'off',
    ]) {
      assert.ok(!MigrationOptionsSchema.safeParse({ sourceTls }).success, JSON.stringify(sourceTls));
    }
    for (const serverName of ['10.0.0.5:3306', '10.0.0.5']) {
      const name = MigrationOptionsSchema.safeParse({ sourceTls: { caCertificate: 'env:CA', serverName } });
      assert.ok(!name.success, serverName);
      assert.match(formatIssues(name.error), /^sourceTls\.serverName: must be a DNS name/m);
    }
  });
});
