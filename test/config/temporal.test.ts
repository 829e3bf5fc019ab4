// The Temporal connection as envconfig loads it: variables, TOML profiles, TLS files and API keys, and errors that
// name the variable or file at fault.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';
import { TemporalConfigError, describeConnectError, loadTemporalConnection } from '../../src/config/temporal';
import { MASK, redact } from '../../src/secrets/redact';

const dir = mkdtempSync(join(tmpdir(), 'temporal-config-test-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
// Not a real certificate: envconfig reads the bytes; the TLS handshake is what checks them (test/e2e).
const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const cert = file('client.pem', 'client cert');
const key = file('client.key', 'client key');
const toml = file(
  'temporal.toml',
  `[profile.default]\naddress = "127.0.0.1:7999"\n\n[profile.prod]\naddress = "prod.example.tmprl.cloud:7233"\nnamespace = "prod.a1b2c"\n[profile.prod.tls]\nserver_ca_cert_path = "${ca}"\nclient_cert_path = "${cert}"\nclient_key_path = "${key}"\nserver_name = "prod.example"\n`,
);
/** No HOME: the engineer's own ~/.config/temporalio/temporal.toml must not take part. */
const load = (env: Record<string, string>) => loadTemporalConnection(env);

describe('Temporal connection (envconfig)', () => {
  it('defaults to the local dev server in plaintext, and says the address is the default', () => {
    const config = load({});
    assert.equal(config.address, '127.0.0.1:7233');
    assert.equal(config.namespace, 'default');
    assert.equal(config.security, 'plaintext');
    assert.match(config.addressSource, /default; set TEMPORAL_ADDRESS/);
    assert.equal(config.connectionOptions.tls, undefined);
  });

  it('takes TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE', () => {
    const config = load({ TEMPORAL_ADDRESS: '127.0.0.1:17233', TEMPORAL_NAMESPACE: 'migrations' });
    assert.equal(config.address, '127.0.0.1:17233');
    assert.equal(config.connectionOptions.address, '127.0.0.1:17233');
    assert.equal(config.namespace, 'migrations');
    assert.equal(config.addressSource, 'TEMPORAL_ADDRESS');
  });

  it('reads a TOML profile with mTLS files, the variables overriding it', () => {
    const config = load({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' });
    assert.equal(config.address, 'prod.example.tmprl.cloud:7233');
    assert.equal(config.namespace, 'prod.a1b2c');
    assert.equal(config.security, 'TLS (mTLS)');
    assert.match(config.addressSource, /profile "prod" in .*temporal\.toml/);
    const tls = config.connectionOptions.tls;
    assert.ok(tls && typeof tls === 'object');
    assert.equal(tls.serverNameOverride, 'prod.example');
    assert.equal(Buffer.from(tls.clientCertPair!.crt).toString(), 'client cert');
    assert.equal(Buffer.from(tls.clientCertPair!.key).toString(), 'client key');
    const overridden = load({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(overridden.address, '127.0.0.1:1');
    assert.equal(overridden.security, 'TLS (mTLS)', 'the profile TLS stays');
    assert.equal(load({ TEMPORAL_CONFIG_FILE: toml }).address, '127.0.0.1:7999', 'the default profile');
  });

  it('turns TLS on for an API key, and loadConfig registers the key so no log line can show it', () => {
    const apiKey = 'tmprl-key-3f9a0c1d7e';
    const config = load({ TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_API_KEY: apiKey });
    assert.equal(config.connectionOptions.tls, true);
    assert.equal(config.connectionOptions.apiKey, apiKey);
    assert.equal(config.security, 'TLS, API key');
    assert.ok(!JSON.stringify({ ...config, connectionOptions: undefined }).includes(apiKey));
    loadConfig({ TEMPORAL_API_KEY: apiKey });
    assert.equal(redact(`connecting with ${apiKey}`), `connecting with ${MASK}`);
    assert.equal(load({ TEMPORAL_API_KEY: apiKey, TEMPORAL_TLS: 'false' }).connectionOptions.tls, false);
  });

  it('names the variable of an unreadable certificate, a missing profile or config file, a cert without key', () => {
    const missing = join(dir, 'nope.pem');
    assert.throws(
      () => load({ TEMPORAL_TLS_CLIENT_CERT_PATH: missing, TEMPORAL_TLS_CLIENT_KEY_PATH: key }),
      (err: Error) =>
        err instanceof TemporalConfigError &&
        err.message === `TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read ${missing} (ENOENT)`,
    );
    assert.throws(
      () => load({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: dir }),
      /^TemporalConfigError: TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read .* \(EISDIR\)$/,
    );
    assert.throws(
      () => load({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'staging' }),
      /TEMPORAL_PROFILE: Profile 'staging' not found in .*temporal\.toml/,
    );
    assert.throws(
      () => load({ TEMPORAL_CONFIG_FILE: missing }),
      /TEMPORAL_CONFIG_FILE: cannot read .*nope\.pem \(ENOENT\)/,
    );
    assert.throws(() => load({ TEMPORAL_TLS_CLIENT_CERT_PATH: cert }), /mTLS needs both/);
    assert.throws(
      () => load({ TEMPORAL_CONFIG_FILE: file('bad.toml', 'profile = [') }),
      /Temporal client configuration \(.*bad\.toml\)/,
    );
    // Through loadConfig, the same message as a ConfigError (what the worker and the CLI print).
    assert.throws(
      () => loadConfig({ TEMPORAL_TLS_CLIENT_KEY_PATH: missing, TEMPORAL_TLS_CLIENT_CERT_PATH: cert }),
      (err: Error) => err instanceof ConfigError && /TEMPORAL_TLS_CLIENT_KEY_PATH: cannot read/.test(err.message),
    );
  });

  it('says where a failed connect went and why, not "Failed to connect before the deadline"', () => {
    const config = load({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const refused = new Error('Failed to connect before the deadline', {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:1'),
    });
    assert.equal(
      describeConnectError(config, refused),
      'cannot reach Temporal at 127.0.0.1:1 (TEMPORAL_ADDRESS; plaintext): Failed to connect before the deadline: connect ECONNREFUSED 127.0.0.1:1',
    );
    const tls = describeConnectError(config, new Error('invalid peer certificate: UnknownIssuer'));
    assert.match(
      tls,
      /^TLS with Temporal at 127\.0\.0\.1:1 .* failed: invalid peer certificate: UnknownIssuer\. Check TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
    );
  });
});
