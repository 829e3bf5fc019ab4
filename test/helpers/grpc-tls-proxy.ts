// A secured Temporal endpoint on loopback: an HTTP/2 TLS server (optionally requiring a client certificate and an
// API key, as Temporal Cloud does) forwarding every gRPC stream to a plaintext dev server. Certificates come from
// makeCertificates (openssl): a CA, a server certificate for 127.0.0.1/localhost, a client certificate, and a
// second CA that signed nothing here (the "wrong CA").
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificates {
  dir: string;
  caPath: string;
  wrongCaPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  remove(): void;
}

export function makeCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), 'metastore-migrator-tls-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string) =>
    openssl(
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'],
      ...['-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=${name}`],
      ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    );
  const leaf = (name: string, extensions: string) => {
    openssl(
      ...['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`],
    );
    writeFileSync(at(`${name}.ext`), extensions);
    openssl(
      ...['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'],
      ...['-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`],
    );
  };
  ca('ca');
  ca('wrong-ca');
  leaf(
    'server',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  leaf('client', 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n');
  return {
    dir,
    caPath: at('ca.pem'),
    wrongCaPath: at('wrong-ca.pem'),
    serverCertPath: at('server.pem'),
    serverKeyPath: at('server.key'),
    clientCertPath: at('client.pem'),
    clientKeyPath: at('client.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface GrpcTlsProxy {
  address: string;
  /** API keys seen in `authorization` headers (to prove the client sent one). */
  apiKeysSeen: Set<string>;
  close(): Promise<void>;
}

export interface GrpcTlsProxyOptions {
  upstream: string;
  certificates: Certificates;
  /** Refuse the handshake without a client certificate signed by the CA. */
  requireClientCert?: boolean;
  /** Answer UNAUTHENTICATED unless `authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** gRPC methods (`/temporal.api.operatorservice.v1.OperatorService/ListSearchAttributes`) answered
   * PERMISSION_DENIED, as Temporal Cloud answers an API key whose role lacks them. */
  denied?: string[];
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'http2-settings']);

export async function startGrpcTlsProxy(options: GrpcTlsProxyOptions): Promise<GrpcTlsProxy> {
  const { certificates: certs } = options;
  const upstream = http2.connect(`http://${options.upstream}`);
  upstream.on('error', () => undefined); // each stream reports its own failure
  const apiKeysSeen = new Set<string>();
  const server = http2.createSecureServer({
    key: readFileSync(certs.serverKeyPath),
    cert: readFileSync(certs.serverCertPath),
    ca: readFileSync(certs.caPath),
    requestCert: options.requireClientCert === true,
    rejectUnauthorized: options.requireClientCert === true,
  });
  // Sessions a killed worker left open would keep close() waiting: tracked, and destroyed at close.
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const authorization = headers.authorization;
    if (typeof authorization === 'string') apiKeysSeen.add(authorization.replace(/^Bearer /, ''));
    if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'invalid API key' },
        { endStream: true },
      );
      return;
    }
    if (options.denied?.includes(String(headers[':path']))) {
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '7',
          'grpc-message': 'Request unauthorized.',
        },
        { endStream: true },
      );
      return;
    }
    const forwarded = Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    const request = upstream.request(forwarded);
    stream.pipe(request);
    let trailers: http2.OutgoingHttpHeaders = {};
    let trailersOnly = false;
    request.on('response', (responseHeaders) => {
      const { ':status': status, ...rest } = responseHeaders;
      // A gRPC error is often "trailers-only": grpc-status in the one HEADERS frame, which must end the stream.
      trailersOnly = rest['grpc-status'] !== undefined;
      if (stream.destroyed) return;
      if (trailersOnly) stream.respond({ ':status': status ?? 200, ...rest }, { endStream: true });
      else stream.respond({ ':status': status ?? 200, ...rest }, { waitForTrailers: true });
    });
    request.on('trailers', (received) => (trailers = received));
    request.on('data', (chunk: Buffer) => {
      if (!stream.destroyed) stream.write(chunk);
    });
    request.on('end', () => {
      if (stream.destroyed || trailersOnly) return;
      stream.once('wantTrailers', () => stream.sendTrailers(trailers));
      stream.end();
    });
    request.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    stream.on('close', () => request.close());
    stream.on('error', () => request.close());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    apiKeysSeen,
    close: async () => {
      upstream.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
      });
    },
  };
}
