// The worker's namespace check against a real dev server (SQL visibility on SQLite, attributes per namespace): it
// finds the attributes the dev server registers, a namespace that does not exist, one without the attributes, one
// with an attribute of another type, and one whose Keyword columns are too full for the project's seven.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection } from '@temporalio/worker';
import { checkNamespace, namespaceCheckMessage } from '../../src/runtime/search-attributes';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/messages';
import { requiresOwnTemporal, startDevServer, type DevServer } from '../helpers/temporal';

const { INDEXED_VALUE_TYPE_KEYWORD: KEYWORD, INDEXED_VALUE_TYPE_TEXT: TEXT } = temporal.api.enums.v1.IndexedValueType;

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

async function createNamespace(name: string): Promise<string> {
  const namespace = `${name}-${process.pid}`;
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  return namespace;
}

async function addAttributes(namespace: string, attributes: Record<string, number>): Promise<void> {
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: attributes });
}

describe('namespace check at worker start', () => {
  it('finds every attribute registered on the namespace the dev server sets up', async () => {
    assert.deepEqual(await checkNamespace(connection, server.namespace), { kind: 'ready' });
  });

  it(
    'tells a namespace that does not exist from one without the attributes',
    { skip: requiresOwnTemporal('it registers namespaces of its own, which a shared server would keep') },
    async () => {
      assert.deepEqual(await checkNamespace(connection, `nowhere-${process.pid}`), { kind: 'no-namespace' });
      const namespace = await createNamespace('bare');
      const checked = await checkNamespace(connection, namespace);
      assert.equal(checked.kind, 'attributes');
      const names = SEARCH_ATTRIBUTE_KEYS.map((key) => key.name);
      assert.deepEqual(checked.kind === 'attributes' && checked.check.missing.map((a) => a.name), names);
      const message = namespaceCheckMessage(namespace, checked) ?? '';
      assert.match(message, new RegExp(`create --namespace ${namespace} --name MigrationAttention --type Keyword`));
      assert.match(message, new RegExp(`create --namespace ${namespace} --name RolloutWave --type Int`));
    },
  );

  it(
    'names an attribute registered with another type',
    { skip: requiresOwnTemporal('it registers namespaces of its own, which a shared server would keep') },
    async () => {
      const namespace = await createNamespace('mistyped');
      await addAttributes(namespace, { MigrationStage: TEXT });
      const checked = await checkNamespace(connection, namespace);
      assert.ok(checked.kind === 'attributes');
      assert.deepEqual(
        checked.check.mistyped.map((a) => [a.name, a.registeredAs]),
        [['MigrationStage', 'Text']],
      );
    },
  );

  it(
    "sees SQL visibility's Keyword columns through the namespace's aliases and says when 7 do not fit",
    { skip: requiresOwnTemporal('it registers namespaces of its own, which a shared server would keep') },
    async () => {
      const namespace = await createNamespace('crowded');
      await addAttributes(namespace, { Team: KEYWORD, Owner: KEYWORD, Tier: KEYWORD, Env: KEYWORD });
      const checked = await checkNamespace(connection, namespace);
      assert.ok(checked.kind === 'attributes');
      assert.deepEqual(checked.check.keywordColumns, { taken: 4, needed: 7 });
      assert.match(namespaceCheckMessage(namespace, checked) ?? '', /4 are taken, so the 7 Keyword attribute\(s\)/);
    },
  );
});
