// The outgoing kind's startMigration body: exactly the contract's shape, checked at the client's API version, and a
// bad one refused with its field path before anything reaches the network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GaxiosOptions } from 'gaxios';
import { biglakeStartMigrationBody } from '../../src/metastore/biglake-start';
import type { BiglakeStartInput } from '../../src/metastore/biglake-start';
import { MetastoreClient } from '../../src/metastore/client';
import { MetastoreApiError } from '../../src/metastore/errors';
import type { ApiVersion } from '../../src/schemas';

const SERVICE = 'projects/corp-data-prod/locations/us-central1/services/hms';
const REQUEST_ID = '0f1e2d3c-4b5a-4678-9abc-def012345678';
const OPERATION = 'projects/corp-data-prod/locations/us-central1/operations/operation-1';

function input(): BiglakeStartInput {
  return {
    config: {
      mode: 'BACKFILL',
      dryRun: true,
      icebergConfig: { catalog: 'projects/corp-lake/catalogs/iceberg-main', namespaces: ['web'] },
      reportPath: 'gs://corp-reports/dpms',
    },
    migrationExecutionId: 'to-lakehouse-1',
    requestId: REQUEST_ID,
  };
}

/** A client whose transport records every request and answers with a started operation. */
function recordingClient(apiVersion: ApiVersion) {
  const sent: GaxiosOptions[] = [];
  const authClient = {
    request: async (options: GaxiosOptions) => {
      sent.push(options);
      return { data: { name: OPERATION, done: false } };
    },
  } as never;
  return { sent, client: new MetastoreClient({ baseUrl: 'https://metastore.example', authClient, apiVersion }) };
}

async function refusal(promise: Promise<unknown>): Promise<MetastoreApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof MetastoreApiError, String(err));
    return err;
  }
  assert.fail('expected a refusal');
}

describe('biglakeStartMigrationBody', () => {
  it('is the contract’s body and nothing else; optional ids left out when not given', () => {
    assert.deepEqual(biglakeStartMigrationBody(input(), 'v1', SERVICE), {
      migrationExecution: { biglakeMetastoreMigrationConfig: input().config },
      migrationExecutionId: 'to-lakehouse-1',
      requestId: REQUEST_ID,
    });
    const bare = biglakeStartMigrationBody({ config: input().config }, 'v1', SERVICE);
    assert.deepEqual(Object.keys(bare), ['migrationExecution']);
  });

  it('refuses a bad config, execution id or request id, naming the field path in the body', () => {
    const cases: [BiglakeStartInput, RegExp][] = [
      [
        { ...input(), config: { ...input().config, icebergConfig: undefined } },
        /^migrationExecution\.biglakeMetastoreMigrationConfig: needs a target/,
      ],
      [{ ...input(), migrationExecutionId: 'To_Lakehouse' }, /^migrationExecutionId: must be 2-63 characters/],
      [{ ...input(), requestId: '00000000-0000-0000-0000-000000000000' }, /^requestId: must not be the all-zero UUID/],
      [
        { ...input(), config: { ...input().config, backfillStatus: {} } as never },
        /biglakeMetastoreMigrationConfig: unknown field "backfillStatus": is output only/,
      ],
    ];
    for (const [bad, message] of cases) {
      try {
        biglakeStartMigrationBody(bad, 'v1beta', SERVICE);
        assert.fail(`accepted ${JSON.stringify(bad)}`);
      } catch (err) {
        assert.ok(err instanceof MetastoreApiError);
        assert.equal(err.status, 'INVALID_ARGUMENT');
        assert.equal(err.httpStatus, 0);
        assert.match(err.message.split('refused before sending: ')[1] ?? '', message);
      }
    }
  });
});

describe('MetastoreClient.startBiglakeMigration', () => {
  it('sends exactly the checked body to {version}/{service}:startMigration', async () => {
    const { client, sent } = recordingClient('v1beta');
    const config = { ...input().config, mode: 'INCREMENTAL_SYNC' as const, dryRun: undefined };
    const operation = await client.startBiglakeMigration(SERVICE, { ...input(), config });
    assert.equal(operation.name, OPERATION);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.url, `https://metastore.example/v1beta/${SERVICE}:startMigration`);
    assert.equal(sent[0]!.method, 'POST');
    assert.deepEqual(sent[0]!.data, {
      migrationExecution: {
        biglakeMetastoreMigrationConfig: {
          mode: 'INCREMENTAL_SYNC',
          icebergConfig: { catalog: 'projects/corp-lake/catalogs/iceberg-main', namespaces: ['web'] },
          reportPath: 'gs://corp-reports/dpms',
        },
      },
      migrationExecutionId: 'to-lakehouse-1',
      requestId: REQUEST_ID,
    });
  });

  it('refuses INCREMENTAL_SYNC on v1 and a location-scoped catalog with no call made', async () => {
    const { client, sent } = recordingClient('v1');
    const sync = { ...input(), config: { ...input().config, mode: 'INCREMENTAL_SYNC' as const } };
    const err = await refusal(client.startBiglakeMigration(SERVICE, sync));
    assert.match(
      err.message,
      /migrationExecution\.biglakeMetastoreMigrationConfig\.mode: must be BACKFILL with API version v1/,
    );
    const located = {
      ...input(),
      config: {
        ...input().config,
        icebergConfig: { catalog: 'projects/corp-lake/locations/us/catalogs/c', namespaces: ['web'] },
      },
    };
    const second = await refusal(client.startBiglakeMigration(SERVICE, located));
    assert.match(second.message, /icebergConfig\.catalog: must not name a location/);
    assert.equal(sent.length, 0, 'nothing was sent');
  });
});
