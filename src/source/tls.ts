// How a source connection is secured, as mysql2 settings. The password may go only to a server the worker has
// authenticated: with a CA, mysql2 asks for TLS right after the server's greeting and sends the login (user,
// scramble, password) only once the server's certificate chains to that CA — a server that offers no TLS, or whose
// certificate does not verify, is refused first. Without TLS (the worker's lab opt-out) nothing that would hand
// the password itself to the server is allowed: no cleartext plugin, no encryption to a key the server chose.
import { connect } from 'node:net';
import { authPlugins, type AuthPlugin, type ConnectionOptions } from 'mysql2';
import type { SourceConnectionOptions } from './types';

/** Thrown before connecting when the worker requires TLS and the request names no CA. */
export class SourceTlsNotConfiguredError extends Error {
  override readonly name = 'SourceTlsNotConfiguredError';
  readonly code = 'SOURCE_TLS_NOT_CONFIGURED';
}

export const TLS_HOW_TO =
  "name the source's server CA in options.sourceTls.caCertificate (a secret reference, e.g. file:/secrets/server-ca.pem " +
  'from `gcloud sql instances describe INSTANCE --format="value(serverCaCert.cert)"`)';

/** mysql2's settings for `options.tls`; throws SourceTlsNotConfiguredError when no CA is configured. */
export function tlsSettings(options: SourceConnectionOptions): ConnectionOptions {
  const tls = options.tls;
  switch (tls.mode) {
    case 'missing':
      throw new SourceTlsNotConfiguredError(
        `not connecting to ${options.host}:${options.port}: TLS to the source is required and no CA is configured, so the password would go to an unauthenticated server; ${TLS_HOW_TO}`,
      );
    case 'verify': {
      // `ca` replaces Node's public roots: only certificates of the named CA pass. mysql2 checks the host name
      // only with verifyIdentity, against the host it dials; Cloud SQL's certificates do not name the IP.
      const ssl = { ca: tls.ca, rejectUnauthorized: true, minVersion: 'TLSv1.2', verifyIdentity: !!tls.serverName };
      if (!tls.serverName) return { ssl };
      // To check serverName while dialling the IP, mysql2 is told the name as its host (it verifies that and sends
      // it as SNI) and handed a socket to the IP.
      const { host, port } = options;
      return { ssl, host: tls.serverName, stream: () => connect({ host, port, noDelay: true }) };
    }
    case 'off':
      return { authPlugins: WITHOUT_TLS };
  }
}

/**
 * Over plain TCP: caching_sha2_password's fast path only (a scramble, never the password), and no plugin that
 * sends the password itself — in cleartext, or encrypted to an RSA key the unauthenticated server hands over.
 */
const WITHOUT_TLS: Record<string, AuthPlugin> = {
  caching_sha2_password: (meta) => {
    // overrideIsSecure: false — a Unix socket never applies here, and this is not TLS.
    const standard = authPlugins.caching_sha2_password({ overrideIsSecure: false })(meta);
    return (data) => {
      if (data.length === 1 && data[0] === PERFORM_FULL_AUTHENTICATION) {
        throw new Error(
          'the server asked for caching_sha2_password full authentication, which without TLS would send the password to a key the server chose; refused (connect with TLS)',
        );
      }
      return standard(data);
    };
  },
  sha256_password: refuse('sha256_password'),
  mysql_clear_password: refuse('mysql_clear_password'),
};
const PERFORM_FULL_AUTHENTICATION = 0x04;

function refuse(plugin: string): AuthPlugin {
  return () => () => {
    throw new Error(`the server asked for ${plugin}, which without TLS would send the password itself; refused`);
  };
}
