// The worker refuses to start on a namespace that lacks the workflow's search attributes (each upsert would fail
// every workflow task of every migration until registered), naming them and the command that registers them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection } from '@temporalio/worker';
import { checkSearchAttributes, missingAttributesMessage } from '../../src/runtime/search-attributes';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/messages';
import { requiresOwnTemporal, startDevServer, type DevServer } from '../helpers/temporal';

let server: DevServer;
let connection: NativeConnection;
before(async () => {
  server = await startDevServer();
  connection = await NativeConnection.connect({ address: server.address });
});
after(async () => {
  await connection?.close();
  await server?.close();
});

describe('search attributes at worker start', () => {
  it('finds every attribute registered on the namespace the dev server sets up', async () => {
    assert.deepEqual(await checkSearchAttributes(connection, server.namespace), { missing: [] });
  });

  it(
    'names each missing attribute on a namespace without them, and how to register it',
    {
      // A namespace cannot be deleted: a shared server would keep one per run.
      skip: requiresOwnTemporal('it registers a namespace of its own'),
    },
    async () => {
      const namespace = `bare-${process.pid}`;
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
      const check = await checkSearchAttributes(connection, namespace);
      const names = SEARCH_ATTRIBUTE_KEYS.map((key) => key.name);
      assert.deepEqual(check, { missing: names });
      const message = missingAttributesMessage(namespace, names);
      assert.match(message, /lacks the search attribute\(s\) MetastoreService, .*MigrationAttention/);
      assert.match(message, new RegExp(`create --namespace ${namespace} --name MigrationAttention --type Keyword`));
      // RolloutWave is an Int (its own budget; SQL visibility allows 10 Keyword attributes per namespace).
      assert.match(message, new RegExp(`create --namespace ${namespace} --name RolloutWave --type Int`));
    },
  );
});
