// A throwaway certificate authority made with openssl (EC P-256: tens of milliseconds), and server certificates it
// signs. Like Cloud SQL's, a server certificate names a DNS name (SERVER_NAME) and not the IP it is reached at.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The DNS name every server certificate carries (serverName in tests). */
export const SERVER_NAME = 'db.test';

export interface TestCa {
  /** The CA certificate, PEM (what options.sourceTls.caCertificate names). */
  ca: string;
  caFile: string;
  /** A server certificate and key signed by this CA, for SERVER_NAME. */
  issueServer(name: string): Promise<{ certFile: string; keyFile: string; cert: string; key: string }>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA in `dir` (created if need be), its files named after `name`. */
export async function createTestCa(dir: string, name = 'test-ca'): Promise<TestCa> {
  await mkdir(dir, { recursive: true });
  const caFile = join(dir, `${name}.pem`);
  const caKey = join(dir, `${name}-key.pem`);
  await openssl(
    ['req', '-x509', ...EC, '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', `/CN=${name}`].concat([
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]),
  );
  const ca = await readFile(caFile, 'utf8');
  return {
    ca,
    caFile,
    async issueServer(server) {
      const keyFile = join(dir, `${server}-key.pem`);
      const certFile = join(dir, `${server}.pem`);
      const csr = join(dir, `${server}.csr`);
      const ext = join(dir, `${server}.ext`);
      await writeFile(
        ext,
        `subjectAltName=DNS:${SERVER_NAME}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
      );
      await openssl(['req', ...EC, '-keyout', keyFile, '-out', csr, '-subj', `/CN=${SERVER_NAME}`]);
      await openssl(
        ['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial'].concat([
          '-out',
          certFile,
          '-days',
          '2',
          '-extfile',
          ext,
        ]),
      );
      const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
      return { certFile, keyFile, cert, key };
    },
  };
}

async function openssl(args: string[]): Promise<void> {
  try {
    await execFileAsync('openssl', args, { timeout: 30_000 });
  } catch (err) {
    const { stderr = '' } = err as { stderr?: string };
    throw new Error(`openssl ${args[0]} failed: ${String(err)}\n${stderr}`);
  }
}
