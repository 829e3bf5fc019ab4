import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, sourceTlsFlags } from '../../src/cli/args';
import { UsageError } from '../../src/cli/errors';

const SERVICE = ['--service', 'projects/p-123456/locations/us-central1/services/hms'];
const CONFIG = ['--config', 'migration.yaml'];

describe('--source-ca and --source-server-name', () => {
  it('become options.sourceTls; a server name without a CA is a usage error', () => {
    const flags = (...args: string[]) => sourceTlsFlags(parse(['plan', ...SERVICE, ...CONFIG, ...args]).options);
    assert.equal(flags(), undefined);
    assert.deepEqual(flags('--source-ca', 'file:/s/ca.pem'), { caCertificate: 'file:/s/ca.pem' });
    assert.deepEqual(flags('--source-ca', 'env:CA', '--source-server-name', 'db.example.com'), {
      caCertificate: 'env:CA',
      serverName: 'db.example.com',
    });
    assert.throws(() => flags('--source-server-name', 'db.example.com'), UsageError);
  });
});
