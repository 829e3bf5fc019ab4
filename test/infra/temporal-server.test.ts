// Self-test of the Temporal test infrastructure: the cached CLI, startDevServer and createTestEnv.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../scripts/temporal-cli';
import { acceptsConnections } from '../helpers/ports';
import { createTestEnv, requiresOwnTemporal, startDevServer, type DevServer } from '../helpers/temporal';
import { existingTemporal } from '../../scripts/lib/existing-temporal';

const existing = existingTemporal();

async function withClient<T>(server: DevServer, body: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: server.address });
  try {
    return await body(new Client({ connection, namespace: server.namespace }));
  } finally {
    await connection.close();
  }
}

describe(
  'startDevServer',
  { timeout: 180_000, skip: requiresOwnTemporal('it tests the dev servers it launches') },
  () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'temporal-infra-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('serves the workflow service with the project search attributes until close()', async () => {
      const server = await startDevServer();
      try {
        const attributes = await withClient(server, async (client) => {
          await client.connection.workflowService.getSystemInfo({});
          const response = await client.connection.operatorService.listSearchAttributes({ namespace: 'default' });
          return Object.keys(response.customAttributes ?? {});
        });
        for (const attribute of SEARCH_ATTRIBUTES) assert.ok(attributes.includes(attribute.split('=')[0] ?? ''));
      } finally {
        await server.close();
      }
      assert.equal(await acceptsConnections(server.port), false);
    });

    it('keeps a running workflow across a restart on the same db file', async () => {
      const dbFilename = join(dir, 'restart.sqlite');
      const workflowId = `infra-${randomUUID()}`;
      const first = await startDevServer({ dbFilename });
      try {
        // No worker polls this task queue, so the execution stays RUNNING for as long as the state survives.
        await withClient(first, (client) =>
          client.workflow.start('nobodyRunsThis', { taskQueue: `nobody-${randomUUID()}`, workflowId }),
        );
      } finally {
        await first.close();
      }
      const second = await startDevServer({ dbFilename });
      try {
        const description = await withClient(second, (client) => client.workflow.getHandle(workflowId).describe());
        assert.equal(description.status.name, 'RUNNING');
      } finally {
        await second.close();
      }
    });

    it('survives kill() and restarts on the same db file after a crash', async () => {
      const dbFilename = join(dir, 'crash.sqlite');
      const workflowId = `infra-${randomUUID()}`;
      const first = await startDevServer({ dbFilename });
      await withClient(first, (client) =>
        client.workflow.start('nobodyRunsThis', { taskQueue: `nobody-${randomUUID()}`, workflowId }),
      );
      await first.kill();
      assert.equal(await acceptsConnections(first.port), false);
      const second = await startDevServer({ dbFilename });
      try {
        const description = await withClient(second, (client) => client.workflow.getHandle(workflowId).describe());
        assert.equal(description.status.name, 'RUNNING');
      } finally {
        await second.close();
      }
    });

    it('rejects with the server output when the server cannot start', async () => {
      await assert.rejects(
        startDevServer({ extraArgs: ['--no-such-flag'] }),
        /exited \(exit code \d+\)[\s\S]*no-such-flag/,
      );
    });
  },
);

describe(
  'startDevServer on an existing server',
  { timeout: 60_000, skip: !existing && 'no existing server given' },
  () => {
    it('resolves with that server and namespace, which has the search attributes and outlives close()', async () => {
      const server = await startDevServer();
      assert.deepEqual(
        [server.address, server.namespace, server.existing],
        [existing?.address, existing?.namespace, true],
      );
      await server.close();
      const attributes = await withClient(server, async (client) => {
        const response = await client.connection.operatorService.listSearchAttributes({ namespace: server.namespace });
        return Object.keys(response.customAttributes ?? {});
      });
      for (const attribute of SEARCH_ATTRIBUTES) assert.ok(attributes.includes(attribute.split('=')[0] ?? ''));
      await assert.rejects(server.kill(), /is shared: a test that kills it needs its own/);
    });
  },
);

describe('createTestEnv', { timeout: 60_000 }, () => {
  it('starts a dev server from the cached CLI (or connects to the existing one) and tears it down', async () => {
    const env = await createTestEnv();
    try {
      const info = await env.connection.workflowService.getSystemInfo({});
      assert.ok(info.capabilities);
      const response = await env.connection.operatorService.listSearchAttributes({
        namespace: env.namespace ?? 'default',
      });
      assert.ok('MetastoreService' in (response.customAttributes ?? {}));
      assert.equal(env.namespace ?? 'default', existing?.namespace ?? 'default');
    } finally {
      await env.teardown();
    }
  });
});
