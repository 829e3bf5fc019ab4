// The existing-Temporal mode's settings: read from the environment or the bench's flags, and refused with the
// variable's name when they would point the suite off the loopback network or at no namespace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EXISTING_ADDRESS_ENV,
  EXISTING_NAMESPACE_ENV,
  existingTemporal,
  isolatedTaskQueue,
} from '../../scripts/lib/existing-temporal';

describe('existingTemporal', () => {
  it('is off without an address, and takes the namespace default unless one is given', () => {
    assert.equal(existingTemporal({}), undefined);
    assert.equal(existingTemporal({ [EXISTING_ADDRESS_ENV]: '' }), undefined);
    assert.deepEqual(existingTemporal({ [EXISTING_ADDRESS_ENV]: '127.0.0.1:7233' }), {
      address: '127.0.0.1:7233',
      namespace: 'default',
    });
    assert.deepEqual(
      existingTemporal({ [EXISTING_ADDRESS_ENV]: 'localhost:7233', [EXISTING_NAMESPACE_ENV]: 'migrations-ci' }),
      { address: 'localhost:7233', namespace: 'migrations-ci' },
    );
  });

  it('lets flags win over the environment', () => {
    const env = { [EXISTING_ADDRESS_ENV]: '127.0.0.1:7233', [EXISTING_NAMESPACE_ENV]: 'from-env' };
    assert.deepEqual(existingTemporal(env, { address: '127.0.0.2:7244', namespace: 'from-flag' }), {
      address: '127.0.0.2:7244',
      namespace: 'from-flag',
    });
  });

  it('refuses an address off the loopback network or without a port, naming the variable', () => {
    for (const address of ['10.0.0.5:7233', 'temporal.example.com:7233', '127.0.0.1', '127.0.0.1:0', '[::1]:7233'])
      assert.throws(
        () => existingTemporal({ [EXISTING_ADDRESS_ENV]: address }),
        new RegExp(`^Error: ${EXISTING_ADDRESS_ENV}: "\\S+" is not a loopback host:port`),
        address,
      );
    assert.throws(
      () => existingTemporal({ [EXISTING_ADDRESS_ENV]: '127.0.0.1:7233', [EXISTING_NAMESPACE_ENV]: 'a b' }),
      new RegExp(`^Error: ${EXISTING_NAMESPACE_ENV}: "a b" is not a Temporal namespace name`),
    );
  });

  it('gives each stack a task queue of its own', () => {
    const queues = new Set(Array.from({ length: 50 }, isolatedTaskQueue));
    assert.equal(queues.size, 50);
    for (const queue of queues) assert.match(queue, /^mm-test-[0-9a-f]{12}$/);
  });
});
