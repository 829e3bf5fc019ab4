// Which execution `verify --config` of the outgoing kind takes its report from: the latest finished (SUCCEEDED or
// ROLLED_BACK), non-dry-run backfill to the config's catalogs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backfillTargets, latestBackfillTo, sameCatalogs } from '../../src/lakehouse/backfill-execution';
import type { MigrationExecution } from '../../src/schemas';

const HIVE = 'projects/p/catalogs/hive';
const OTHER = 'projects/p/catalogs/other';
const service = 'projects/p/locations/l/services/s';

function execution(id: string, state: string, createTime: string, config: Record<string, unknown>): MigrationExecution {
  return {
    name: `${service}/migrationExecutions/${id}`,
    state,
    createTime,
    biglakeMetastoreMigrationConfig: { mode: 'BACKFILL', ...config },
  } as MigrationExecution;
}

describe('latestBackfillTo', () => {
  const config = { hiveConfig: { catalog: HIVE, databases: ['sales'] } };

  it('takes the newest finished backfill to the same catalogs, a rolled-back one included', () => {
    const executions = [
      execution('old', 'SUCCEEDED', '2026-12-01T00:00:00Z', { hiveConfig: { catalog: HIVE, databases: ['*'] } }),
      execution('rolled', 'ROLLED_BACK', '2026-12-02T00:00:00Z', { hiveConfig: { catalog: HIVE } }),
      execution('elsewhere', 'SUCCEEDED', '2026-12-03T00:00:00Z', { hiveConfig: { catalog: OTHER } }),
      execution('dry', 'SUCCEEDED', '2026-12-04T00:00:00Z', { dryRun: true, hiveConfig: { catalog: HIVE } }),
      execution('failed', 'FAILED', '2026-12-05T00:00:00Z', { hiveConfig: { catalog: HIVE } }),
      execution('running', 'RUNNING', '2026-12-06T00:00:00Z', { hiveConfig: { catalog: HIVE } }),
    ];
    assert.equal(latestBackfillTo(executions, config)?.name, `${service}/migrationExecutions/rolled`);
    assert.equal(latestBackfillTo(executions.slice(0, 1), config)?.name, `${service}/migrationExecutions/old`);
    assert.equal(latestBackfillTo(executions.slice(2), config), undefined, 'none finished to these catalogs');
  });

  it('an incoming execution is never one', () => {
    const incoming = { name: `${service}/migrationExecutions/in`, state: 'SUCCEEDED' } as MigrationExecution;
    assert.equal(latestBackfillTo([incoming], config), undefined);
  });

  it('the same catalogs means both kinds alike; the targets are the catalogs with their databases', () => {
    assert.equal(sameCatalogs(config, { hiveConfig: { catalog: HIVE }, icebergConfig: { catalog: OTHER } }), false);
    assert.equal(sameCatalogs(config, { hiveConfig: { catalog: HIVE, databases: ['*'] } }), true);
    assert.deepEqual(backfillTargets({ ...config, icebergConfig: { catalog: OTHER } }), {
      hive: { catalog: HIVE, databases: ['sales'] },
      iceberg: { catalog: OTHER, namespaces: [] },
    });
  });
});
